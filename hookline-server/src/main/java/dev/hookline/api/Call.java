package dev.hookline.api;

import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Ids;
import dev.hookline.core.JsonPaths;
import dev.hookline.core.PageRequest;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/** One API request as a handler sees it: who calls, the path and query, and the body. */
public final class Call {
    /** The largest request body the management API reads. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final ServerRequest request;
    private final Principal principal;
    private byte[] body;

    Call(ServerRequest request, Principal principal) {
        this.request = request;
        this.principal = principal;
    }

    public Principal principal() {
        return principal;
    }

    public ServerRequest request() {
        return request;
    }

    public void requireRoot() {
        if (!principal.isRoot()) {
            throw new Failure.Forbidden("this call needs a root API key; the key in use is scoped to one app");
        }
    }

    public String param(String name) {
        return withoutNul(name, request.path().pathParameters().get(name));
    }

    public String query(String name) {
        var q = request.query();
        return q.contains(name) ? withoutNul(name, q.get(name)) : null;
    }

    /** A decoded {@code %00} would reach the database, and PostgreSQL text cannot hold it (a 500 there). */
    private static String withoutNul(String name, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw new Failure.Invalid(name, "must not contain the NUL character");
        }
        return value;
    }

    /**
     * The page a list call asks for: {@code limit}, {@code after} (a cursor this list gave: an id
     * with {@code idPrefix}; null for a list by name, whose cursor is a name), {@code order} ({@code oldest} or {@code newest}), and the list's own
     * {@code filters}. Any other query parameter, or a cursor that is not one of this list's ids, is a
     * 422, as an unknown body field is: a misspelt filter must not silently return everything.
     */
    PageRequest page(String idPrefix, String... filters) {
        return page(true, idPrefix, filters);
    }

    /** The most a long-poll ({@code ?wait=}) may be held. */
    static final int MAX_WAIT_SECONDS = 60;

    /** {@code ?wait=N}: how long a long-poll may hold an empty answer (0 when absent). */
    java.time.Duration waitParameter() {
        String wait = query("wait");
        if (wait == null) {
            return java.time.Duration.ZERO;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(wait);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
            throw new Failure.Invalid("wait", "must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS);
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    /** {@link #page(String, String...)} for a list read only oldest first (a log a poller follows). */
    PageRequest pageOldestFirst(String idPrefix, String... filters) {
        return page(false, idPrefix, filters);
    }

    private PageRequest page(boolean ordered, String idPrefix, String... filters) {
        java.util.Set<String> allowed = new java.util.TreeSet<>(java.util.List.of(filters));
        allowed.add("limit");
        allowed.add("after");
        if (ordered) {
            allowed.add("order");
        }
        for (String name : request.query().names()) {
            if (!allowed.contains(name)) {
                throw new Failure.Invalid(name, "is not a query parameter of this list; it takes " + String.join(", ", allowed));
            }
        }
        String limit = query("limit");
        int n = PageRequest.DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw new Failure.Invalid("limit", "must be a whole number");
            }
        }
        String after = query("after");
        if (after != null && !after.isEmpty() && idPrefix != null && !Ids.isId(idPrefix, after)) {
            throw new Failure.Invalid("after", "is not a cursor of this list: pass the 'next' of the previous page");
        }
        String order = query("order");
        if (order != null && !order.equals("oldest") && !order.equals("newest")) {
            throw new Failure.Invalid("order", "must be 'oldest' or 'newest'");
        }
        return new PageRequest(n, after == null || after.isEmpty() ? null : after, "newest".equals(order));
    }

    /** The raw body, at most {@link #MAX_BODY_BYTES} (413 beyond). */
    public byte[] bytes() {
        if (body == null) {
            body = readBody(request, MAX_BODY_BYTES);
        }
        return body;
    }

    /** The body as a JSON object, or an empty object when there is no body. */
    Fields fields() {
        byte[] raw = bytes();
        if (raw.length == 0) {
            return Fields.of(Json.object());
        }
        requireJsonContentType(request);
        var node = Json.parse(raw);
        if (!node.isObject()) {
            throw new Json.BadRequest("invalid_json", "the request body must be a JSON object");
        }
        return Fields.of(node);
    }

    public static void requireJsonContentType(ServerRequest request) {
        String type = request.headers().value(HeaderNames.CONTENT_TYPE).orElse("");
        if (!JsonPaths.isJsonMediaType(type)) {
            throw new Json.BadRequest(415, "unsupported_media_type",
                    "send the body as Content-Type: application/json" + (type.isEmpty() ? "" : " (got '" + type + "')"));
        }
    }

    static byte[] readBody(ServerRequest request, int limit) {
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared > limit) {
            throw tooLarge(limit);
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge(limit);
            }
            return bytes;
        } catch (IOException e) {
            throw new Json.BadRequest("unreadable_body", "the request body could not be read");
        }
    }

    private static Json.BadRequest tooLarge(int limit) {
        return new Json.BadRequest(413, "payload_too_large", "the request body is larger than " + limit + " bytes");
    }
}
