package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import java.util.Map;
import java.util.function.Function;

/** What a handler answers: a status and a JSON body (or none). */
public record Reply(int status, JsonNode body, Map<String, String> headers) {
    Reply(int status, JsonNode body) {
        this(status, body, Map.of());
    }

    public static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    public static Reply created(JsonNode body) {
        return new Reply(201, body);
    }

    public static Reply accepted(JsonNode body) {
        return new Reply(202, body);
    }

    public static Reply noContent() {
        return new Reply(204, null);
    }

    /** The error body every failure shares: {@code {"error": {"code", "message"}}}. */
    public static Reply error(int status, String code, String message) {
        var out = Json.object();
        var error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return new Reply(status, out);
    }

    public Reply withHeader(String name, String value) {
        var all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return new Reply(status, body, Map.copyOf(all));
    }

    static <T> Reply page(Page<T> page, Function<T, JsonNode> view) {
        var out = Json.object();
        var data = out.putArray("data");
        page.data().forEach(item -> data.add(view.apply(item)));
        out.put("next", page.next());
        return ok(out);
    }

    /**
     * A page of a log a poller follows ({@code ?after=&wait=}): even an empty page gives a cursor to
     * continue from, so a poller never re-reads what it has seen.
     */
    static <T> Reply log(Page<T> page, PageRequest asked, Function<T, String> id, Function<T, JsonNode> view) {
        com.fasterxml.jackson.databind.node.ObjectNode out = (com.fasterxml.jackson.databind.node.ObjectNode) page(page, view).body();
        if (page.data().isEmpty() && asked.after() != null) {
            out.put("next", asked.after());
        } else if (!page.data().isEmpty() && page.next() == null) {
            out.put("next", id.apply(page.data().getLast()));
        }
        return ok(out);
    }
}
