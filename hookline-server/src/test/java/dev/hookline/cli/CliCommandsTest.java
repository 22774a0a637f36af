package dev.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.CliProcess;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI's commands against a real server on loopback. Most run in this JVM through the same command
 * line the jar's main builds (a JVM per command would make this test minutes long); the exit codes of
 * the real main and the long-running {@code listen --port} run as separate processes.
 */
class CliCommandsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static Map<String, String> env;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        server = new TestServer();
        env = Map.of("HOOKLINE_URL", server.baseUrl(), "HOOKLINE_API_KEY", TestServer.ROOT_KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** {@code bin/hookline args… --server URL --api-key KEY}, in this JVM: its exit code and everything it printed. */
    private static CliProcess.Result hookline(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.baseUrl(), "--api-key", TestServer.ROOT_KEY));
        return inProcess(all.toArray(String[]::new));
    }

    private static synchronized CliProcess.Result inProcess(String... args) {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        java.io.PrintStream stderr = System.err;
        // Only what this thread (the command) prints: the server runs in this JVM too, and its log lines,
        // written from its own threads to the same System.out, are not the command's output.
        Thread command = Thread.currentThread();
        java.io.OutputStream mine = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                if (Thread.currentThread() == command) {
                    captured.write(b);
                } else {
                    stdout.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (Thread.currentThread() == command) {
                    captured.write(b, off, len);
                } else {
                    stdout.write(b, off, len);
                }
            }
        };
        java.io.PrintStream both = new java.io.PrintStream(mine, true, java.nio.charset.StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            int exit = HooklineCommand.commandLine("bin/hookline").execute(args);
            return new CliProcess.Result(exit, captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private JsonNode json(String... args) {
        CliProcess.Result r = hookline(args);
        assertThat(r.exitCode()).as(r.output()).isZero();
        try {
            return JSON.readTree(r.output());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.output(), e);
        }
    }

    @Test
    void exitCodesSayWhatWentWrong() {
        CliProcess.Result missing = hookline("apps", "get", "no-such-app");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.output()).contains("404 not_found");
        CliProcess.Result typo = hookline("apps", "lst");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.output()).contains("Did you mean");
        CliProcess.Result noKey = inProcess("apps", "list", "--server", server.baseUrl(), "--api-key", "");
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.output()).contains("HOOKLINE_API_KEY");
        CliProcess.Result wrongKey = inProcess("apps", "list", "--server", server.baseUrl(), "--api-key", "hk_wrong");
        assertThat(wrongKey.exitCode()).isEqualTo(1);
        assertThat(wrongKey.output()).contains("401 unauthorized");
        CliProcess.Result down = inProcess("apps", "list", "--server", "http://127.0.0.1:" + freePort(), "--api-key", "k");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.output()).contains("cannot connect");
        CliProcess.Result noFile = inProcess("verify", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--headers",
                work.resolve("no-such-headers.txt").toString(), "--body", work.resolve("no-such-body").toString());
        assertThat(noFile.exitCode()).isEqualTo(1);
        assertThat(noFile.output()).contains("hookline: no such file: " + work.resolve("no-such-headers.txt"));
    }

    @Test
    void theJarsMainExitsWithThoseCodesAndReadsTheEnvironment() {
        CliProcess.Result missing = CliProcess.run(work, env, "apps", "get", "no-such-app");
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(1);
        assertThat(missing.output()).contains("hookline: 404 not_found");
        assertThat(CliProcess.run(work, env, "apps", "lst").exitCode()).isEqualTo(2);
    }

    @Test
    void everyCommandHasHelp() {
        List<String> without = new ArrayList<>();
        walk(new CommandLine(new HooklineCommand()), without);
        assertThat(without).as("commands without --help").isEmpty();
        CliProcess.Result help = inProcess("endpoints", "create", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("--set", "--data", "--app");
    }

    /** Run from the source tree as {@code bin/hookline}, that is what help, examples and hints tell the user to type. */
    @Test
    void hintsAndExamplesNameTheCommandAsItWasTyped() {
        String app = server.createApp("Hints");
        CliProcess.Result sent = hookline("send", "--app", app, "--event", "invoice.paid");
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.output()).containsPattern("see it with: bin/hookline messages get msg_\\w+ --app " + app);
        assertThat(inProcess("send", "--help").output()).contains("Usage: bin/hookline send", "  bin/hookline send --app acme");
        assertThat(inProcess("messages", "--help").output()).contains("'bin/hookline send'");
        assertThat(inProcess().output()).contains("Usage: bin/hookline [");
        // the jar run directly (java -jar hookline.jar, or the Docker image) is just "hookline"
        assertThat(CliProcess.run(work, env, "send", "--help").output()).contains("Usage: hookline send", "  hookline send --app acme");
    }

    private static void walk(CommandLine cli, List<String> without) {
        if (cli.getCommandSpec().optionsMap().get("--help") == null) {
            without.add(cli.getCommandSpec().qualifiedName());
        }
        cli.getSubcommands().values().forEach(sub -> walk(sub, without));
    }

    @Test
    void resourceCommandsListGetCreateUpdateDelete() {
        JsonNode app = json("apps", "create", "--set", "name=Globex", "--set", "uid=globex", "--json");
        assertThat(app.get("uid").asText()).isEqualTo("globex");
        CliProcess.Result table = hookline("apps", "list");
        assertThat(table.output()).contains("ID", "UID", "NAME").contains(app.get("id").asText() + "  globex  Globex");
        assertThat(json("apps", "update", "globex", "--set", "name=Globex Inc.", "--json").get("name").asText()).isEqualTo("Globex Inc.");
        assertThat(json("apps", "get", "globex", "--json").get("name").asText()).isEqualTo("Globex Inc.");

        JsonNode ep = json("endpoints", "create", "--app", "globex", "--data", "{\"url\":\"https://example.com/hook\"}",
                "--set", "events=[\"invoice.*\"]", "--json");
        assertThat(ep.get("events").get(0).asText()).isEqualTo("invoice.*");
        assertThat(ep.get("secret").asText()).startsWith("whsec_");
        assertThat(json("endpoints", "update", ep.get("id").asText(), "--app", "globex", "--set", "enabled=false", "--json")
                .get("enabled").asBoolean()).isFalse();
        assertThat(json("endpoints", "list", "--app", "globex", "--all", "--json")).hasSize(1);

        JsonNode type = json("event-types", "create", "--set", "name=invoice.paid", "--set", "description=Paid", "--json");
        assertThat(type.get("name").asText()).isEqualTo("invoice.paid");
        JsonNode key = json("keys", "create", "--set", "name=portal", "--set", "app=globex", "--json");
        assertThat(key.get("key").asText()).isNotBlank();
        assertThat(hookline("keys", "delete", key.get("id").asText()).exitCode()).isZero();
        assertThat(json("sources", "create", "--set", "name=stripe", "--json").get("url").asText()).contains("/webhooks/");

        assertThat(hookline("apps", "delete", "globex").exitCode()).isZero();
        assertThat(hookline("apps", "get", "globex").exitCode()).isEqualTo(1);
    }

    @Test
    void sendReplayAndAttempts() {
        try (Receiver receiver = new Receiver()) {
            String app = server.createApp("Initech");
            String ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
            JsonNode sent = json("send", "--app", app, "--event", "invoice.paid", "--data", "{\"amount\": 1200}", "--id", "inv-1", "--json");
            String msg = sent.get("id").asText();
            Await.until("the delivery", WAIT, () -> receiver.count() == 1);
            assertThat(receiver.requests().getFirst().bodyText()).contains("\"amount\": 1200");

            assertThat(hookline("replay", msg, "--app", app, "--endpoint", ep).output()).contains("queued " + msg);
            Await.until("the replayed delivery", WAIT, () -> receiver.count() == 2);
            Await.until("two attempts", WAIT, () -> json("attempts", "list", "--app", app, "--message", msg, "--json").get("data").size() == 2);
            assertThat(hookline("attempts", "list", "--app", app, "--endpoint", ep).output()).contains("succeeded", "200");

            assertThat(json("send", "--app", app, "--endpoint", ep, "--test", "--json").get("event").asText()).isEqualTo("webhook.test");
            Await.until("the test delivery", WAIT, () -> receiver.count() == 3);
            assertThat(hookline("messages", "list", "--app", app).output()).contains(msg, "invoice.paid", "inv-1");
            assertThat(hookline("send", "--app", app).exitCode()).isEqualTo(2);

            String source = server.post("/v1/sources", "{\"name\":\"in\",\"forward\":{\"app\":\"" + app + "\",\"event\":{\"name\":\"inbound.received\"}}}").text("/id");
            String url = server.get("/v1/sources/" + source).text("/url");
            String evt = server.send("POST", url.substring(url.indexOf("/webhooks")), "{\"x\":1}", null, "application/json").text("/id");
            JsonNode replayed = json("replay", evt, "--source", source, "--json");
            assertThat(replayed.get("message_id").asText()).startsWith("msg_");
        }
    }

    @Test
    void replayToALocalUrlPostsTheStoredBytes() {
        try (Receiver receiver = new Receiver()) {
            String source = server.post("/v1/sources", "{\"name\":\"raw\"}").text("/id");
            String url = server.get("/v1/sources/" + source).text("/url");
            String body = "{ \"spaced\" :  1.10 }";
            String evt = server.send("POST", url.substring(url.indexOf("/webhooks")), body, null, "application/json").text("/id");
            CliProcess.Result r = hookline("replay", evt, "--source", source, "--forward-to", receiver.url());
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output()).contains("→ 200");
            assertThat(receiver.requests().getFirst().bodyText()).isEqualTo(body);
        }
    }

    @Test
    void verifyChecksASavedRequestAgainstEachScheme() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String app = server.createApp("Verify");
            String secret = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/secret");
            server.send(app, "order.created", "{\"n\":1}");
            Await.until("the delivery", WAIT, () -> receiver.count() == 1);
            Receiver.Request got = receiver.requests().getFirst();
            Path headers = work.resolve("headers.txt");
            Path body = work.resolve("body.json");
            StringBuilder h = new StringBuilder("POST /hook HTTP/1.1\n");
            got.headers().map().forEach((name, values) -> h.append(name).append(": ").append(values.getFirst()).append('\n'));
            Files.writeString(headers, h);
            Files.write(body, got.body());

            CliProcess.Result ok = inProcess("verify", "--secret", secret, "--headers", headers.toString(), "--body", body.toString());
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("✓ standard").contains("✗ hex");
            CliProcess.Result wrong = inProcess("verify", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--headers", headers.toString(),
                    "--body", body.toString(), "--scheme", "standard");
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.output()).contains("✗ standard");
            Files.write(body, "{\"n\":2}".getBytes());
            assertThat(inProcess("verify", "--secret", secret, "--headers", headers.toString(), "--body", body.toString()).exitCode()).isEqualTo(1);
        }
    }

    @Test
    void listenOnAPortVerifiesEachDeliveryAndAnswers401ToABadSignature() throws Exception {
        int port = freePort();
        String app = server.createApp("Local");
        String url = "http://127.0.0.1:" + port + "/webhooks";
        String secret = server.createEndpoint(app, "{\"url\":\"" + url + "\",\"events\":[\"good.*\"]}").text("/secret");
        server.createEndpoint(app, "{\"url\":\"" + url + "\",\"events\":[\"bad.*\"],\"retry\":{\"schedule\":[]}}");
        Path output = work.resolve("receiver.jsonl");
        try (CliProcess cli = CliProcess.start(output, Map.of(), "listen", "--port", Integer.toString(port), "--secret", secret, "--print-json")) {
            // --print-json prints no banner: the receiver is up once a connection is accepted
            Await.until("the local receiver", WAIT, () -> canConnect(port));
            String good = server.send(app, "good.thing", "{\"n\":1}");
            String bad = server.send(app, "bad.thing", "{\"n\":2}");
            Await.until("both delivered and answered", WAIT, () -> "delivered".equals(server.deliveryStatus(app, good))
                    && "failed".equals(server.deliveryStatus(app, bad)));
            List<JsonNode> lines = Files.readAllLines(output).stream().filter(l -> l.startsWith("{")).map(CliCommandsTest::parse).toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).at("/signature/valid").asBoolean()).isTrue();
            assertThat(lines.get(0).get("event").asText()).isEqualTo("good.thing");
            assertThat(lines.get(1).at("/signature/valid").asBoolean()).isFalse();
            assertThat(server.get("/v1/apps/" + app + "/messages/" + bad + "/attempts").text("/data/0/status_code")).isEqualTo("401");
        }
    }

    @Test
    void recoverShowsPlainProgressLinesWhenPiped() {
        String app = server.createApp("Recover");
        server.createEndpoint(app, "{\"url\":\"https://example.com/a\"}");
        server.createEndpoint(app, "{\"url\":\"https://example.com/b\"}");
        CliProcess.Result r = hookline("recover", "--app", app, "--since", "24h");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("1/2 endpoints, 0 deliveries re-queued\n2/2 endpoints").doesNotContain("\r").doesNotContain("\u001b[");
        assertThat(hookline("recover", "--app", app, "--since", "yesterday").exitCode()).isEqualTo(2);
    }

    private static boolean canConnect(int port) {
        try (var s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
