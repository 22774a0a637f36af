package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Ids;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code hookline listen --source … --forward-to …}: pulls a source's inbound events from a running
 * Hookline with long-polls (so it needs no inbound port and works behind NAT) and posts each to a local
 * URL with its original headers and exactly its original bytes.
 *
 * <p>The cursor is saved after each event is handled, whatever the local handler answered: a handler
 * that fails is the developer's to fix, and {@code hookline replay} sends the event again. Events that
 * {@code --events} leaves out move the cursor too.
 */
final class Relay {
    /** Seconds each long-poll may wait; well under the client timeout below. */
    static final int WAIT_SECONDS = 25;
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(WAIT_SECONDS + 20);
    /** Headers the JDK client sets itself or refuses, and hop-by-hop ones that describe the first hop only. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    record Options(String sourceId, URI forwardTo, List<String> events, boolean printJson, CursorFile cursor, boolean fromStart) {}

    private final HooklineApi api;
    private final Options options;
    private final Terminal terminal;
    private final HttpClient local = localClient();

    /** HTTP/1.1 only: the JDK's default would add an h2c Upgrade header the sender never sent. */
    static HttpClient localClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Relay(HooklineApi api, Options options, Terminal terminal) {
        this.api = api;
        this.options = options;
        this.terminal = terminal;
    }

    /** Runs until the process is stopped; fails at once if the source cannot be read. */
    int run() throws InterruptedException {
        HooklineApi.Answer first = api.call("GET", "/v1/sources/" + HooklineApi.segment(options.sourceId()), Duration.ofSeconds(30));
        JsonNode source = first.body();
        // --from-start is asked for explicitly, so it wins over a cursor saved by an earlier run.
        String cursor = options.fromStart() ? null : options.cursor().read().orElseGet(() -> startingNow(first.date()));
        if (!options.printJson()) {
            terminal.out.println("Ready: " + (options.forwardTo() == null ? "showing" : "forwarding") + " events of "
                    + source.path("name").asText() + " (" + options.sourceId() + ")"
                    + (options.forwardTo() == null ? "" : " to " + options.forwardTo())
                    + (options.events().isEmpty() ? "" : ", only " + String.join(", ", options.events()))
                    + ". Ctrl-C to stop.");
            terminal.out.flush();
        }
        int failures = 0;
        while (true) {
            HooklineApi.Answer page;
            try {
                page = api.call("GET", "/v1/sources/" + HooklineApi.segment(options.sourceId()) + "/events?limit=100&wait="
                        + WAIT_SECONDS + "&body_encoding=base64" + (cursor == null ? "" : "&after=" + HooklineApi.segment(cursor)),
                        POLL_TIMEOUT);
                failures = 0;
            } catch (CliFailure.Api e) {
                if (e.status / 100 == 4) {
                    throw e; // the source is gone or the key was revoked: retrying will not help
                }
                long delay = Math.min(10, 1L << Math.min(failures++, 4));
                terminal.out.println(terminal.paint(Terminal.YELLOW, "lost " + api.base() + ": " + e.getMessage() + "; retrying in " + delay + " s"));
                Thread.sleep(Duration.ofSeconds(delay)); // a back-off between reconnects, not synchronisation
                continue;
            }
            for (JsonNode event : page.body().path("data")) {
                handle(source, event);
                cursor = event.get("id").asText();
                options.cursor().write(cursor);
            }
            JsonNode next = page.body().path("next");
            if (next.isTextual() && !next.asText().equals(cursor)) {
                cursor = next.asText();
                options.cursor().write(cursor);
            }
        }
    }

    /** The bytes of an event fetched with {@code body_encoding=base64}. */
    static byte[] body(JsonNode event) {
        return Base64.getDecoder().decode(event.path("body").asText(""));
    }

