package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.RawHttp;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs an attacker would send (issue #13), each answered with a clear 4xx — never a 500, never a
 * record that later breaks a read, never a delivery that cannot be made.
 */
class HostileInputTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestServer server;
    private static Receiver receiver;
    private static String app;

    @BeforeAll
    static void start() {
        server = new TestServer();
        receiver = new Receiver();
        app = server.createApp("Target");
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static void assertClientError(Response r, int status) {
        assertThat(r.status()).as("status of %s", r.raw().body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.text("/error/message")).isNotBlank();
    }

    private static Response postBytes(String url, byte[] body, String contentType) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TestServer.ROOT_KEY).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            boolean json = r.headers().firstValue("content-type").orElse("").startsWith("application/json");
            return new Response(r.statusCode(), json && !r.body().isEmpty() ? JSON.readTree(r.body()) : null, r);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void refusesJsonNestedDeeperThanItCanServeBack() {
        assertClientError(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"deep.one\",\"data\":" + nested(999) + "}"), 400);
        assertClientError(server.post("/v1/apps", "{\"name\":\"x\",\"uid\":" + nested(999) + "}"), 400);
        assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"deep.ok\",\"data\":" + nested(dev.hookline.core.JsonLimits.MAX_DEPTH - 2) + "}")
                .status()).isEqualTo(202);
        assertThat(server.get("/v1/apps/" + app + "/messages").status()).isEqualTo(200);
    }

    @Test
    void anUnverifiedSourceRefusesDeepJsonAndItsLogStaysReadable() {
        String forwardTo = server.createApp("Forwarded");
        Response source = server.post("/v1/sources", "{\"name\":\"open\",\"forward\":{\"app\":\"" + forwardTo + "\"}}");
        String url = source.text("/url");

        Response deep = postBytes(url, nested(999).getBytes(StandardCharsets.UTF_8), "application/json");

        assertClientError(deep, 400);
        assertThat(server.get("/v1/sources/" + source.text("/id") + "/events").status()).isEqualTo(200);
        assertThat(server.get("/v1/apps/" + forwardTo + "/messages").status()).isEqualTo(200);
    }

    /** A record stored before the depth limit existed (Jackson then took 1,000 levels) still reads back. */
    @Test
    void aDeepRecordAlreadyStoredDoesNotBreakTheList() throws Exception {
        String old = server.createApp("Stored before the limit");
        String id = server.send(old, "old.deep", "{}");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("hookline.db"))) {
            try (var s = c.prepareStatement("UPDATE messages SET payload = ? WHERE id = ?")) {
                s.setBytes(1, nested(999).getBytes(StandardCharsets.UTF_8));
                s.setString(2, id);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }
        for (String path : new String[] {"/v1/apps/" + old + "/messages", "/v1/apps/" + old + "/messages/" + id}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .header("Authorization", "Bearer " + TestServer.ROOT_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).contains(nested(999));
        }
    }

    @Test
    void aUtf16MessageIsRefusedNotAServerError() {
        byte[] utf16 = "{\"event\":\"a.b\",\"data\":{\"x\":1}}".getBytes(StandardCharsets.UTF_16);
        assertClientError(postBytes(server.baseUrl() + "/v1/apps/" + app + "/messages", utf16, "application/json"), 400);
        byte[] utf16le = "{\"event\":\"a.b\",\"data\":{\"x\":1}}".getBytes(StandardCharsets.UTF_16LE);
        assertClientError(postBytes(server.baseUrl() + "/v1/apps/" + app + "/messages", utf16le, "application/json"), 400);
    }

    @Test
    void aUtf16PostToASourceIsForwardedAsValidUtf8Json() throws Exception {
        String forwardTo = server.createApp("Utf16");
        server.createEndpoint(forwardTo, "{\"url\":\"" + receiver.url() + "\"}");
        Response source = server.post("/v1/sources", "{\"name\":\"utf16\",\"forward\":{\"app\":\"" + forwardTo + "\"}}");
        int before = receiver.count();

        Response posted = postBytes(source.text("/url"), "{\"note\":\"é utf16\"}".getBytes(StandardCharsets.UTF_16),
                "application/json");

        assertThat(posted.status()).isIn(200, 400);
        if (posted.status() == 200) {
            Await.until("the forwarded delivery", WAIT, () -> receiver.count() > before);
            byte[] delivered = receiver.requests().get(before).body();
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(delivered)).toString();
            assertThat(text).doesNotContain("\u0000").doesNotContain("\uFEFF");
            assertThat(JSON.readTree(text).at("/data/note").asText()).isEqualTo("é utf16");
        }
    }

    @Test
    void aNonFiniteNumberNeverMatchesAFilterAndLosesNothing() {
        String filtered = server.createApp("Filtered");
        server.createEndpoint(filtered, "{\"url\":\"" + receiver.url() + "\",\"filter\":{\"data.amount\":{\"$gt\":100}}}");
        Response r = server.post("/v1/apps/" + filtered + "/messages", "{\"event\":\"pay.made\",\"data\":{\"amount\":1e400}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
        assertThat(server.get("/v1/apps/" + filtered + "/messages/" + r.text("/id")).json("/deliveries")).isEmpty();

        Response source = server.post("/v1/sources", "{\"name\":\"inf\",\"forward\":{\"app\":\"" + filtered + "\"}}");
        Response posted = postBytes(source.text("/url"), "{\"amount\":-1e400}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(posted.status()).as(posted.raw().body()).isEqualTo(200);
        assertThat(posted.text("/message_id")).startsWith("msg_");
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_header", "timestamp_header", "attempt_header", "id_header"})
    void noMetadataHeaderMayNameAReservedHeader(String field) {
        for (String reserved : new String[] {"Host", "Transfer-Encoding", "Content-Length", "Connection", "content-type", "TE", "Upgrade"}) {
            Response r = server.post("/v1/apps/" + app + "/endpoints",
                    "{\"url\":\"https://example.com/h\",\"" + field + "\":\"" + reserved + "\"}");
            assertClientError(r, 422);
            assertThat(r.text("/error/message")).startsWith(field + ":");
        }
    }

    @Test
    void noSignatureHeaderPrefixOrCustomHeaderMayNameAReservedHeader() {
        assertClientError(server.post("/v1/apps/" + app + "/endpoints",
                "{\"url\":\"https://example.com/h\",\"signature\":{\"header\":\"Host\"}}"), 422);
        assertClientError(server.post("/v1/apps/" + app + "/endpoints",
                "{\"url\":\"https://example.com/h\",\"headers\":{\"Keep-Alive\":\"x\"}}"), 422);
        assertClientError(server.post("/v1/apps/" + app + "/endpoints",
                "{\"url\":\"https://example.com/h\",\"headers\":{\"Proxy-Connection\":\"x\"}}"), 422);
        String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/h\"}").text("/id");
        assertClientError(server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"event_header\":\"Host\"}"), 422);
        assertClientError(server.patch("/v1/apps/" + app + "/endpoints/" + ep,
                "{\"signature\":{\"header\":\"Transfer-Encoding\"}}"), 422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\u0000b", "a\\u0001b", "a\\rb", "a\\nb", "a\\u007fb", "a\\tb\\u001b"})
    void headerValuesWithControlCharactersAreRefusedAtCreateAndUpdate(String value) {
        Response created = server.post("/v1/apps/" + app + "/endpoints",
                "{\"url\":\"https://example.com/h\",\"headers\":{\"X-Token\":\"" + value + "\"}}");
        assertClientError(created, 422);
        assertThat(created.text("/error/message")).startsWith("headers.X-Token:");
        String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/h\"}").text("/id");
        assertClientError(server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"headers\":{\"X-Token\":\"" + value + "\"}}"), 422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\r\\nX-Injected: 1", "a\\u0000", "tab\\there"})
    void channelsWithControlCharactersAreRefused(String channel) {
        assertClientError(server.post("/v1/apps/" + app + "/messages",
                "{\"event\":\"a.b\",\"data\":{},\"channels\":[\"" + channel + "\"]}"), 422);
        assertClientError(server.post("/v1/apps/" + app + "/endpoints",
                "{\"url\":\"https://example.com/h\",\"channels\":[\"" + channel + "\"]}"), 422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?token=abc&x=1", "/a%20b%2Fc?q=%2F%26&r=a+b#fragment", "/%E2%82%AC?e=%E2%82%AC#"})
    void anEndpointUrlIsRequestedWithItsPathAndQueryAsRegisteredAndNoFragment(String suffix) {
        String target = server.createApp("Url " + suffix);
        server.createEndpoint(target, "{\"url\":\"" + receiver.url() + suffix + "\"}");
        String expected = "/hook" + suffix.split("#", 2)[0];

        server.send(target, "url.check", "{\"suffix\":\"" + suffix + "\"}");

        Await.until("a request for " + expected, WAIT, () -> receiver.requests().stream()
                .anyMatch(r -> r.bodyText().contains("\"suffix\":\"" + suffix + "\"")));
        assertThat(receiver.requests()).filteredOn(r -> r.bodyText().contains("\"suffix\":\"" + suffix + "\""))
                .extracting(Receiver.Request::target).containsOnly(expected);
    }

    /** Found by {@link HostileInputFuzzTest}: the web server answered an over-long URL with an empty 414. */
    @Test
    void anOverLongUrlOrHeaderIsAClearJsonError() throws Exception {
        HttpResponse<String> longUrl = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/apps?after=" + "a".repeat(40_000)))
                .header("Authorization", "Bearer " + TestServer.ROOT_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(longUrl.statusCode()).isEqualTo(414);
        assertThat(longUrl.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(longUrl.body()).at("/error/code").asText()).isEqualTo("uri_too_long");

        HttpResponse<String> bigHeader = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/apps"))
                .header("Authorization", "Bearer " + TestServer.ROOT_KEY).header("X-Big", "b".repeat(40_000)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bigHeader.statusCode()).isBetween(400, 499);
        assertThat(bigHeader.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(bigHeader.body()).at("/error/message").asText()).isNotBlank();
    }

    /**
     * Refusals the web server makes before any route runs: each a JSON error saying what was wrong, in
     * Hookline's shape or, under {@code /api/v1}, Svix's ({@code code}, {@code detail}); an over-long
     * request line hides its path, so that answer carries both shapes.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET /v1/apps/%zz                | 400 | invalid_url       | hookline",
        "GET /v1/apps?limit=%zz          | 400 | bad_request       | hookline",
        "GET /v1/apps?limit=5%           | 400 | bad_request       | hookline",
        "POST /webhooks/%zz              | 400 | invalid_url       | hookline",
        "GET /%zz                        | 400 | invalid_url       | hookline",
        "GET /api/v1/app/%zz             | 400 | invalid_url       | svix",
        "GET /api/v1/app?limit=%zz       | 400 | bad_request       | svix",
        "POST /v1/apps BIG_BODY          | 413 | payload_too_large | hookline",
        "POST /api/v1/app BIG_BODY       | 413 | payload_too_large | svix",
        "GET /v1/apps?after=LONG         | 414 | uri_too_long      | both",
        "GET /api/v1/app?iterator=LONG   | 414 | uri_too_long      | both",
        "GET /v1/apps BIG_HEADER         | 400 | bad_request       | hookline",
        "GET /api/v1/app BIG_HEADER      | 400 | bad_request       | svix",
    })
    void aRefusalBeforeRoutingIsAClearJsonErrorInItsApisShape(String request, int status, String code, String shape) throws Exception {
        String[] parts = request.split(" ");
        String target = parts[1].replace("LONG", "a".repeat(TransportErrors.MAX_REQUEST_LINE_BYTES));
        String extra = "Authorization: Bearer " + TestServer.ROOT_KEY + "\r\n" + (parts.length < 3 ? "" : switch (parts[2]) {
            case "BIG_BODY" -> "Content-Type: application/json\r\nContent-Length: " + (17 * 1024 * 1024) + "\r\n";
            case "BIG_HEADER" -> "X-Big: " + "b".repeat(TransportErrors.MAX_HEADER_BYTES) + "\r\n";
            default -> throw new IllegalArgumentException(parts[2]);
        });
        RawHttp.Answer answer = RawHttp.exchange(server.port(), RawHttp.request(parts[0], target, extra)).getFirst();

        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers()).containsEntry("content-type", "application/json");
        var body = JSON.readTree(answer.body());
        if (!shape.equals("svix")) {
            assertThat(body.at("/error/code").asText()).as(answer.body()).isEqualTo(code);
            assertThat(body.at("/error/message").asText()).isNotBlank();
        }
        if (!shape.equals("hookline")) {
            assertThat(body.path("code").asText()).as(answer.body()).isEqualTo(code);
            assertThat(body.path("detail").asText()).isNotBlank();
        }
        if (shape.equals("svix")) {
            assertThat(body.has("error")).as(answer.body()).isFalse();
        }
        if (code.equals("bad_request")) { // the server cannot tell which: the message names each case
            assertThat(answer.body()).contains("percent-escape", "headers over " + TransportErrors.MAX_HEADER_BYTES + " bytes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com:0/h", "http://example.com:65536/h", "https://example.com:99999999/h"})
    void portsOutsideOneTo65535AreRefused(String url) {
        Response r = server.post("/v1/apps/" + app + "/endpoints", "{\"url\":\"" + url + "\"}");
        assertClientError(r, 422);
        assertThat(r.text("/error/message")).startsWith("url:");
    }

    @Test
    void anAppKeyCannotLearnWhetherAnotherAppsUidExists() {
        server.post("/v1/apps", "{\"name\":\"Victim\",\"uid\":\"victim-uid\"}");
        server.post("/v1/apps", "{\"name\":\"Attacker\",\"uid\":\"attacker-uid\"}");
        String key = server.post("/v1/api-keys", "{\"name\":\"attacker\",\"app\":\"attacker-uid\"}").text("/key");

        Response taken = server.call("PATCH", "/v1/apps/attacker-uid", "{\"uid\":\"victim-uid\"}", key);
        Response free = server.call("PATCH", "/v1/apps/attacker-uid", "{\"uid\":\"nobody-has-this-uid\"}", key);

        assertThat(taken.status()).isEqualTo(free.status());
        assertThat(taken.raw().body()).isEqualTo(free.raw().body()).doesNotContain("victim");
        assertThat(server.get("/v1/apps/attacker-uid").status()).isEqualTo(200);
    }
}
