package dev.hookline.inbound;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeds 000 (LettrLabs) and 004 (Flowyble): a sender written from either document works against a
 * Hookline source unchanged, and every error the documents describe comes back as described.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class InboundTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PAYLOAD = "{\"event\":\"order_created\",\"data\":{\"orderId\":\"ORD-12345\",\"customer\":\"john@example.com\",\"total\":99.99}}";

    private final ShiftableClock clock = new ShiftableClock();
    private final TestServer server;
    private final Receiver receiver = new Receiver();

    @TempDir
    Path work;

    InboundTest(Backend backend) {
        this.server = new TestServer(backend, clock);
    }

    @AfterEach
    void tearDown() {
        server.close();
        receiver.close();
    }

    private TestServer.Response createSource(String json) {
        TestServer.Response r = server.post("/v1/sources", json);
        assertThat(r.status()).as("creating a source: %s", r.body()).isEqualTo(201);
        assertThat(r.text("/url")).matches("http://127\\.0\\.0\\.1:\\d+/webhooks/[A-Za-z0-9_-]{32}");
        return r;
    }

    private record Posted(int status, JsonNode body, HttpResponse<String> raw) {}

    private Posted post(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Posted(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("Content-Type", "application/json");
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** Seed 000's Node snippet: {@code 'sha256=' + createHmac('sha256', webhookSecret).update(rawBody).digest('hex')}. */
    private String lettrLabsSignature(String secret, String rawBody) {
        return run("node", "-e", "import('node:crypto').then(({ createHmac }) => {"
                + " const webhookSecret = process.argv[1]; const rawBody = process.argv[2];"
                + " const signature = 'sha256=' + createHmac('sha256', webhookSecret).update(rawBody).digest('hex');"
                + " console.log(signature); })", secret, rawBody);
    }

    /** Seed 004's command: {@code echo -n '<body>' | openssl dgst -sha256 -hmac "<secret>" | cut -d' ' -f2}. */
    private String flowybleSignature(String secret, String body) {
        return run("bash", "-c", "echo -n \"$1\" | openssl dgst -sha256 -hmac \"$2\" | cut -d' ' -f2", "sign", body, secret);
    }

    private String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private int eventCount(String sourceId) {
        return server.get("/v1/sources/" + sourceId + "/events?limit=250").body().get("data").size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Signature-256", "X-Hub-Signature-256", "X-Signature", "X-Hub-Signature"})
    void acceptsTheSha256SignatureInEachOfTheFourHeaders(String header) {
        var source = createSource("{\"name\":\"LettrLabs\",\"verification\":{\"scheme\":\"prefixed\"}}");
        String signature = lettrLabsSignature(source.text("/secret"), PAYLOAD);
        assertThat(signature).matches("sha256=[0-9a-f]{64}");

        Posted r = post(source.text("/url"), PAYLOAD, headers(header, signature));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("success").asBoolean()).isTrue();
        assertThat(r.body().get("id").asText()).startsWith("evt_");
        JsonNode stored = server.get("/v1/sources/" + source.text("/id") + "/events").json("/data/0");
        assertThat(stored.get("id").asText()).isEqualTo(r.body().get("id").asText());
        assertThat(stored.get("body").toString()).isEqualTo(PAYLOAD);
        assertThat(stored.get("verification").asText()).isEqualTo("verified");
    }

    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void eachCombinationOfSignatureAndApiKeyRequirement(boolean signature, boolean apiKey) {
        var source = createSource("{\"name\":\"combo\"" + (signature ? ",\"verification\":{\"scheme\":\"prefixed\"}" : "")
                + (apiKey ? ",\"api_key_required\":true" : "") + "}");
        String url = source.text("/url");
        String sig = signature ? lettrLabsSignature(source.text("/secret"), PAYLOAD) : null;
        String key = apiKey ? source.text("/api_key") : null;
        assertThat(source.body().has("secret")).isEqualTo(signature);
        assertThat(source.body().has("api_key")).isEqualTo(apiKey);

        Map<String, String> full = headers();
        if (sig != null) {
            full.put("X-Signature-256", sig);
        }
        if (key != null) {
            full.put("X-API-KEY", key);
        }
        assertThat(post(url, PAYLOAD, full).status()).isEqualTo(200);

        Map<String, String> withoutSignature = new LinkedHashMap<>(full);
        withoutSignature.remove("X-Signature-256");
        assertThat(post(url, PAYLOAD, withoutSignature).status()).isEqualTo(signature ? 401 : 200);

        Map<String, String> withoutKey = new LinkedHashMap<>(full);
        withoutKey.remove("X-API-KEY");
        assertThat(post(url, PAYLOAD, withoutKey).status()).isEqualTo(apiKey ? 401 : 200);
    }

    @Test
    void wrongSignatureWrongKeyUnknownTokenOversizeAndMalformedBodiesAreRejectedAndNotStored() {
        var source = createSource("{\"name\":\"strict\",\"verification\":{\"scheme\":\"prefixed\"},\"api_key_required\":true,"
                + "\"max_body_bytes\":200}");
        String id = source.text("/id");
        String url = source.text("/url");
        String key = source.text("/api_key");
        String good = lettrLabsSignature(source.text("/secret"), PAYLOAD);

        Posted wrongSignature = post(url, PAYLOAD, headers("X-Signature-256", lettrLabsSignature("not-the-secret", PAYLOAD), "X-API-KEY", key));
        Posted tampered = post(url, PAYLOAD.replace("99.99", "0.01"), headers("X-Signature-256", good, "X-API-KEY", key));
        Posted wrongKey = post(url, PAYLOAD, headers("X-Signature-256", good, "X-API-KEY", key + "x"));
        Posted unknown = post(url.replaceAll("/webhooks/.*", "/webhooks/no-such-token"), PAYLOAD, headers());
        String big = "{\"pad\":\"" + "x".repeat(300) + "\"}";
        Posted oversize = post(url, big, headers("X-Signature-256", lettrLabsSignature(source.text("/secret"), big), "X-API-KEY", key));
        String broken = "{\"event\": \"order_created\"";
        Posted malformed = post(url, broken, headers("X-Signature-256", lettrLabsSignature(source.text("/secret"), broken), "X-API-KEY", key));

        assertThat(wrongSignature.status()).isEqualTo(401);
        assertThat(tampered.status()).isEqualTo(401);
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(oversize.status()).isEqualTo(413);
        assertThat(malformed.status()).isEqualTo(400);
        for (Posted p : new Posted[] {wrongSignature, wrongKey, unknown, oversize, malformed}) {
            assertThat(p.body().at("/error/code").asText()).isNotBlank();
            assertThat(p.body().at("/error/message").asText()).isNotBlank();
        }
        assertThat(eventCount(id)).isZero();
        String metrics = server.call("GET", "/metrics", null, null).raw().body();
        assertThat(metrics).contains("hookline_inbound_requests_total{outcome=\"unauthorized\"} 3.0")
                .contains("hookline_inbound_requests_total{outcome=\"not_found\"} 1.0")
                .contains("hookline_inbound_requests_total{outcome=\"too_large\"} 1.0")
                .contains("hookline_inbound_requests_total{outcome=\"malformed_body\"} 1.0");
    }

    @Test
    void aDisabledSourceAnswers404() {
        var source = createSource("{\"name\":\"off\"}");
        assertThat(post(source.text("/url"), PAYLOAD, headers()).status()).isEqualTo(200);
        server.patch("/v1/sources/" + source.text("/id"), "{\"enabled\":false}");
        assertThat(post(source.text("/url"), PAYLOAD, headers()).status()).isEqualTo(404);
        server.patch("/v1/sources/" + source.text("/id"), "{\"enabled\":true}");
        assertThat(post(source.text("/url"), PAYLOAD, headers()).status()).isEqualTo(200);
    }

    @Test
    void theSeed004CurlExampleWorksAndThe31stRequestIn60SecondsGets429() {
        var source = createSource("{\"name\":\"Flowyble trigger\",\"verification\":{\"scheme\":\"hex\"},\"secret\":\"your-secret\"}");
        String url = source.text("/url");
        String body = "{\"event\":\"order_created\"}";
        String signature = flowybleSignature("your-secret", body);
        assertThat(signature).matches("[0-9a-f]{64}");

        // exactly the document's curl command, with our URL
        String curl = run("curl", "-s", "-w", "\n%{http_code}", "-X", "POST", url, "-H", "Content-Type: application/json",
                "-H", "X-Signature: " + signature, "-d", body);
        assertThat(curl).endsWith("\n200");
        assertThat(curl).contains("\"success\":true").contains("\"id\":\"evt_");

        for (int i = 2; i <= 30; i++) {
            assertThat(post(url, body, headers("X-Signature", signature)).status()).as("request %d", i).isEqualTo(200);
        }
        Posted limited = post(url, body, headers("X-Signature", signature));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().at("/error/code").asText()).isEqualTo("rate_limited");
        long retryAfter = Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(eventCount(source.text("/id"))).isEqualTo(30);
    }

    @Test
    void aDuplicateIsStoredOnceAndAnsweredWithTheFirstId() {
        var source = createSource("{\"name\":\"dedupe\",\"dedupe\":{\"header\":\"webhook-id\"}}");
        Posted first = post(source.text("/url"), PAYLOAD, headers("webhook-id", "msg_123"));
        Posted again = post(source.text("/url"), PAYLOAD, headers("webhook-id", "msg_123"));
        Posted other = post(source.text("/url"), PAYLOAD, headers("webhook-id", "msg_124"));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(first.body().get("id").asText());
        assertThat(other.body().get("id").asText()).isNotEqualTo(first.body().get("id").asText());
        assertThat(eventCount(source.text("/id"))).isEqualTo(2);
    }

    @Test
    void aDuplicateByJsonPathIsStoredOnce() {
        var source = createSource("{\"name\":\"dedupe\",\"dedupe\":{\"path\":\"data.orderId\"}}");
        post(source.text("/url"), PAYLOAD, headers());
        post(source.text("/url"), PAYLOAD.replace("99.99", "100"), headers());
        assertThat(eventCount(source.text("/id"))).isEqualTo(1);
    }

    @Test
    void aForwardedEventReachesTheAppsEndpointWithAValidOutboundSignature() throws Exception {
        String app = server.createApp("Product");
        String secret = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"events\":[\"order_created\"]}").text("/secret");
        var source = createSource("{\"name\":\"Flowyble\",\"forward\":{\"app\":\"" + app + "\",\"event\":{\"path\":\"event\"}}}");

        Posted r = post(source.text("/url"), PAYLOAD, headers());

        assertThat(r.status()).isEqualTo(200);
        String messageId = r.body().get("message_id").asText();
        assertThat(messageId).startsWith("msg_");
        Await.until("the forwarded delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request delivered = receiver.requests().get(0);
        new Webhook(secret).verify(delivered.bodyText(), delivered.headers());
        assertThat(delivered.header("webhook-id")).isEqualTo(messageId);
        assertThat(delivered.bodyText()).contains("\"event\":\"order_created\"").endsWith(",\"data\":" + PAYLOAD + "}");
        JsonNode logged = server.get("/v1/sources/" + source.text("/id") + "/events").json("/data/0");
        assertThat(logged.get("message_id").asText()).isEqualTo(messageId);

        // replay forwards it again, as a new message
        var replayed = server.post("/v1/sources/" + source.text("/id") + "/events/" + r.body().get("id").asText() + "/replay", null);
        assertThat(replayed.status()).isEqualTo(202);
        assertThat(replayed.text("/message_id")).startsWith("msg_").isNotEqualTo(messageId);
        Await.until("the replayed delivery", WAIT, () -> receiver.count() == 2);
    }

    @Test
    void secretsInHeadersAreMaskedInTheLog() {
        var source = createSource("{\"name\":\"masked\",\"api_key_required\":true}");
        post(source.text("/url"), PAYLOAD, headers("X-API-KEY", source.text("/api_key"), "Authorization", "Bearer abc", "X-Trace", "t-1"));
        TestServer.Response log = server.get("/v1/sources/" + source.text("/id") + "/events");
        JsonNode headers = log.json("/data/0/headers");
        assertThat(headers.get("X-API-KEY").asText()).isEqualTo("[redacted]");
        assertThat(headers.get("Authorization").asText()).isEqualTo("[redacted]");
        assertThat(headers.get("X-Trace").asText()).isEqualTo("t-1");
        assertThat(log.raw().body()).doesNotContain(source.text("/api_key"));
    }

    @Test
    void aLongPollWakesWithTheNextEvent() throws Exception {
        var source = createSource("{\"name\":\"pull\"}");
        String id = source.text("/id");
        post(source.text("/url"), "{\"n\":1}", headers());
        String cursor = server.get("/v1/sources/" + id + "/events").text("/next");

        CompletableFuture<TestServer.Response> poll = CompletableFuture.supplyAsync(
                () -> server.get("/v1/sources/" + id + "/events?wait=30&after=" + cursor));
        // The poll has queried, found nothing and is asleep on the server: only a wake-up can answer it
        // with the next event before its 30 s are over (on SQLite nothing else makes it look again).
        Await.until("the poll to be waiting on the server", WAIT, () -> longPollsWaiting() == 1);
        Posted second = post(source.text("/url"), "{\"n\":2}", headers());

        TestServer.Response answered = poll.get(40, TimeUnit.SECONDS);
        assertThat(answered.body().get("data")).hasSize(1);
        assertThat(answered.text("/data/0/id")).isEqualTo(second.body().get("id").asText());
        assertThat(answered.json("/data/0/body/n").asInt()).isEqualTo(2);
        assertThat(answered.text("/next")).isEqualTo(second.body().get("id").asText());
        assertThat(longPollsWaiting()).isZero();
    }

    private int longPollsWaiting() {
        String metrics = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).join().body();
        return metrics.lines().filter(l -> l.startsWith("hookline_inbound_long_polls_waiting "))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void aStandardWebhooksSenderIsVerified() throws Exception {
        var source = createSource("{\"name\":\"svix-style\",\"verification\":{\"scheme\":\"standard\"}}");
        Webhook signer = new Webhook(source.text("/secret"));
        long ts = System.currentTimeMillis() / 1000;
        String signature = signer.sign("msg_1", ts, PAYLOAD);

        Posted ok = post(source.text("/url"), PAYLOAD, headers("webhook-id", "msg_1", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", signature));
        Posted stale = post(source.text("/url"), PAYLOAD, headers("webhook-id", "msg_1", "webhook-timestamp", Long.toString(ts - 3600),
                "webhook-signature", signer.sign("msg_1", ts - 3600, PAYLOAD)));

        assertThat(ok.status()).isEqualTo(200);
        assertThat(stale.status()).isEqualTo(401);
    }

    @Test
    void sourceManagementValidatesAndRotates() {
        assertThat(server.post("/v1/sources", "{\"verification\":{\"scheme\":\"md5\"}}").status()).isEqualTo(422);
        assertThat(server.post("/v1/sources", "{\"name\":\"x\",\"verification\":{\"scheme\":\"md5\"}}").text("/error/message"))
                .startsWith("verification.scheme:");
        assertThat(server.post("/v1/sources", "{\"name\":\"x\",\"forward\":{\"app\":\"nope\"}}").status()).isEqualTo(404);
        var source = createSource("{\"name\":\"rot\",\"verification\":{\"scheme\":\"hex\"}}");
        String old = source.text("/secret");
        String fresh = server.post("/v1/sources/" + source.text("/id") + "/secret/rotate", null).text("/secret");
        assertThat(fresh).isNotEqualTo(old);
        // during the grace period both secrets verify
        assertThat(post(source.text("/url"), PAYLOAD, headers("X-Signature", flowybleSignature(old, PAYLOAD))).status()).isEqualTo(200);
        assertThat(post(source.text("/url"), PAYLOAD, headers("X-Signature", flowybleSignature(fresh, PAYLOAD))).status()).isEqualTo(200);
        assertThat(server.get("/v1/sources/" + source.text("/id")).raw().body()).doesNotContain(fresh).doesNotContain(old);
        // after the grace period only the new secret verifies
        clock.advance(SourceStore.ROTATION_GRACE.plusMinutes(1));
        assertThat(post(source.text("/url"), PAYLOAD, headers("X-Signature", flowybleSignature(old, PAYLOAD))).status()).isEqualTo(401);
        assertThat(post(source.text("/url"), PAYLOAD, headers("X-Signature", flowybleSignature(fresh, PAYLOAD))).status()).isEqualTo(200);
        assertThat(server.delete("/v1/sources/" + source.text("/id")).status()).isEqualTo(204);
        assertThat(post(source.text("/url"), PAYLOAD, headers()).status()).isEqualTo(404);
    }

    @Test
    void aStandardSourceRefusesASecretItCouldNotVerifyWithAndAcceptsAProperOne() throws Exception {
        var refused = server.post("/v1/sources", "{\"name\":\"std\",\"verification\":{\"scheme\":\"standard\"},\"secret\":\"your-secret\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text("/error/message")).startsWith("secret:");

        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var source = createSource("{\"name\":\"std\",\"verification\":{\"scheme\":\"standard\"},\"secret\":\"" + secret + "\"}");
        long ts = System.currentTimeMillis() / 1000;
        Posted ok = post(source.text("/url"), PAYLOAD, headers("webhook-id", "msg_1", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", new Webhook(secret).sign("msg_1", ts, PAYLOAD)));
        assertThat(ok.status()).isEqualTo(200);
        // switching to hex keeps a whsec_ secret usable (any string is a hex key); switching back is checked too
        assertThat(server.patch("/v1/sources/" + source.text("/id"), "{\"verification\":{\"scheme\":\"hex\"}}").status()).isEqualTo(200);
    }

    @Test
    void aBodyLabelledJsonButNotParsedStaysReadableInTheLog() {
        var source = createSource("{\"name\":\"odd\"}");
        Posted r = post(source.text("/url"), "not json at all", Map.of("Content-Type", "text/json"));
        assertThat(r.status()).isEqualTo(200);
        TestServer.Response log = server.get("/v1/sources/" + source.text("/id") + "/events");
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.text("/data/0/body")).isEqualTo("not json at all");
        assertThat(log.text("/data/0/body_encoding")).isEqualTo("text");
    }

    @Test
    void theSeed004AnswerCarriesTheDocumentsFieldsWhenTheSourceSaysSo() throws Exception {
        var source = createSource("{\"name\":\"Flowyble trigger\",\"verification\":{\"scheme\":\"hex\"},\"secret\":\"your-secret\","
                + "\"dedupe\":{\"path\":\"event\"},"
                + "\"success_response\":{\"success\":true,\"runId\":\"{{event.uuid}}\",\"type\":\"agent\"}}");
        String body = "{\"event\":\"order_created\"}";

        // the document's curl command, with our URL
        String curl = run("curl", "-s", "-X", "POST", source.text("/url"), "-H", "Content-Type: application/json",
                "-H", "X-Signature: " + flowybleSignature("your-secret", body), "-d", body);

        JsonNode answer = JSON.readTree(curl);
        assertThat(answer.properties()).extracting(Map.Entry::getKey).containsExactly("success", "runId", "type");
        assertThat(answer.get("success").asBoolean()).isTrue();
        assertThat(answer.get("type").asText()).isEqualTo("agent");
        String runId = answer.get("runId").asText();
        assertThat(java.util.UUID.fromString(runId).toString()).isEqualTo(runId);
        // the run id stands for the stored event: a repeat of the same post is answered with the same one
        Posted again = post(source.text("/url"), body, headers("X-Signature", flowybleSignature("your-secret", body)));
        assertThat(again.body().get("runId").asText()).isEqualTo(runId);
        assertThat(eventCount(source.text("/id"))).isEqualTo(1);
        assertThat(server.get("/v1/sources/" + source.text("/id")).json("/success_response/runId").asText()).isEqualTo("{{event.uuid}}");

        var unknown = server.post("/v1/sources", "{\"name\":\"x\",\"success_response\":{\"runId\":\"{{run.id}}\"}}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.text("/error/message")).startsWith("success_response: '{{run.id}}' is not a placeholder");
        assertThat(server.post("/v1/sources", "{\"name\":\"x\",\"success_response\":[true]}").status()).isEqualTo(422);
    }

    @Test
    void anUnusableEventNameIsNotedOnTheEventOrRefusedAsConfigured() {
        String app = server.createApp("Product");
        var noting = createSource("{\"name\":\"noting\",\"forward\":{\"app\":\"" + app + "\",\"event\":{\"path\":\"event\"}}}");
        var refusing = createSource("{\"name\":\"refusing\",\"forward\":{\"app\":\"" + app + "\",\"event\":{\"path\":\"event\","
                + "\"on_invalid\":\"reject\"}}}");
        String bad = "{\"event\":\"Order Created!\",\"data\":{}}";

        Posted noted = post(noting.text("/url"), bad, headers());
        Posted good = post(noting.text("/url"), PAYLOAD, headers());
        Posted refused = post(refusing.text("/url"), bad, headers());
        Posted missing = post(refusing.text("/url"), "{\"data\":{}}", headers());

        assertThat(noted.status()).isEqualTo(200);
        JsonNode event = server.get("/v1/sources/" + noting.text("/id") + "/events/" + noted.body().get("id").asText()).body();
        assertThat(event.get("note").asText()).isEqualTo("the event name in the body's event, 'Order Created!', is not a valid name"
                + " (use letters, digits, '_', ':' or '-' in dot-separated parts); forwarded as inbound.received");
        assertThat(server.get("/v1/apps/" + app + "/messages/" + noted.body().get("message_id").asText()).text("/event"))
                .isEqualTo("inbound.received");
        assertThat(server.get("/v1/sources/" + noting.text("/id") + "/events/" + good.body().get("id").asText()).json("/note").isNull()).isTrue();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().at("/error/code").asText()).isEqualTo("invalid_event");
        assertThat(refused.body().at("/error/message").asText()).startsWith("the event name in the body's event, 'Order Created!', is not a valid name");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().at("/error/message").asText()).isEqualTo("there is no event name in the body's event");
        assertThat(eventCount(refusing.text("/id"))).isZero();
        assertThat(server.post("/v1/sources", "{\"name\":\"x\",\"forward\":{\"app\":\"" + app + "\",\"event\":{\"on_invalid\":\"reject\"}}}")
                .status()).isEqualTo(422);
    }

    @Test
    void aPullerGetsTheBytesAsSentAndChecksTheSendersSignatureItself() throws Exception {
        var source = createSource("{\"name\":\"LettrLabs, pulled\",\"verification\":{\"scheme\":\"prefixed\"}}");
        String sent = "{ \"event\": \"order_created\",\n  \"total\": 99.990 }\n"; // spacing and a number JSON would rewrite
        String signature = lettrLabsSignature(source.text("/secret"), sent);
        assertThat(post(source.text("/url"), sent, headers("X-Signature-256", signature)).status()).isEqualTo(200);

        JsonNode pulled = server.get("/v1/sources/" + source.text("/id") + "/events?wait=5&body_encoding=base64").json("/data/0");

        assertThat(pulled.get("body_encoding").asText()).isEqualTo("base64");
        String bytes = new String(java.util.Base64.getDecoder().decode(pulled.get("body").asText()), StandardCharsets.UTF_8);
        assertThat(bytes).isEqualTo(sent);
        // seed 000's own HMAC over the pulled bytes gives the signature the sender sent, kept among the headers
        assertThat(lettrLabsSignature(source.text("/secret"), bytes)).isEqualTo(pulled.at("/headers/X-Signature-256").asText());
        // the parsed form is not those bytes: without body_encoding=base64 nobody could check the signature
        JsonNode parsed = server.get("/v1/sources/" + source.text("/id") + "/events").json("/data/0");
        assertThat(parsed.get("body").toString()).isNotEqualTo(sent);
        assertThat(server.get("/v1/sources/" + source.text("/id") + "/events?body_encoding=hex").status()).isEqualTo(422);
    }
}
