package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a real process: killed with SIGKILL it loses nothing it acknowledged; SIGTERM stops it cleanly. */
class ProcessLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void anInboundEventAcknowledgedJustBeforeKill9IsForwardedAfterRestart() throws Exception {
        try (Receiver receiver = new Receiver().alwaysAnswering(503); ServerProcess server = new ServerProcess(dataDir).start()) {
            ApiClient api = ApiClient.at(server.baseUrl());
            String app = api.createApp("Product");
            String secret = api.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[1,1,1,1,1,1,1,1,1,1]}}")
                    .text("/secret");
            String url = api.post("/v1/sources", "{\"name\":\"in\",\"forward\":{\"app\":\"" + app + "\",\"event\":{\"name\":\"order.created\"}}}")
                    .text("/url");

            HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"order\":42}")).build(), HttpResponse.BodyHandlers.ofString());
            server.kill(); // the instant the 2xx is in hand
            assertThat(ack.statusCode()).isEqualTo(200);
            String messageId = ack.body().replaceAll(".*\"message_id\":\"([^\"]+)\".*", "$1");
            assertThat(messageId).startsWith("msg_");

            receiver.alwaysAnswering(200);
            server.start();

            Await.until("the forwarded message after restart", WAIT, () -> receiver.requests().stream()
                    .anyMatch(r -> messageId.equals(r.header("webhook-id")) && r.bodyText().contains("\"order\":42")));
            Receiver.Request delivered = receiver.requests().getLast();
            new Webhook(secret).verify(delivered.bodyText(), delivered.headers());
            Await.until("the delivered state", WAIT, () -> "delivered".equals(api.deliveryStatus(app, messageId)));
        }
    }

    @Test
    void sigtermFinishesTheRequestUnderWayAndExitsZero() {
        try (Receiver receiver = new Receiver().delaying(Duration.ofSeconds(2)); ServerProcess server = new ServerProcess(dataDir).start()) {
            ApiClient api = ApiClient.at(server.baseUrl());
            String app = api.createApp("Product");
            api.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
            String msg = api.send(app, "order.created", "{}");
            Await.until("the request to be under way", WAIT, () -> receiver.count() == 1);

            int exit = server.terminate();

            assertThat(exit).isZero();
            assertThat(server.log()).contains("Hookline stopped");
            server.start();
            // the attempt that was under way finished and was recorded once: no second request
            assertThat(api.deliveryStatus(app, msg)).isEqualTo("delivered");
            assertThat(api.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data")).hasSize(1);
            assertThat(receiver.count()).isEqualTo(1);
        }
    }
}
