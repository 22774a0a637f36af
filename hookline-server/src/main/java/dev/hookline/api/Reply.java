package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.core.Page;
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
}
