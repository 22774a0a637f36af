package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ServerProcess;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator reads at 3 a.m.: the log of a real server process. Each delivery attempt, refused
 * inbound post, endpoint state change and 5xx answer is one line, JSON when asked, and no line holds
 * a key, a secret, a receive token, a payload or a response body.
 */
class OperatorLogTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PAYLOAD_MARK = "payload-mark-5c1e9";
    private static final String RESPONSE_MARK = "response-mark-77ab0";
    private static final String URL_TOKEN = "url-token-0d3f2";

    @TempDir
    Path dataDir;

    @Test
    void everyAttemptRefusalStateChangeAnd5xxIsOneJsonLineWithoutSecrets() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(TestServer.ROOT_KEY, PAYLOAD_MARK, RESPONSE_MARK, URL_TOKEN));
        try (Receiver ok = new Receiver().withResponseBody(RESPONSE_MARK);
             Receiver failing = new Receiver().alwaysAnswering(500).withResponseBody(RESPONSE_MARK);
             Receiver gone = new Receiver().alwaysAnswering(410);
             ServerProcess server = new ServerProcess(dataDir, Map.of("HOOKLINE_LOG_FORMAT", "json",
                     "HOOKLINE_WRITE_QUEUE_CAPACITY", "2")).start()) {
            ApiClient api = ApiClient.at(server.baseUrl());
            String app = api.createApp("Acme");
            String okEndpoint = api.createEndpoint(app, endpoint(ok.url() + "?token=" + URL_TOKEN, "ok.*")).text("/id");
            var failingEndpoint = api.createEndpoint(app, endpoint(failing.url(), "fail.*"));
            var goneEndpoint = api.createEndpoint(app, endpoint(gone.url(), "gone.*"));
            secrets.add(failingEndpoint.text("/secret"));
            secrets.add(goneEndpoint.text("/secret"));

            String delivered = api.send(app, "ok.sent", "{\"mark\":\"" + PAYLOAD_MARK + "\"}");
            for (int i = 0; i < 5; i++) { // five failures in a row open the circuit
                api.send(app, "fail.sent", "{\"mark\":\"" + PAYLOAD_MARK + "\"}");
            }
            api.send(app, "gone.sent", "{\"mark\":\"" + PAYLOAD_MARK + "\"}");
            assertThat(api.patch("/v1/apps/" + app + "/endpoints/" + okEndpoint, "{\"enabled\":false}").status()).isEqualTo(200);
            assertThat(api.patch("/v1/apps/" + app + "/endpoints/" + okEndpoint, "{\"enabled\":true}").status()).isEqualTo(200);

            var source = api.post("/v1/sources", "{\"name\":\"in\",\"api_key_required\":true,\"max_body_bytes\":100,"
                    + "\"rate_limit\":{\"requests\":3,\"period_seconds\":3600}}");
            String receiveUrl = source.text("/url");
            String sourceKey = source.text("/api_key");
            secrets.add(receiveUrl.substring(receiveUrl.lastIndexOf('/') + 1));
            secrets.add(sourceKey);
            assertThat(receive(receiveUrl, "{\"mark\":\"" + PAYLOAD_MARK + "\"}", null)).isEqualTo(401);
            assertThat(receive(receiveUrl, "{\"mark\":\"" + PAYLOAD_MARK + "x".repeat(200) + "\"}", sourceKey)).isEqualTo(413);
            assertThat(receive(receiveUrl.replaceAll("/[^/]+$", "/not-a-token"), "{}", null)).isEqualTo(404);
            Await.until("a 429 from the source's rate limit", WAIT, () -> receive(receiveUrl, "{}", sourceKey) == 429);

            answer503WhileTheDatabaseIsLocked(api, app);

            Await.until("the attempt, circuit and disable lines", WAIT, () -> {
                List<JsonNode> lines = jsonLines(server.log());
                return has(lines, l -> event(l, "attempt") && l.path("outcome").asText().equals("delivered")
                        && l.path("message_id").asText().equals(delivered))
                        && has(lines, l -> event(l, "circuit_opened"))
                        && has(lines, l -> event(l, "endpoint_disabled") && l.path("reason").asText().contains("410"));
            });
            String log = server.log();
            List<JsonNode> lines = jsonLines(log);
            assertThat(log.lines().filter(l -> !l.isBlank())).allSatisfy(l -> assertThat(l).startsWith("{"));

            JsonNode first = lines.stream().filter(l -> event(l, "attempt") && l.path("message_id").asText().equals(delivered))
                    .findFirst().orElseThrow();
            assertThat(first.path("level").asText()).isEqualTo("INFO");
            assertThat(first.path("endpoint_id").asText()).isEqualTo(okEndpoint);
            assertThat(first.path("app_id").asText()).isEqualTo(app);
            assertThat(first.path("attempt").asInt()).isEqualTo(1);
            assertThat(first.path("status").asInt()).isEqualTo(200);
            assertThat(first.has("duration_ms")).isTrue();
            assertThat(lines).filteredOn(l -> event(l, "attempt") && l.path("status").asInt() == 500)
                    .hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(l -> assertThat(l.path("outcome").asText()).isEqualTo("failed"));
            assertThat(lines).filteredOn(l -> event(l, "circuit_opened")).hasSize(1)
                    .allSatisfy(l -> assertThat(l.path("endpoint_id").asText()).isEqualTo(failingEndpoint.text("/id")));
            assertThat(lines).filteredOn(l -> event(l, "endpoint_disabled") && l.path("reason").asText().equals("api"))
                    .singleElement().satisfies(l -> assertThat(l.path("endpoint_id").asText()).isEqualTo(okEndpoint));
            assertThat(lines).filteredOn(l -> event(l, "endpoint_enabled")).singleElement()
                    .satisfies(l -> assertThat(l.path("endpoint_id").asText()).isEqualTo(okEndpoint));
            String sourceId = source.text("/id");
            for (String[] refusal : new String[][] {{"unauthorized", "401"}, {"too_large", "413"}, {"rate_limited", "429"}}) {
                assertThat(lines).as(refusal[0]).anyMatch(l -> event(l, "inbound_refused") && l.path("source_id").asText().equals(sourceId)
                        && l.path("reason").asText().equals(refusal[0]) && l.path("status").asText().equals(refusal[1]));
            }
            assertThat(lines).anyMatch(l -> event(l, "inbound_refused") && l.path("reason").asText().equals("not_found")
                    && l.path("source_id").isNull());
            assertThat(lines).anyMatch(l -> event(l, "api_error") && l.path("status").asInt() == 503
                    && l.path("route").asText().equals("/v1/apps/{app}/messages"));

            for (String secret : secrets) {
                assertThat(log).as("the log holds no secret, token or payload").doesNotContain(secret);
            }
        }
    }

    @Test
    void theLevelAndTextFormatComeFromTheEnvironment() {
        try (Receiver failing = new Receiver().alwaysAnswering(503);
             ServerProcess server = new ServerProcess(dataDir, Map.of("HOOKLINE_LOG_LEVEL", "warn")).start()) {
            ApiClient api = ApiClient.at(server.baseUrl());
            String app = api.createApp("Acme");
            api.createEndpoint(app, "{\"url\":\"" + failing.url() + "\",\"retry\":{\"schedule\":[3600]}}");
            String msg = api.send(app, "a.b", "{}");
            Await.until("the retrying attempt's line", WAIT, () -> server.log().contains("outcome=\"retrying\""));
            String line = server.log().lines().filter(l -> l.contains("outcome=\"retrying\"")).findFirst().orElseThrow();
            assertThat(line).contains("WARN", "hookline.attempt", "event=\"attempt\"", "message_id=\"" + msg + "\"",
                    "status=\"503\"", "attempt=\"1\"", "next_attempt_at=");
            assertThat(server.log()).doesNotContain(" INFO ");
        }
    }

    @Test
    void aBadLogSettingOrATakenPortStopsTheStartWithOneLine() throws IOException {
        try (ServerProcess misspelt = new ServerProcess(dataDir, Map.of("HOOKLINE_LOG_FORMAT", "yaml"))) {
            assertThat(misspelt.startExpectingExit()).isEqualTo(2);
            assertThat(misspelt.log().strip()).isEqualTo("hookline: HOOKLINE_LOG_FORMAT must be json or text (got 'yaml')");
        }
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ServerProcess server = new ServerProcess(dataDir.resolve("bind"), Map.of("HOOKLINE_PORT", Integer.toString(taken.getLocalPort())))) {
            java.nio.file.Files.createDirectories(dataDir.resolve("bind"));
            assertThat(server.startExpectingExit()).isEqualTo(1);
            assertThat(server.log().strip().lines()).singleElement().asString()
                    .contains("could not listen on port " + taken.getLocalPort());
        }
    }

    @Test
    void theGeneratedRootKeyIsOneJsonLineShownAtTheFirstStartOnly() throws Exception {
        Map<String, String> env = Map.of("HOOKLINE_LOG_FORMAT", "json", "HOOKLINE_API_KEY", "");
        String key;
        try (ServerProcess server = new ServerProcess(dataDir, env).start()) {
            Await.until("the root key line", WAIT, () -> server.log().contains("root_key_generated"));
            List<JsonNode> lines = jsonLines(server.log());
            assertThat(server.log().lines().filter(l -> !l.isBlank())).allSatisfy(l -> assertThat(l).startsWith("{"));
            List<JsonNode> announcements = lines.stream().filter(l -> event(l, "root_key_generated")).toList();
            assertThat(announcements).hasSize(1);
            JsonNode announced = announcements.get(0);
            assertThat(announced.path("level").asText()).isEqualTo("WARN");
            assertThat(announced.path("msg").asText()).contains("shown this once");
            key = announced.path("key").asText();
            assertThat(ApiClient.at(server.baseUrl()).call("GET", "/v1/apps", null, key).status()).isEqualTo(200);
            assertThat(server.terminate()).isEqualTo(0);
        }
        try (ServerProcess again = new ServerProcess(dataDir, env).start()) {
            ApiClient.at(again.baseUrl()).call("GET", "/v1/apps", null, key); // a request logs nothing with the key either
            assertThat(again.terminate()).isEqualTo(0);
            String log = again.log(); // both starts: the same file
            assertThat(log.lines().filter(l -> l.contains(key))).as("the key is in one line of both starts' log").hasSize(1);
            assertThat(jsonLines(log)).filteredOn(l -> event(l, "root_key_generated")).hasSize(1);
        }
    }

    /** Holds the SQLite file's write lock from outside while posts queue up: past the queue's capacity they get 503. */
    private void answer503WhileTheDatabaseIsLocked(ApiClient api, String app) throws Exception {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        var producers = Executors.newFixedThreadPool(16);
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("hookline.db"));
             Statement st = other.createStatement()) {
            st.execute("PRAGMA busy_timeout = 10000");
            st.execute("BEGIN EXCLUSIVE");
            for (int i = 0; i < 16; i++) {
                producers.execute(() -> statuses.add(api.post("/v1/apps/" + app + "/messages",
                        "{\"event\":\"none\",\"data\":{\"mark\":\"" + PAYLOAD_MARK + "\"}}").status()));
            }
            Await.until("a 503 while the writer is stalled", WAIT, () -> statuses.contains(503));
            st.execute("COMMIT");
        }
        producers.shutdown();
        assertThat(producers.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    private static String endpoint(String url, String events) {
        return "{\"url\":\"" + url + "\",\"events\":[\"" + events + "\"],\"retry\":{\"schedule\":[]}}";
    }

    private static int receive(String url, String body, String apiKey) {
        var b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            b.header("X-API-KEY", apiKey);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> jsonLines(String log) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : log.lines().filter(l -> l.startsWith("{")).toList()) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("not one JSON object: " + line, e);
            }
        }
        return out;
    }

    private static boolean has(List<JsonNode> lines, Predicate<JsonNode> match) {
        return lines.stream().anyMatch(match);
    }

    private static boolean event(JsonNode line, String event) {
        return line.path("event").asText().equals(event);
    }
}
