package dev.hookline.seeds;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.Await;
import dev.hookline.testing.PrivateCa;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003 (Encrata): an event catalog; {@code {event, data, created_at}} payloads; a hex HMAC of
 * the raw body in {@code X-Encrata-Signature}, checked by the document's own Python, Node and Go
 * verifiers; HTTPS-only endpoint URLs; a 5-second timeout; test and delivery-list calls.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class EncrataSeedTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CATALOG = List.of("lookup.completed", "monitor.run.completed", "apikey.created",
            "apikey.revoked", "credits.low", "credits.exhausted");

    private final TestServer server;
    private final Receiver receiver = new Receiver();

    @TempDir
    Path work;

    EncrataSeedTest(Backend backend) {
        this.server = new TestServer(backend);
    }

    @AfterEach
    void tearDown() {
        server.close();
        receiver.close();
    }

    private TestServer.Response createWebhook(List<String> events) {
        server.post("/v1/apps", "{\"name\":\"Workspace\",\"uid\":\"ws\"}");
        return server.createEndpoint("ws", "{\"url\":\"" + receiver.url() + "\",\"events\":" + json(events) + ","
                + "\"signature\":{\"scheme\":\"hex\",\"header\":\"X-Encrata-Signature\"},"
                + "\"envelope\":[\"event\",\"data\",\"created_at\"],\"timeout_ms\":5000}");
    }

    @Test
    void theDocumentsPythonNodeAndGoVerifiersAcceptTheDeliveredPayload() {
        for (String type : CATALOG) {
            assertThat(server.post("/v1/event-types", "{\"name\":\"" + type + "\"}").status()).isEqualTo(201);
        }
        String secret = createWebhook(List.of("lookup.completed", "apikey.created")).text("/secret");

        String msg = server.send("ws", "lookup.completed", "{\"email\":\"satya@microsoft.com\",\"lookup_id\":\"lu_abc123\"}");
        server.send("ws", "credits.low", "{}");

        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        String createdAt = server.get("/v1/apps/ws/messages/" + msg).text("/created_at");
        assertThat(r.bodyText()).isEqualTo("{\"event\":\"lookup.completed\",\"data\":{\"email\":\"satya@microsoft.com\","
                + "\"lookup_id\":\"lu_abc123\"},\"created_at\":\"" + createdAt + "\"}");
        String signature = r.header("X-Encrata-Signature");
        assertThat(signature).matches("[0-9a-f]{64}");

        assertThat(python(r.body(), secret, signature)).isEqualTo("True");
        assertThat(node(r.body(), secret, signature)).isEqualTo("true");
        assertThat(go(r.body(), secret, signature)).isEqualTo("true");
        assertThat(go(r.body(), secret + "x", signature)).isEqualTo("false");
        assertThat(python(r.body(), secret + "x", signature)).isEqualTo("False");
        assertThat(python("{\"event\":\"lookup.completed\"}".getBytes(), secret, signature)).isEqualTo("False");
    }

    @Test
    void anEndpointThatTakesLongerThanFiveSecondsTimesOut() {
        receiver.delaying(Duration.ofSeconds(7));
        String ep = server.createEndpoint(server.createApp("ws"), "{\"url\":\"" + receiver.url() + "\",\"timeout_ms\":5000,"
                + "\"retry\":{\"schedule\":[]}}").text("/id");
        String app = server.get("/v1/apps").text("/data/0/id");

        String msg = server.send(app, "lookup.completed", "{}");

        Await.until("the attempt to time out", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        var attempt = server.get("/v1/apps/" + app + "/endpoints/" + ep + "/attempts").json("/data/0");
        assertThat(attempt.get("error").asText()).isEqualTo("timed out after 5000 ms");
        assertThat(attempt.get("status_code").isNull()).isTrue();
        assertThat(attempt.get("duration_ms").asLong()).isBetween(4_900L, 6_900L);
    }

    @Test
    void testAndDeliveryListCalls() {
        var webhook = createWebhook(List.of("lookup.completed"));
        String ep = webhook.text("/id");

        assertThat(server.post("/v1/apps/ws/endpoints/" + ep + "/test", null).status()).isEqualTo(202);

        Await.until("the test delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        assertThat(python(r.body(), webhook.text("/secret"), r.header("X-Encrata-Signature"))).isEqualTo("True");
        // the test delivery has the endpoint's own {event, data, created_at} shape, like every real one
        assertThat(r.bodyText()).matches("\\{\"event\":\"webhook\\.test\",\"data\":\\{\"message\":\"[^\"]+\",\"webhook_id\":\"" + ep
                + "\",\"timestamp\":\\d+},\"created_at\":\"[^\"]+\"}");
        var deliveries = Await.value("the delivery list", WAIT,
                () -> server.get("/v1/apps/ws/endpoints/" + ep + "/attempts").body().get("data"), d -> d.size() == 1);
        assertThat(deliveries.get(0).get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void anHttpsOnlyServerRefusesPlainHttpEndpointUrls() {
        try (TestServer strict = new TestServer(server.backend(), Clock.systemUTC(), s -> s.withHttpsOnly(true).withAllowPrivateTargets(false))) {
            String app = strict.createApp("ws");
            var refused = strict.post("/v1/apps/" + app + "/endpoints", "{\"url\":\"http://hooks.example.com/encrata\"}");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.text("/error/message")).startsWith("url:").contains("https://");
            assertThat(strict.post("/v1/apps/" + app + "/endpoints", "{\"url\":\"https://hooks.example.com/encrata\"}").status())
                    .isEqualTo(201);
            String ep = strict.get("/v1/apps/" + app + "/endpoints").text("/data/0/id");
            assertThat(strict.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"url\":\"http://hooks.example.com/x\"}").status())
                    .isEqualTo(422);
        }
    }

    @Test
    void anHttpsOnlyWorkspaceRefusesPlainHttpEndpointUrlsOnAServerThatAllowsThem() {
        var workspace = server.post("/v1/apps", "{\"name\":\"Workspace\",\"uid\":\"ws\",\"https_only\":true}");
        assertThat(workspace.json("/https_only").asBoolean()).isTrue();
        String other = server.createApp("other");

        var refused = server.post("/v1/apps/ws/endpoints", "{\"url\":\"http://hooks.example.com/encrata\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text("/error/message")).isEqualTo("url: must use https:// (the app ws is set to https_only)");
        String ep = server.createEndpoint("ws", "{\"url\":\"https://hooks.example.com/encrata\"}").text("/id");
        assertThat(server.patch("/v1/apps/ws/endpoints/" + ep, "{\"url\":\"HTTP://hooks.example.com/x\"}").status()).isEqualTo(422);
        assertThat(server.post("/v1/apps/" + other + "/endpoints", "{\"url\":\"http://hooks.example.com/other\"}").status())
                .isEqualTo(201);

        // an app cannot be switched to https_only while one of its endpoints would break the rule
        var switching = server.patch("/v1/apps/" + other, "{\"https_only\":true}");
        assertThat(switching.status()).isEqualTo(409);
        assertThat(switching.text("/error/message")).startsWith("1 of the app's endpoints use http://");
        assertThat(server.patch("/v1/apps/ws", "{\"https_only\":null}").json("/https_only").asBoolean()).isFalse();
        assertThat(server.post("/v1/apps/ws/endpoints", "{\"url\":\"http://hooks.example.com/encrata\"}").status()).isEqualTo(201);
    }

    @Test
    void anEndpointTrustsItsReceiversPrivateCaAndCertificatesStillNameTheHost() throws Exception {
        java.nio.file.Files.createDirectories(work.resolve("right"));
        java.nio.file.Files.createDirectories(work.resolve("wrong-host"));
        PrivateCa ca = PrivateCa.create(work.resolve("right"), "IP:127.0.0.1"); // a receiver known by its address only
        PrivateCa elsewhere = PrivateCa.create(work.resolve("wrong-host"), "DNS:receiver.example");
        try (Receiver https = new Receiver(ca.server()); Receiver misnamed = new Receiver(elsewhere.server())) {
            server.post("/v1/apps", "{\"name\":\"Workspace\",\"uid\":\"ws\",\"https_only\":true}");
            String endpoint = "{\"url\":\"%s\",\"signature\":{\"scheme\":\"hex\",\"header\":\"X-Encrata-Signature\"},"
                    + "\"retry\":{\"schedule\":[]}%s}";
            String url = https.url();
            var trusting = server.createEndpoint("ws", endpoint.formatted(url, ",\"tls_ca\":" + JSON.writeValueAsString(ca.caPem())));
            String publicTrust = server.createEndpoint("ws", endpoint.formatted(url + "?public", "")).text("/id");
            String wrongHost = server.createEndpoint("ws", endpoint.formatted(misnamed.url(),
                    ",\"tls_ca\":" + JSON.writeValueAsString(elsewhere.caPem()))).text("/id");
            assertThat(trusting.text("/tls_ca")).isEqualTo(ca.caPem());

            String msg = server.send("ws", "lookup.completed", "{\"lookup_id\":\"lu_abc123\"}");

            Await.until("the three deliveries to end", WAIT, () -> server.get("/v1/apps/ws/messages/" + msg).body().get("deliveries")
                    .findValuesAsText("status").stream().noneMatch("pending"::equals));
            assertThat(https.count()).isEqualTo(1);
            Receiver.Request r = https.requests().get(0);
            assertThat(python(r.body(), trusting.text("/secret"), r.header("X-Encrata-Signature"))).isEqualTo("True");
            assertThat(misnamed.count()).isZero();
            for (String refused : List.of(publicTrust, wrongHost)) {
                var attempt = server.get("/v1/apps/ws/endpoints/" + refused + "/attempts").json("/data/0");
                assertThat(attempt.get("status_code").isNull()).isTrue();
                assertThat(attempt.get("error").asText()).as(refused).isNotBlank();
            }
        }
        var unreadable = server.post("/v1/apps/ws/endpoints", "{\"url\":\"https://hooks.example.com/x\",\"tls_ca\":\"not a certificate\"}");
        assertThat(unreadable.status()).isEqualTo(422);
        assertThat(unreadable.text("/error/message")).startsWith("tls_ca: must be one or more PEM certificates");
    }

    /** The document's Python snippet, as printed, called on the raw body. */
    private String python(byte[] body, String secret, String signature) {
        String snippet = SeedDocs.codeBlock(SeedDocs.seed("003"), "python Python");
        SeedDocs.write(work, "body.bin", body);
        Path script = SeedDocs.write(work, "verify.py", snippet + """

                import sys
                print(verify_signature(open(sys.argv[1], "rb").read(), sys.argv[2], sys.argv[3]))
                """);
        SeedDocs.Run run = SeedDocs.run(work, "python3", script.toString(), work.resolve("body.bin").toString(), secret, signature);
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output();
    }

    /** The document's Node.js snippet, as printed, called on the raw body. */
    private String node(byte[] body, String secret, String signature) {
        String snippet = SeedDocs.codeBlock(SeedDocs.seed("003"), "javascript Node.js");
        SeedDocs.write(work, "body.bin", body);
        Path script = SeedDocs.write(work, "verify.js", snippet + """

                const payload = require("fs").readFileSync(process.argv[2]);
                console.log(String(verifySignature(payload, process.argv[3], process.argv[4])));
                """);
        SeedDocs.Run run = SeedDocs.run(work, "node", script.toString(), work.resolve("body.bin").toString(), secret, signature);
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output();
    }

    /**
     * The document's Go snippet, as printed, in a file of its own ({@code package main} added: the
     * snippet has its own import block), called from a second file with the raw body.
     */
    private String go(byte[] body, String secret, String signature) {
        Path dir = work.resolve("go");
        SeedDocs.write(work, "body.bin", body);
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SeedDocs.write(dir, "verify.go", "package main\n\n" + SeedDocs.codeBlock(SeedDocs.seed("003"), "go Go"));
        SeedDocs.write(dir, "main.go", """
                package main

                import (
                    "fmt"
                    "os"
                )

                func main() {
                    payload, err := os.ReadFile(os.Args[1])
                    if err != nil {
                        panic(err)
                    }
                    fmt.Println(VerifySignature(payload, os.Args[2], os.Args[3]))
                }
                """);
        SeedDocs.Run run = SeedDocs.run(dir, "go", "run", "verify.go", "main.go", work.resolve("body.bin").toString(), secret, signature);
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output();
    }

    private static String json(List<String> values) {
        return "[" + String.join(",", values.stream().map(v -> "\"" + v + "\"").toList()) + "]";
    }
}