    static Map<String, String> headers(JsonNode event) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        event.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        return headers;
    }

    /**
     * A cursor past every event the source holds now. The server's Date header only has whole seconds, so
     * the cursor starts there and then moves past the events already stored within that second.
     */
    private String startingNow(String date) {
        long millis = date == null ? System.currentTimeMillis()
                : ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        String cursor = Ids.floor("evt", millis);
        while (true) {
            JsonNode events = api.call("GET", "/v1/sources/" + HooklineApi.segment(options.sourceId()) + "/events?limit=100&after="
                    + HooklineApi.segment(cursor), Duration.ofSeconds(30)).body().path("data");
            if (events.isEmpty()) {
                return cursor;
            }
            cursor = events.get(events.size() - 1).get("id").asText();
            if (events.size() < 100) {
                return cursor;
            }
        }
    }

    private void handle(JsonNode source, JsonNode event) {
        byte[] body = body(event);
        Map<String, String> headers = headers(event);
        String name = eventName(source, headers, body);
        if (!options.events().isEmpty() && (name == null || options.events().stream().noneMatch(pattern -> matches(pattern, name)))) {
            return;
        }
        Forwarded result = options.forwardTo() == null ? null : forward(local, options.forwardTo(), headers, body);
        if (options.printJson()) {
            ObjectNode line = HooklineApi.object();
            line.put("id", event.path("id").asText());
            line.put("received_at", event.path("received_at").asText());
            line.put("event", name);
            line.set("headers", event.path("headers"));
            putBody(line, body);
            if (result != null) {
                ObjectNode f = line.putObject("forwarded");
                f.put("url", options.forwardTo().toString());
                f.put("status", result.status());
                f.put("duration_ms", result.millis());
                f.put("error", result.error());
            }
            terminal.out.println(line);
        } else {
            String when = TIME.format(Instant.parse(event.path("received_at").asText()).atZone(ZoneId.systemDefault()));
            StringBuilder line = new StringBuilder(when).append("  ").append(event.path("id").asText()).append("  ").append(name == null ? "-" : name);
            if (result != null) {
                line.append("  → ").append(terminal.status(result.status())).append("  ").append(result.millis()).append(" ms");
                if (result.error() != null) {
                    line.append("  ").append(terminal.paint(Terminal.RED, result.error()));
                }
            }
            terminal.out.println(line);
        }
        terminal.out.flush();
    }

    record Forwarded(int status, long millis, String error) {}

    /** Posts {@code body} to {@code url} with the event's headers (less those that describe the first hop). */
    static Forwarded forward(HttpClient local, URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                b.header(name, value);
            }
        });
        long start = System.nanoTime();
        try {
            HttpResponse<Void> r = local.send(b.build(), HttpResponse.BodyHandlers.discarding());
            return new Forwarded(r.statusCode(), (System.nanoTime() - start) / 1_000_000, null);
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused (is your server running?)" : e.toString();
            return new Forwarded(0, (System.nanoTime() - start) / 1_000_000, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Forwarded(0, 0, "interrupted");
        }
    }

    /**
     * The event's name, for the line shown and for {@code --events}: where the source's forwarding
     * takes it from (a header or a JSON path), else a top-level {@code type} or {@code event} field,
     * else a header named like {@code X-GitHub-Event}.
     */
    static String eventName(JsonNode source, Map<String, String> headers, byte[] body) {
        JsonNode rule = source.path("forward").path("event");
        if (rule.has("header") && headers.containsKey(rule.get("header").asText())) {
            return headers.get(rule.get("header").asText());
        }
        JsonNode json = parse(body);
        if (rule.has("path")) {
            JsonNode value = json.at("/" + rule.get("path").asText().replace(".", "/"));
            if (value.isValueNode()) {
                return value.asText();
            }
        }
        for (String field : List.of("type", "event")) {
            if (json.path(field).isTextual()) {
                return json.get(field).asText();
            }
        }
        return headers.entrySet().stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).endsWith("-event"))
                .map(Map.Entry::getValue).findFirst()
                .orElse(rule.path("name").isTextual() ? rule.get("name").asText() : null);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = HooklineApi.JSON.readTree(body);
            return node == null ? HooklineApi.object() : node;
        } catch (IOException notJson) {
            return HooklineApi.object();
        }
    }

    /** {@code invoice.*} matches {@code invoice.paid}; {@code *} matches everything. */
    static boolean matches(String pattern, String name) {
        if (pattern.equals("*")) {
            return true;
        }
        return pattern.endsWith(".*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(name);
    }

    static void putBody(ObjectNode out, byte[] body) {
        try {
            out.put("body", StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString());
            out.put("body_encoding", "text");
        } catch (CharacterCodingException notText) {
            out.put("body", Base64.getEncoder().encodeToString(body));
            out.put("body_encoding", "base64");
        }
    }
}
