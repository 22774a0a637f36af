package dev.hookline.seeds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.PrivateCa;
import dev.hookline.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code docs/seeds.md}: for each seed, the page's API calls exactly as written, then the
 * page's receiver (or sender), written from the seed document, against what Hookline does. The
 * only changes made are the ones a reader makes: the example receiver URL becomes the running
 * receiver's, and secrets come from Hookline's answers.
 */
class SeedGuideTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** {@code go run} compiles first. */
    private static final Duration START = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestServer server = new TestServer();
    private final List<AutoCloseable> running = new ArrayList<>();

    @TempDir
    Path work;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable r : running) {
            r.close();
        }
        server.close();
    }

    /**
     * Makes the section's calls in order, those {@code now} accepts (it may also adjust a body);
     * each answer is kept under its path (the last one for a repeated path).
     */
    private Map<String, ApiClient.Response> configure(String seed, java.util.function.Predicate<SeedGuide.Call> now) {
        Map<String, ApiClient.Response> answers = new HashMap<>();
        for (SeedGuide.Call call : SeedGuide.calls(SeedGuide.section(seed))) {
            if (!now.test(call)) {
                continue;
            }
            ApiClient.Response r = server.call(call.method(), call.path(), call.body().toString(), TestServer.ROOT_KEY);
            assertThat(r.status()).as("%s %s from docs/seeds.md: %s", call.method(), call.path(), r.body()).isBetween(200, 201);
            answers.put(call.path(), r);
        }
        return answers;
    }

    private SeedGuide.Running start(String seed, String marker, String file, Map<String, String> env, String... command) {
        Path dir = work.resolve(seed);
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SeedDocs.write(dir, file, SeedGuide.program(SeedGuide.section(seed), marker));
        SeedGuide.Running r = new SeedGuide.Running(dir, env, command);
        running.add(r);
        return r;
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    @Test
    void seed000TheSenderAndThePullerWrittenFromLettrLabsDocumentWork() throws Exception {
        String section = SeedGuide.section("000");
        assertThat(SeedGuide.program(section, "js sender.mjs")).contains(SeedDocs.codeBlock(SeedDocs.seed("000"), "```js").lines()
                .filter(l -> !l.startsWith("import")).reduce("", (a, b) -> a + b + "\n"));
        ApiClient.Response source = configure("000", call -> true).get("/v1/sources");
        String payload = "{\"campaign\": \"spring\",\n \"recipients\": [1, 2, 3]}\n";
        SeedDocs.write(work, "payload.json", payload);

        SeedGuide.Running sent = start("000", "js sender.mjs", "sender.mjs", Map.of(), "node", "sender.mjs",
                source.text("/url"), source.text("/secret"), source.text("/api_key"), work.resolve("payload.json").toString());
        String answer = sent.awaitLine("the sender's answer", WAIT, l -> l.matches("\\d{3} .*"));
        SeedGuide.Running wrongKey = start("000", "js sender.mjs", "sender.mjs", Map.of(), "node", "sender.mjs",
                source.text("/url"), source.text("/secret"), "not-the-key", work.resolve("payload.json").toString());

        assertThat(answer).startsWith("200 ");
        String eventId = json(answer.substring(4)).get("id").asText();
        assertThat(wrongKey.awaitLine("the refusal", WAIT, l -> l.matches("\\d{3} .*"))).startsWith("401 ");

        SeedGuide.Running puller = start("000", "js puller.mjs", "puller.mjs", Map.of("HOOKLINE_URL", server.baseUrl(),
                "HOOKLINE_API_KEY", TestServer.ROOT_KEY, "SOURCE_ID", source.text("/id"), "WEBHOOK_SECRET", source.text("/secret")),
                "node", "puller.mjs");
        JsonNode pulled = json(puller.awaitLine("the pulled event", WAIT, l -> l.startsWith("{")));
        assertThat(pulled.get("id").asText()).isEqualTo(eventId);
        assertThat(pulled.get("body").asText()).isEqualTo(payload);
        assertThat(pulled.get("verified").asBoolean()).isTrue();
    }

    @Test
    void seed001PosternsVerifyTsInAReceiverAcceptsTheDelivery() throws Exception {
        String receiverCode = SeedGuide.program(SeedGuide.section("001"), "js receiver.mjs");
        assertThat(receiverCode).contains(SeedDocs.codeBlock(SeedDocs.seed("001"), "verify.ts").replace(": string", ""));
        // the message is sent below, once the receiver listens
        Map<String, ApiClient.Response> answers = configure("001", call -> !call.path().endsWith("/messages"));
        String secret = answers.get("/v1/apps/postern/endpoints").text("/secret");
        String ep = answers.get("/v1/apps/postern/endpoints").text("/id");
        SeedGuide.Running receiver = start("001", "js receiver.mjs", "receiver.mjs", Map.of("PORT", "0", "POSTERN_WEBHOOK_SECRET", secret),
                "node", "receiver.mjs");
        server.patch("/v1/apps/postern/endpoints/" + ep, "{\"url\":\"http://127.0.0.1:" + receiver.port(START) + "/inbound\"}");

        SeedGuide.Call message = SeedGuide.calls(SeedGuide.section("001")).stream().filter(c -> c.path().endsWith("/messages"))
                .findFirst().orElseThrow();
        assertThat(server.post(message.path(), message.body().toString()).status()).isEqualTo(202);

        JsonNode got = json(receiver.awaitLine("the verified delivery", WAIT, l -> l.startsWith("{")));
        assertThat(got.get("event").asText()).isEqualTo("message.received");
        // the document's message.received example, key for key
        assertThat(got.get("body")).isEqualTo(JSON.readTree(SeedDocs.codeBlock(SeedDocs.seed("001"), "title=\"message.received\"")));
        assertThat(got.get("body").properties()).extracting(Map.Entry::getKey).containsExactly("event", "inbox", "message");
    }

    @Test
    void seed002LettermintsReceiverGetsEventsAndTheTestButtonsText() {
        Map<String, ApiClient.Response> answers = configure("002", call -> true);
        ApiClient.Response webhook = answers.get("/v1/apps/route-newsletter/endpoints");
        SeedGuide.Running receiver = start("002", "js receiver.mjs", "receiver.mjs",
                Map.of("PORT", "0", "LETTERMINT_WEBHOOK_SECRET", webhook.text("/secret")), "node", "receiver.mjs");
        String ep = webhook.text("/id");
        server.patch("/v1/apps/route-newsletter/endpoints/" + ep,
                "{\"url\":\"http://127.0.0.1:" + receiver.port(START) + "/webhooks/lettermint\"}");

        String msg = server.send("route-newsletter", "message.delivered", "{\"message_id\":\"m_1\",\"to\":\"a@example.com\"}");
        JsonNode delivered = json(receiver.awaitLine("the delivery", WAIT, l -> l.startsWith("{")));
        assertThat(server.post("/v1/apps/route-newsletter/endpoints/" + ep + "/test", null).status()).isEqualTo(202);
        JsonNode test = json(receiver.awaitLine("the test delivery", WAIT, l -> l.startsWith("{")));

        assertThat(delivered.get("received").asText()).isEqualTo("message.delivered");
        assertThat(delivered.get("id").asText()).isEqualTo(msg);
        assertThat(delivered.get("attempt").asText()).isEqualTo("1");
        assertThat(delivered.get("duplicate").asBoolean()).isFalse();
        assertThat(test.get("received").asText()).isEqualTo("webhook.test");
        assertThat(test.at("/data/message").asText()).isEqualTo("This is a test webhook from Lettermint");
        assertThat(test.at("/data/webhook_id").asText()).isEqualTo(webhook.text("/uid")).isEqualTo("9f9bf19c-4a2c-45f3-a6c7-bc937224ec5a");
    }

    @Test
    void seed003EncratasGoVerifierInAnHttpsReceiverWithAPrivateCaAcceptsTheDelivery() throws Exception {
        String receiverCode = SeedGuide.program(SeedGuide.section("003"), "go receiver.go");
        assertThat(receiverCode).contains(SeedDocs.codeBlock(SeedDocs.seed("003"), "go Go"));
        Path certs = work.resolve("certs");
        Files.createDirectories(certs);
        PrivateCa ca = PrivateCa.create(certs, "DNS:localhost");
        Map<String, ApiClient.Response> answers = configure("003", call -> {
            if (call.body().has("tls_ca")) {
                call.body().put("tls_ca", ca.caPem()); // the reader's own CA in place of the placeholder
            }
            return true;
        });
        ApiClient.Response webhook = answers.get("/v1/apps/ws/endpoints");
        String ep = webhook.text("/id");
        assertThat(server.post("/v1/apps/ws/endpoints", "{\"url\":\"http://hooks.example.com/webhooks/encrata\"}").status()).isEqualTo(422);
        SeedGuide.Running receiver = start("003", "go receiver.go", "receiver.go", Map.of("ENCRATA_WEBHOOK_SECRET", webhook.text("/secret"),
                "TLS_CERT", certs.resolve("server.pem").toString(), "TLS_KEY", certs.resolve("server.key").toString(),
                "ADDR", "127.0.0.1:0", "GOCACHE", work.resolve("gocache").toString(), "HOME", work.toString()), "go", "run", "receiver.go");
        server.patch("/v1/apps/ws/endpoints/" + ep, "{\"url\":\"https://localhost:" + receiver.port(START) + "/webhooks/encrata\"}");

        server.send("ws", "lookup.completed", "{\"email\":\"satya@microsoft.com\",\"lookup_id\":\"lu_abc123\"}");
        JsonNode delivered = json(receiver.awaitLine("the verified delivery", WAIT, l -> l.startsWith("{")));
        server.post("/v1/apps/ws/endpoints/" + ep + "/test", null);
        JsonNode test = json(receiver.awaitLine("the verified test delivery", WAIT, l -> l.startsWith("{")));

        assertThat(delivered.get("event").asText()).isEqualTo("lookup.completed");
        assertThat(delivered.get("data")).isEqualTo(JSON.readTree("{\"email\":\"satya@microsoft.com\",\"lookup_id\":\"lu_abc123\"}"));
        assertThat(delivered.get("created_at").asText()).isNotBlank();
        assertThat(test.get("event").asText()).isEqualTo("webhook.test");
        assertThat(test.get("created_at").asText()).isNotBlank();
    }

    @Test
    void seed004FlowyblesOwnCommandsGetTheDocumentsAnswer() {
        String sender = SeedGuide.program(SeedGuide.section("004"), "bash sender.sh");
        assertThat(sender).isEqualTo(SeedDocs.codeBlock(SeedDocs.seed("004"), "bash theme")
                .replace("https://api.flowyble.com/webhooks/{token}", "https://hookline.example.com/webhooks/{token}"));
        Map<String, ApiClient.Response> answers = configure("004", call -> true);
        String url = answers.get("/v1/sources").text("/url");
        SeedGuide.Running sent = start("004", "bash sender.sh", "sender.sh", Map.of(), "bash", "-c",
                "sed 's|https://hookline.example.com/webhooks/{token}|" + url + "|' sender.sh | bash");

        JsonNode answer = json(sent.awaitLine("the answer", WAIT, l -> l.startsWith("{")));

        assertThat(answer.properties()).extracting(Map.Entry::getKey).containsExactly("success", "runId", "type");
        assertThat(answer.get("success").asBoolean()).isTrue();
        assertThat(UUID.fromString(answer.get("runId").asText()).toString()).isEqualTo(answer.get("runId").asText());
        assertThat(answer.get("type").asText()).isEqualTo("agent");
        assertThat(server.get("/v1/apps/runs/messages").text("/data/0/event")).isEqualTo("order_created");
    }
}
