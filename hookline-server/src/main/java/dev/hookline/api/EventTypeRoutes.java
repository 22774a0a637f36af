package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.outbound.EventType;
import dev.hookline.outbound.EventTypeStore;
import io.helidon.http.Method;
import java.util.Set;

/** {@code /v1/event-types}: the event catalog. Anyone may read it; only root keys change it. */
final class EventTypeRoutes {
    private final EventTypeStore types;

    EventTypeRoutes(EventTypeStore types) {
        this.types = types;
    }

    void register(Router r) {
        r.route(Method.POST, "/v1/event-types", this::create)
                .route(Method.GET, "/v1/event-types", call -> Reply.page(types.list(call.pageOldestFirst(null)), EventTypeRoutes::view))
                .route(Method.GET, "/v1/event-types/{name}", call -> Reply.ok(view(types.get(call.param("name")))))
                .route(Method.PATCH, "/v1/event-types/{name}", this::update)
                .route(Method.DELETE, "/v1/event-types/{name}", call -> {
                    call.requireRoot();
                    types.delete(call.param("name"));
                    return Reply.noContent();
                });
    }

    private Reply create(Call call) {
        call.requireRoot();
        Fields f = call.fields().allowOnly(Set.of("name", "description", "schema", "validate"));
        return Reply.created(view(types.create(f.requiredString("name"), f.string("description", 2000), schema(f),
                Boolean.TRUE.equals(f.bool("validate")))));
    }

    private Reply update(Call call) {
        call.requireRoot();
        Fields f = call.fields().allowOnly(Set.of("description", "schema", "validate"));
        String description = f.present("description") && f.string("description", 2000) == null ? "" : f.string("description", 2000);
        String schema = f.present("schema") && f.raw("schema") == null ? "" : schema(f);
        Boolean validate = f.present("validate") && f.bool("validate") == null ? Boolean.FALSE : f.bool("validate");
        return Reply.ok(view(types.update(call.param("name"), description, schema, validate)));
    }

    private static String schema(Fields f) {
        JsonNode schema = f.raw("schema");
        if (schema == null) {
            return null;
        }
        if (!schema.isObject()) {
            throw new Failure.Invalid("schema", "must be a JSON Schema object");
        }
        return schema.toString();
    }

    static ObjectNode view(EventType t) {
        ObjectNode out = Json.object();
        out.put("name", t.name());
        out.put("description", t.description());
        out.set("schema", t.schema() == null ? null : Json.raw(t.schema().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        out.put("validate", t.validate());
        Json.putTime(out, "created_at", t.createdAt());
        Json.putTime(out, "updated_at", t.updatedAt());
        return out;
    }
}
