package dev.hookline.svix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.api.Router;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.core.Times;
import java.util.function.Function;

/**
 * Svix's wire conventions, in one place: its error bodies, its {@code ListResponse} pages, its
 * {@code limit}/{@code iterator} query and its camelCase bodies.
 *
 * <p>Failures are the domain's own ({@link Failure}); only their JSON shape changes here, so the
 * status of every error is decided once, in {@link Router#failure}.
 */
final class Wire {
    private Wire() {}

    /** Runs a handler and answers its failures in Svix's shape: {@code {code, detail}}, or 422's {@code detail[]}. */
    static Reply run(Call call, Router.Action action) {
        try {
            return action.handle(call);
        } catch (RuntimeException e) {
            return svixError(Router.failure(e, call.request()));
        }
    }

    /** Hookline's {@code {"error": {code, message}}} as Svix's body, keeping the status and headers. */
    static Reply svixError(Reply hookline) {
        JsonNode error = hookline.body() == null ? null : hookline.body().get("error");
        if (error == null) {
            return hookline;
        }
        String message = error.path("message").asText();
        ObjectNode out = Json.object();
        if (hookline.status() == 422) {
            // Svix answers validation errors as FastAPI does: where the bad value was and why.
            int colon = message.indexOf(": ");
            ObjectNode item = out.putArray("detail").addObject();
            var loc = item.putArray("loc");
            loc.add("body");
            if (colon > 0) {
                loc.add(message.substring(0, colon));
            }
            item.put("msg", colon > 0 ? message.substring(colon + 2) : message);
            item.put("type", "value_error");
        } else {
            out.put("code", error.path("code").asText());
            out.put("detail", message);
        }
        return new Reply(hookline.status(), out, hookline.headers());
    }

    /** Svix's {@code ?limit=&iterator=}; any other query parameter is left to the handler or ignored, as Svix does. */
    static PageRequest page(Call call) {
        String limit = call.query("limit");
        int n = PageRequest.DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                throw new Failure.Invalid("limit", "must be a whole number");
            }
        }
        String iterator = call.query("iterator");
        return new PageRequest(n, iterator == null || iterator.isEmpty() ? null : iterator);
    }

    /** A {@code ListResponse}: {@code data}, {@code iterator} (the next page's), {@code prevIterator}, {@code done}. */
    static <T> Reply list(Page<T> page, Function<T, JsonNode> view) {
        ObjectNode out = Json.object();
        var data = out.putArray("data");
        page.data().forEach(item -> data.add(view.apply(item)));
        out.put("iterator", page.next());
        out.putNull("prevIterator");
        out.put("done", page.next() == null);
        return Reply.ok(out);
    }

    /** The body as a JSON object; an empty body is an empty object. */
    static Fields body(Call call) {
        byte[] raw = call.bytes();
        if (raw.length == 0) {
            return Fields.of(Json.object());
        }
        Call.requireJsonContentType(call.request());
        JsonNode node = Json.parse(raw);
        if (!node.isObject()) {
            throw new Failure.Invalid(null, "the request body must be a JSON object");
        }
        return Fields.of(node);
    }

    /** A time in the query ({@code ?since=2026-11-01T00:00:00Z}) as epoch milliseconds; null when absent or empty. */
    static Long time(Call call, String name) {
        String v = call.query(name);
        return v == null || v.isEmpty() ? null : Times.parse(name, v);
    }

    static void putTime(ObjectNode out, String field, long epochMillis) {
        out.put(field, Times.format(epochMillis));
    }

    /**
     * A field Svix offers and Hookline does not: refused by name rather than silently dropped. The
     * SDKs send {@code null} or an empty value for what the caller left unset, and those pass.
     */
    static void refuse(Fields f, String field, String why) {
        JsonNode v = f.raw(field);
        if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
            throw new Failure.Invalid(field, why);
        }
    }
}
