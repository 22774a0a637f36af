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
 * {@code hookline listen --forward-to …}: pulls a source's inbound events, or an endpoint's
 * deliveries, from a running Hookline with long-polls (so it needs no inbound port and works behind
 * NAT) and posts each to a local URL with exactly the headers and bytes of the original: what the
 * sender posted to the source, or what Hookline signs for the endpoint ({@link Feed}).
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

    record Options(Feed feed, URI forwardTo, List<String> events, boolean printJson, CursorFile cursor, boolean fromStart) {}

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

    /** Runs until the process is stopped; fails at once if the source or endpoint cannot be read. */
    int run() throws InterruptedException {
        Feed feed = options.feed();
        HooklineApi.Answer first = api.call("GET", feed.resourcePath(), Duration.ofSeconds(30));
        JsonNode resource = first.body();
        // --from-start is asked for explicitly, so it wins over a cursor saved by an earlier run.
        String cursor = options.fromStart() ? null : options.cursor().read().orElseGet(() -> startingNow(feed, first.date()));
        if (!options.printJson()) {
            terminal.out.println("Ready: " + (options.forwardTo() == null ? "showing" : "forwarding") + " " + feed.describe(resource)
                    + (options.forwardTo() == null ? "" : " to " + options.forwardTo())
                    + (options.events().isEmpty() ? "" : ", only " + String.join(", ", options.events()))
                    + ". Ctrl-C to stop.");
            terminal.out.flush();
        }
        int failures = 0;
        while (true) {
            HooklineApi.Answer page;
            try {
                page = api.call("GET", logPage(feed, 100, WAIT_SECONDS, cursor), POLL_TIMEOUT);
                failures = 0;
            } catch (CliFailure.Api e) {
                if (e.status / 100 == 4) {
                    throw e; // the source or endpoint is gone or the key was revoked: retrying will not help
                }
                long delay = Math.min(10, 1L << Math.min(failures++, 4));
                terminal.out.println(terminal.paint(Terminal.YELLOW, "lost " + api.base() + ": " + e.getMessage() + "; retrying in " + delay + " s"));
                Thread.sleep(Duration.ofSeconds(delay)); // a back-off between reconnects, not synchronisation
                continue;
            }
            for (JsonNode item : page.body().path("data")) {
                handle(resource, item);
                cursor = item.get("id").asText();
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
     * A cursor past every item the log holds now. The server's Date header only has whole seconds, so
     * the cursor starts there and then moves past the items already stored within that second (for a
     * pull endpoint, reading those counts as pulling them: they are passed over as pulled).
     */
    private String startingNow(Feed feed, String date) {
        long millis = date == null ? System.currentTimeMillis()
                : ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        String cursor = Ids.floor(feed.idPrefix(), millis);
        while (true) {
            JsonNode items = api.call("GET", logPage(feed, 100, 0, cursor), Duration.ofSeconds(30)).body().path("data");
            if (items.isEmpty()) {
                return cursor;
            }
            cursor = items.get(items.size() - 1).get("id").asText();
            if (items.size() < 100) {
                return cursor;
            }
        }
    }

    /** The log's page after {@code cursor} (null: from its start), held up to {@code waitSeconds} when empty. */
    private static String logPage(Feed feed, int limit, int waitSeconds, String cursor) {
        return feed.logPath() + (feed.logPath().endsWith("?") ? "" : "&") + "limit=" + limit
                + (waitSeconds > 0 ? "&wait=" + waitSeconds : "") + (cursor == null ? "" : "&after=" + HooklineApi.segment(cursor));
    }

    private void handle(JsonNode resource, JsonNode item) {
        Feed.Request request = options.feed().request(item);
        if (request == null) {
            return; // nothing to post: the message's content was deleted
        }
        byte[] body = request.body();
        String name = options.feed().eventName(resource, item, request);
        if (!options.events().isEmpty() && options.events().stream().noneMatch(pattern -> matches(pattern, name))) {
            return;
        }
        Forwarded result = options.forwardTo() == null ? null : forward(local, options.forwardTo(), request.headers(), body);
        String time = options.feed().time(item);
        if (options.printJson()) {
            ObjectNode line = HooklineApi.object();
            line.put("id", item.path("id").asText());
            line.put(options.feed() instanceof Feed.SourceEvents ? "received_at" : "created_at", time);
            if (item.hasNonNull("message_id")) {
                line.put("message_id", item.get("message_id").asText());
            }
            line.put("event", name);
            line.set("headers", request.headersJson());
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
            String when = TIME.format(Instant.parse(time).atZone(ZoneId.systemDefault()));
            StringBuilder line = new StringBuilder(when).append("  ").append(item.path("id").asText()).append("  ").append(name == null ? "-" : name);
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
