package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hookline.signature.SignatureScheme;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * {@code hookline listen --port 9000 --secret whsec_…}: a receiver on this machine that verifies each
 * delivery with {@code hookline-signature} and prints it: a 2xx for a good signature, a 401 and a red
 * mark for a bad one (so Hookline's retries and attempt log show the failure too).
 */
final class LocalReceiver {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    record Options(String host, int port, String secret, SignatureScheme scheme, String header, boolean printJson) {}

    private final Options options;
    private final Terminal terminal;

    LocalReceiver(Options options, Terminal terminal) {
        this.options = options;
        this.terminal = terminal;
    }

    /** Serves until the process is stopped. */
    int run() throws IOException, InterruptedException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        } catch (java.net.BindException e) {
            throw new CliFailure("port " + options.port() + " is in use; pick another with --port");
        }
        // one request at a time keeps each printed block whole
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/", this::receive);
        server.start();
        if (!options.printJson()) {
            terminal.out.println("Ready: receiving on http://" + options.host() + ":" + server.getAddress().getPort() + "/"
                    + (options.secret() == null ? " (no --secret: signatures are not checked)"
                    : ", verifying " + (options.scheme() == null ? "with any scheme" : options.scheme().wireName() + " signatures"))
                    + ". Ctrl-C to stop.");
            terminal.out.flush();
        }
        new java.util.concurrent.CountDownLatch(1).await();
        return 0;
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        SignatureCheck.Verdict verdict = options.secret() == null ? null : verdict(headers, body);
        boolean ok = verdict == null || verdict instanceof SignatureCheck.Valid;
        String event = Relay.eventName(HooklineApi.object(), headers, body);
        if (options.printJson()) {
            ObjectNode line = HooklineApi.object();
            line.put("method", exchange.getRequestMethod());
            line.put("path", exchange.getRequestURI().toString());
            line.put("event", event);
            ObjectNode h = line.putObject("headers");
            headers.forEach(h::put);
            Relay.putBody(line, body);
            if (verdict != null) {
                ObjectNode v = line.putObject("signature");
                v.put("valid", ok);
                v.put("scheme", verdict.scheme().wireName());
                switch (verdict) {
                    case SignatureCheck.Valid valid -> v.put("timing", valid.timing());
                    case SignatureCheck.Invalid invalid -> v.put("reason", invalid.reason());
                }
            }
            terminal.out.println(line);
        } else {
            StringBuilder line = new StringBuilder(TIME.format(LocalTime.now())).append("  ").append(exchange.getRequestMethod())
                    .append(' ').append(exchange.getRequestURI()).append("  ").append(event).append("  ")
                    .append(headers.getOrDefault("webhook-id", ""));
            switch (verdict) {
                case null -> { }
                case SignatureCheck.Valid v -> line.append("  ").append(terminal.paint(Terminal.GREEN, "✓ " + v.scheme().wireName()
                        + " signature")).append(v.timing() == null ? "" : terminal.paint(Terminal.YELLOW, " (" + v.timing() + ")"));
                case SignatureCheck.Invalid v -> line.append("  ").append(terminal.paint(Terminal.RED, "✗ bad signature: " + v.reason()));
            }
            terminal.out.println(line);
            terminal.out.println(indent(pretty(body)));
        }
        terminal.out.flush();
        byte[] reply = (ok ? "{\"ok\":true}" : "{\"ok\":false}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(ok ? 200 : 401, reply.length);
        exchange.getResponseBody().write(reply);
        exchange.close();
    }

    /** With {@code --scheme}, that scheme's verdict; without, the first that matches, or the standard one's failure. */
    private SignatureCheck.Verdict verdict(Map<String, String> headers, byte[] body) {
        if (options.scheme() != null) {
            return SignatureCheck.verify(options.scheme(), options.secret(), options.header(), headers, body);
        }
        List<SignatureCheck.Verdict> all = SignatureCheck.verifyAll(options.secret(), options.header(), headers, body);
        return all.stream().filter(v -> v instanceof SignatureCheck.Valid).findFirst().orElse(all.getFirst());
    }

    private static String pretty(byte[] body) {
        try {
            JsonNode json = HooklineApi.JSON.readTree(body);
            if (json != null) {
                return json.toPrettyString();
            }
        } catch (IOException notJson) {
            // shown as text below
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }
}
