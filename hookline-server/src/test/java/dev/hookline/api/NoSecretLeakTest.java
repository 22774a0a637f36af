package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.hookline.cli.HooklineCommand;
import dev.hookline.signature.HexSignature;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestPostgres;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A whole scenario — create, rotate, deliver, fail, receive, reject, migrate — with every logger at
 * its most verbose: no log line and no response body holds a secret, an API key, the master key or
 * a signature, except the one response that shows a new secret once.
 */
class NoSecretLeakTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Every secret the scenario meets, by what it is. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    /** Every response body, in order, with the secret (if any) it is the one place to show. */
    private final List<String> bodies = new ArrayList<>();
    private final Map<Integer, java.util.Set<String>> revealedIn = new HashMap<>();
    private String token;
    private String inboundSignature;

    private Response seen(Response r) {
        bodies.add(r.raw().body());
        return r;
    }

    /** A response that shows {@code secret} once, as the API promises. */
    private Response reveals(Response r, String what, String secret) {
        if (bodies.isEmpty() || !bodies.getLast().equals(r.raw().body())) {
            seen(r);
        }
        secrets.put(what, secret);
        revealedIn.computeIfAbsent(bodies.size() - 1, i -> new java.util.HashSet<>()).add(secret);
        return r;
    }

    @Test
    void noSecretReachesALogLineOrAnErrorBody() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        // The most verbose an operator can ask for: everything at TRACE but the wire loggers logback.xml
        // caps, which would print raw requests and bound parameters.
        Map<Logger, Level> levels = new HashMap<>();
        for (Logger logger : context.getLoggerList()) {
            levels.put(logger, logger.getLevel());
        }
        root.setLevel(Level.ALL);
        context.getLogger("dev.hookline").setLevel(Level.ALL);
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        java.util.logging.LogManager.getLogManager().getLogger("").setLevel(java.util.logging.Level.ALL);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        try {
            scenario();
        } finally {
            root.detachAppender(captured);
            levels.forEach(Logger::setLevel);
        }

        assertThat(captured.list).as("log events at the most verbose level").hasSizeGreaterThan(50);
        List<String> leaks = new ArrayList<>();
        for (ILoggingEvent event : captured.list) {
            String line = rendered(event);
            secrets.forEach((what, secret) -> {
                if (line.contains(secret)) {
                    leaks.add(what + " in a log line of " + event.getLoggerName() + ": " + line);
                }
            });
        }
        for (int i = 0; i < bodies.size(); i++) {
            String body = bodies.get(i);
            java.util.Set<String> allowed = revealedIn.getOrDefault(i, java.util.Set.of());
            secrets.forEach((what, secret) -> {
                if (!allowed.contains(secret) && body.contains(secret)) {
                    leaks.add(what + " in a response body: " + body);
                }
            });
        }
        for (ILoggingEvent event : captured.list) {
            if (rendered(event).contains(token)) { // a source's URL is shown to root keys, but never logged
                leaks.add("a receive token in a log line of " + event.getLoggerName() + ": " + rendered(event));
            }
            if (rendered(event).contains(inboundSignature)) {
                leaks.add("an inbound signature in a log line of " + event.getLoggerName() + ": " + rendered(event));
            }
        }
        assertThat(leaks).isEmpty();
    }

    /** Everything a log line can print: the message, its arguments, key-value pairs, MDC and the exception chain. */
    private static String rendered(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(event.getFormattedMessage() == null ? "" : event.getFormattedMessage());
        if (event.getArgumentArray() != null) {
            for (Object arg : event.getArgumentArray()) {
                out.append(' ').append(arg);
            }
        }
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(kv -> out.append(' ').append(kv.key).append('=').append(kv.value));
        }
        event.getMDCPropertyMap().forEach((k, v) -> out.append(' ').append(k).append('=').append(v));
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            out.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    private void scenario() throws Exception {
        String customHeader = "receiver-credential-" + System.nanoTime();
        String sourceSecret = "inbound-secret-" + System.nanoTime();
        try (Receiver ok = new Receiver(); Receiver failing = new Receiver().alwaysAnswering(500)) {
            TestServer server = new TestServer();
            secrets.put("the root key", TestServer.ROOT_KEY);
            secrets.put("the master key", Files.readString(server.dataDir().resolve("master.key")).trim());
            secrets.put("a custom header", customHeader);

            String app = seen(server.post("/v1/apps", "{\"name\":\"Leaky?\",\"uid\":\"leaky\"}")).text("/id");
            Response key = server.post("/v1/api-keys", "{\"name\":\"producer\",\"app\":\"leaky\"}");
            reveals(key, "an app key", key.text("/key"));
            String appKey = key.text("/key");

            Response endpoint = server.post("/v1/apps/" + app + "/endpoints", "{\"url\":\"" + ok.url() + "\",\"headers\":"
                    + "{\"Authorization\":\"Bearer " + customHeader + "\"}}");
            reveals(endpoint, "an endpoint secret", endpoint.text("/secret"));
            reveals(endpoint, "an endpoint secret's key", endpoint.text("/secret").substring("whsec_".length()));
            String ep = endpoint.text("/id");
            Response rotated = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/secret/rotate", "{}");
            reveals(rotated, "a rotated secret", rotated.text("/secret"));

            // deliver: signed with both secrets during the rotation
            String msg = seen(server.call("POST", "/v1/apps/" + app + "/messages", "{\"event\":\"order.paid\",\"data\":{\"n\":1}}", appKey))
                    .text("/id");
            Await.until("the delivery", WAIT, () -> ok.count() >= 1);
            for (String part : ok.requests().get(0).header("webhook-signature").split(" ")) {
                secrets.put("a delivery signature", part.substring(part.indexOf(',') + 1));
            }

            // fail: a receiver that answers 500, and one that is not there
            String failingApp = seen(server.post("/v1/apps", "{\"name\":\"Failing\"}")).text("/id");
            Response bad = server.post("/v1/apps/" + failingApp + "/endpoints", "{\"url\":\"" + failing.url() + "\",\"retry\":{\"schedule\":[1]}}");
            reveals(bad, "a failing endpoint's secret", bad.text("/secret"));
            Response gone = server.post("/v1/apps/" + failingApp + "/endpoints", "{\"url\":\"http://127.0.0.1:9/hook\",\"retry\":{\"schedule\":[1]}}");
            reveals(gone, "an unreachable endpoint's secret", gone.text("/secret"));
            String failed = seen(server.post("/v1/apps/" + failingApp + "/messages", "{\"event\":\"order.paid\",\"data\":{}}")).text("/id");
            Await.until("both deliveries to fail for good", WAIT, () -> server.get("/v1/apps/" + failingApp + "/messages/" + failed)
                    .body().get("deliveries").findValuesAsText("status").stream().allMatch("failed"::equals));

            // receive and reject
            Response source = server.post("/v1/sources", "{\"name\":\"in\",\"verification\":{\"scheme\":\"hex\"},\"secret\":\""
                    + sourceSecret + "\",\"api_key_required\":true,\"forward\":{\"app\":\"" + app + "\"}}");
            reveals(source, "a source secret", sourceSecret);
            reveals(source, "a source API key", source.text("/api_key"));
            String url = source.text("/url");
            token = url.substring(url.lastIndexOf('/') + 1);
            byte[] payload = "{\"event\":\"order.created\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
            String signature = HexSignature.sign(sourceSecret, payload);
            inboundSignature = signature; // shown in the source's event log (pullers verify it), never logged
            assertThat(receive(url, payload, signature, source.text("/api_key"))).isEqualTo(200);
            assertThat(receive(url, payload, "00" + signature.substring(2), source.text("/api_key"))).isEqualTo(401);
            assertThat(receive(url, payload, signature, "not-the-key")).isEqualTo(401);
            assertThat(receive(url, "not json".getBytes(StandardCharsets.UTF_8), HexSignature.sign(sourceSecret,
                    "not json".getBytes(StandardCharsets.UTF_8)), source.text("/api_key"))).isIn(200, 400);

            // read everything back, as the owner and as the app's key
            for (String path : new String[] {"/v1/apps/" + app + "/endpoints", "/v1/apps/" + app + "/endpoints/" + ep,
                    "/v1/apps/" + app + "/messages/" + msg + "/attempts", "/v1/apps/" + failingApp + "/messages/" + failed + "/attempts",
                    "/v1/sources", "/v1/sources/" + source.text("/id") + "/events", "/v1/api-keys"}) {
                seen(server.get(path));
                seen(server.call("GET", path, null, appKey));
            }
            seen(server.call("GET", "/v1/apps", null, "hk_wrong"));
            server.stop();

            // migrate
            String target = TestPostgres.newDatabase();
            assertThat(new CommandLine(new HooklineCommand()).execute("migrate", "--from", server.dataDir().toString(), "--to", target))
                    .isZero();
        }
    }

    private int receive(String url, byte[] body, String signature, String apiKey) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("X-Signature", signature).header("X-API-KEY", apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(r.body());
        return r.statusCode();
    }
}
