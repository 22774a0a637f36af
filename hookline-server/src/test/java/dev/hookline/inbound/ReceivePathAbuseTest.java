package dev.hookline.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.hookline.signature.TimestampedSignature;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a sender who is not playing fair tries on {@code POST /webhooks/{token}}. */
class ReceivePathAbuseTest {
    private static final String BODY = "{\"order\":\"ORD-1\",\"total\":10}";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int events(Response source) {
        return server.get("/v1/sources/" + source.text("/id") + "/events?limit=250").body().get("data").size();
    }

    /**
     * Over the limit, a post that announces 5 MB and sends none of it is answered 429 at once: the
     * limit is checked before the body is read, so a flood costs a counter, not megabytes each.
     */
    @Test
    void overTheRateLimitThePostIsRefusedBeforeItsBodyIsRead() throws IOException {
        Response source = server.post("/v1/sources", "{\"name\":\"limited\",\"max_body_bytes\":10485760,"
                + "\"rate_limit\":{\"requests\":1,\"period_seconds\":3600}}");
        String url = source.text("/url");
        assertThat(post(url, BODY, Map.of())).isEqualTo(200);

        URI uri = URI.create(url);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(15_000); // a deadline for the answer, not a measurement: without one, a server waiting for the body hangs the test
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5000000\r\n\r\n{\"a\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] status = in.readNBytes(12);
            assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 429");
        }
    }

    @Test
    void anExactReplayOfAStandardSignedPostStoresAndForwardsNothingNew() throws Exception {
        String app = server.createApp("Replayed");
        Response source = server.post("/v1/sources", "{\"name\":\"std\",\"verification\":{\"scheme\":\"standard\"},"
                + "\"forward\":{\"app\":\"" + app + "\"}}");
        long ts = System.currentTimeMillis() / 1000;
        Map<String, String> headers = Map.of("webhook-id", "msg_replayed", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", new Webhook(source.text("/secret")).sign("msg_replayed", ts, BODY));

        assertThat(post(source.text("/url"), BODY, headers)).isEqualTo(200);
        assertThat(post(source.text("/url"), BODY, headers)).isEqualTo(200);
        assertThat(post(source.text("/url"), BODY, headers)).isEqualTo(200);

        assertThat(events(source)).isEqualTo(1);
        assertThat(server.get("/v1/apps/" + app + "/messages").body().get("data").size()).isEqualTo(1);
    }

    @Test
    void anExactReplayOfATimestampedPostStoresNothingNewButAFreshSignatureDoes() {
        Response source = server.post("/v1/sources", "{\"name\":\"ts\",\"verification\":{\"scheme\":\"timestamped\"},"
                + "\"secret\":\"a-sixteen-plus-char-secret\"}");
        assertThat(source.status()).as(source.raw().body()).isEqualTo(201);
        long ts = System.currentTimeMillis() / 1000;
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        Map<String, String> signed = Map.of("X-Webhook-Signature", TimestampedSignature.sign("a-sixteen-plus-char-secret", ts, body));

        assertThat(post(source.text("/url"), BODY, signed)).isEqualTo(200);
        assertThat(post(source.text("/url"), BODY, signed)).isEqualTo(200);
        assertThat(events(source)).isEqualTo(1);

        Map<String, String> later = Map.of("X-Webhook-Signature", TimestampedSignature.sign("a-sixteen-plus-char-secret", ts + 1, body));
        assertThat(post(source.text("/url"), BODY, later)).isEqualTo(200);
        assertThat(events(source)).isEqualTo(2);
    }
}
