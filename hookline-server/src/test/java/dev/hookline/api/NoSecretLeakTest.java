package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.hookline.cli.HooklineCommand;
import dev.hookline.ops.LogEncoder;
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
 * A whole scenario — create, rotate, deliver, fail, receive, reject, migrate, a portal link, the
 * Svix-compatible API, the metrics — with every logger at its most verbose: no log line and no
 * response body holds a secret, an API key, the master key or a signature, except the one response
 * that shows a new secret once. Log lines are checked as the operator sees them, in both formats the
 * console writes ({@link LogEncoder}, text and JSON), and the operator's own lines (each attempt,
 * each refused post, each endpoint state change) must be among them.
 */
class NoSecretLeakTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** What HOOKLINE_LOG_FORMAT sets (LogSettings), read by {@link LogEncoder} when it starts. */
    private static final String FORMAT_PROPERTY = "hookline.log.format";

    /** Every secret the scenario meets, by what it is. */
    private final Map<String, String> secrets = new LinkedHashMap<>();
    /** Every response body, in order, with the secret (if any) it is the one place to show. */
    private final List<String> bodies = new ArrayList<>();
    private final Map<Integer, java.util.Set<String>> revealedIn = new HashMap<>();
    /** What the API shows its owner (a receive URL's token, a URL's credentials) but no log line may hold. */
    private final Map<String, String> neverLogged = new LinkedHashMap<>();

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
        assertThat(captured.list).as("the operator's lines: attempts delivered and failed, refused posts, state changes")
                .anyMatch(e -> line(e, "hookline.attempt", "delivered"))
                .anyMatch(e -> line(e, "hookline.attempt", "failed"))
                .anyMatch(e -> line(e, "hookline.inbound", "inbound_refused"))
                .anyMatch(e -> line(e, "hookline.endpoint", "endpoint_disabled"));
        Map<String, String> logged = new LinkedHashMap<>(secrets);
        logged.putAll(neverLogged);
        List<String> leaks = new ArrayList<>();
        LogEncoder text = encoder(context, false);
        LogEncoder json = encoder(context, true);
        for (ILoggingEvent event : captured.list) {
            String line = rendered(event) + " " + new String(text.encode(event), StandardCharsets.UTF_8)
                    + " " + new String(json.encode(event), StandardCharsets.UTF_8);
            logged.forEach((what, secret) -> {
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
        assertThat(leaks).isEmpty();
    }

    private static boolean line(ILoggingEvent e, String logger, String value) {
        return e.getLoggerName().equals(logger) && e.getKeyValuePairs() != null
                && e.getKeyValuePairs().stream().anyMatch(kv -> value.equals(String.valueOf(kv.value)));
    }

    /** The console's encoder as logback.xml sets it up, in the text or the JSON format. */
    private static LogEncoder encoder(LoggerContext context, boolean jsonFormat) {
        String before = System.getProperty(FORMAT_PROPERTY);
        System.setProperty(FORMAT_PROPERTY, jsonFormat ? "json" : "text");
        try {
            LogEncoder encoder = new LogEncoder();
            encoder.setContext(context);
            encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{24} - %msg %kvp%n");
            encoder.start();
            return encoder;
        } finally {
            if (before == null) {
                System.clearProperty(FORMAT_PROPERTY);
            } else {
                System.setProperty(FORMAT_PROPERTY, before);
            }
        }
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
        String urlCredential = "url-credential-" + System.nanoTime();
        neverLogged.put("a credential in an endpoint URL's query", urlCredential);
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
            Response gone = server.post("/v1/apps/" + failingApp + "/endpoints", "{\"url\":\"http://127.0.0.1:9/hook?token="
                    + urlCredential + "\",\"retry\":{\"schedule\":[1]}}");
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
            neverLogged.put("a receive token", url.substring(url.lastIndexOf('/') + 1)); // shown to root keys, never logged
            byte[] payload = "{\"event\":\"order.created\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
            String signature = HexSignature.sign(sourceSecret, payload);
            neverLogged.put("an inbound signature", signature); // shown in the source's event log (pullers verify it), never logged
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

            // a customer portal link, used, and one forged from it
            Response portal = server.post("/v1/apps/" + app + "/portal-access", "{\"read_only\":true}");
            reveals(portal, "a portal token", portal.text("/token"));
            String portalToken = portal.text("/token");
            seen(server.call("GET", "/v1/apps/" + app + "/endpoints/" + ep, null, portalToken));
            seen(server.call("PATCH", "/v1/apps/" + app, "{\"name\":\"no\"}", portalToken));
            seen(server.call("GET", "/v1/apps/" + app, null, portalToken.substring(0, portalToken.length() - 4) + "AAAA"));

            // the Svix-compatible API: the secret and the headers to a full key (as Svix), not to a read-only one
            String svixEndpoint = "/api/v1/app/" + app + "/endpoint/" + ep;
            reveals(server.get(svixEndpoint + "/secret"), "a rotated secret", rotated.text("/secret"));
            reveals(server.get(svixEndpoint + "/headers"), "a custom header", customHeader);
            String readOnly = server.post("/v1/api-keys", "{\"name\":\"reader\",\"read_only\":true}").text("/key");
            secrets.put("a read-only key", readOnly);
            seen(server.get(svixEndpoint));
            seen(server.get("/api/v1/app/" + app + "/attempt/msg/" + msg));
            for (String path : new String[] {svixEndpoint, svixEndpoint + "/headers", svixEndpoint + "/secret",
                    "/api/v1/app/" + app + "/msg", "/api/v1/app/" + app + "/attempt/msg/" + msg}) {
                seen(server.call("GET", path, null, readOnly));
                seen(server.call("GET", path, null, portalToken));
            }

            // an endpoint turned off by hand (a state change the operator sees), then the metrics
            seen(server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"enabled\":false}"));
            seen(server.call("GET", "/metrics", null, null));
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
