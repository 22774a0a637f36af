package dev.hookline.svix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.outbound.EventType;
import dev.hookline.outbound.EventTypeStore;
import java.util.Set;

/**
 * {@code /api/v1/event-type}: Hookline's event types. Svix versions a type's schemas
 * ({@code {"1": {...}}}); Hookline keeps one schema, shown and taken as version {@code "1"}.
 */
final class EventTypes {
    private static final Set<String> FIELDS = Set.of("name", "description", "schemas", "archived", "deprecated",
            "featureFlag", "featureFlags", "groupName");

    private final EventTypeStore types;

    EventTypes(EventTypeStore types) {
        this.types = types;
    }

    void register(SvixApi.Routes r) {
        r.post("/api/v1/event-type", this::create)
                .get("/api/v1/event-type", call -> Wire.list(types.list(Wire.page(call)), EventTypes::view))
                .get("/api/v1/event-type/{name}", call -> Reply.ok(view(types.get(call.param("name")))))
                .put("/api/v1/event-type/{name}", this::update)
                .patch("/api/v1/event-type/{name}", this::update)
                .delete("/api/v1/event-type/{name}", call -> {
                    call.requireRoot();
                    types.delete(call.param("name"));
                    return Reply.noContent();
                });
    }

    private Reply create(Call call) {
        call.requireRoot();
        Fields f = read(call);
        return Reply.created(view(types.create(f.requiredString("name"), f.string("description", 2000), schema(f))));
    }

    private Reply update(Call call) {
        call.requireRoot();
        Fields f = read(call);
        return Reply.ok(view(types.update(call.param("name"), f.string("description", 2000), schema(f))));
    }

    private static Fields read(Call call) {
        Fields f = Wire.body(call).allowOnly(FIELDS);
        if (Boolean.TRUE.equals(f.bool("archived")) || Boolean.TRUE.equals(f.bool("deprecated"))) {
            throw new Failure.Invalid("archived", "archiving and deprecating event types are not offered; delete the type instead");
        }
        Wire.refuse(f, "featureFlag", "feature flags are not offered");
        Wire.refuse(f, "featureFlags", "feature flags are not offered");
        Wire.refuse(f, "groupName", "event type groups are not offered");
        return f;
    }

    /** Svix's {@code schemas} as Hookline's one schema: version "1", the only one it may hold. */
    private static String schema(Fields f) {
        JsonNode schemas = f.raw("schemas");
        if (schemas == null || schemas.isEmpty()) {
            return null;
        }
        if (!schemas.isObject() || schemas.size() != 1 || !schemas.has("1") || !schemas.get("1").isObject()) {
            throw new Failure.Invalid("schemas", "Hookline keeps one schema per event type: give it as {\"1\": {...}}");
        }
        return schemas.get("1").toString();
    }

    static ObjectNode view(EventType t) {
        ObjectNode out = Json.object();
        out.put("name", t.name());
        out.put("description", t.description() == null ? "" : t.description());
        if (t.schema() == null) {
            out.putNull("schemas");
        } else {
            out.putObject("schemas").set("1", Json.raw(t.schema().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        out.put("archived", false);
        out.put("deprecated", false);
        out.putNull("featureFlags");
        out.putNull("groupName");
        Wire.putTime(out, "createdAt", t.createdAt());
        Wire.putTime(out, "updatedAt", t.updatedAt());
        return out;
    }
}
