package dev.hookline.svix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.AppAccess;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Page;
import dev.hookline.outbound.App;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageFilter;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.NewMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/app/{app}/msg}: Svix's {@code eventType} and {@code payload} are a Hookline message's
 * event and data; its {@code eventId} is Hookline's event id, with Svix's answer to a repeat: 409.
 */
final class Messages {
    private static final Set<String> FIELDS = Set.of("eventType", "payload", "eventId", "channels", "application", "tags",
            "payloadRetentionPeriod", "payloadRetentionHours", "deliverAt", "transformationsParams");

    private final MessageStore messages;
    private final Applications applications;
    private final AppAccess access;

    Messages(MessageStore messages, Applications applications, AppAccess access) {
        this.messages = messages;
        this.applications = applications;
        this.access = access;
    }

    void register(SvixApi.Routes r) {
        r.post("/api/v1/app/{app}/msg", this::create)
                .get("/api/v1/app/{app}/msg", this::list)
                .get("/api/v1/app/{app}/msg/{msg}", call ->
                        Reply.ok(view(messages.get(access.app(call).id(), call.param("msg")), withContent(call))))
                .delete("/api/v1/app/{app}/msg/{msg}/content", call -> {
                    messages.deleteContent(access.app(call).id(), call.param("msg"));
                    return Reply.noContent();
                });
    }

    /**
     * One event type filters in the store; several, {@code channel}, {@code before} and {@code after}
     * narrow each page, so a page may hold fewer than {@code limit} (Svix's SDKs page on {@code done}).
     */
    private Reply list(Call call) {
        boolean content = withContent(call);
        String types = call.query("event_types");
        Set<String> eventTypes = types == null || types.isEmpty() ? Set.of() : Set.of(types.split(","));
        String channel = call.query("channel");
        Long before = Wire.time(call, "before");
        Long after = Wire.time(call, "after");
        Page<Message> page = messages.list(access.app(call).id(), Wire.page(call), new MessageFilter(
                eventTypes.size() == 1 ? eventTypes.iterator().next() : null, null, null, null, null, null, null));
        return Wire.list(new Page<>(page.data().stream()
                .filter(m -> eventTypes.isEmpty() || eventTypes.contains(m.event()))
                .filter(m -> channel == null || (m.channels() != null && m.channels().contains(channel)))
                .filter(m -> before == null || m.createdAt() < before)
                .filter(m -> after == null || m.createdAt() > after)
                .toList(), page.next()), m -> view(m, content));
    }

    private static boolean withContent(Call call) {
        return !"false".equals(call.query("with_content"));
    }

    private Reply create(Call call) {
        Fields f = Wire.body(call).allowOnly(FIELDS);
        App app = applications.ofPath(call, f.object("application"));
        Wire.refuse(f, "deliverAt", "scheduled delivery is not offered; send the message when it is due");
        // tags and payload retention are accepted and not kept: Hookline's retention is set server-wide.
        String eventType = f.requiredString("eventType");
        EventTypeStore.validateName("eventType", eventType);
        if (eventType.equals(NewMessage.TEST_EVENT)) {
            throw new Failure.Invalid("eventType", "'" + NewMessage.TEST_EVENT + "' is reserved for Hookline's endpoint test");
        }
        byte[] data = payload(f);
        String eventId = f.string("eventId", 256);
        List<String> channels = f.strings("channels", 10);
        MessageStore.Ingested ingested = messages.ingest(app,
                new NewMessage(eventType, data, eventId, channels == null || channels.isEmpty() ? null : channels));
        if (!ingested.created()) {
            throw new Failure.Conflict("a message with eventId '" + eventId + "' already exists: " + ingested.message().id());
        }
        return Reply.accepted(view(ingested.message(), withContent(call)));
    }

    /**
     * The payload's bytes. Svix's SDKs send it either as {@code payload}, or — the Java SDK always,
     * the others for a pre-serialized payload — as the string {@code transformationsParams.rawPayload}
     * beside an empty {@code payload}; then those exact bytes are what endpoints receive.
     */
    private static byte[] payload(Fields f) {
        Fields params = f.object("transformationsParams");
        if (params != null) {
            params.allowOnly(Set.of("rawPayload", "headers"));
            String raw = params.string("rawPayload");
            if (raw != null) {
                byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
                JsonNode parsed;
                try {
                    parsed = Json.MAPPER.readTree(bytes);
                } catch (java.io.IOException e) {
                    parsed = null;
                }
                if (parsed == null || !parsed.isObject()) {
                    throw new Failure.Invalid("transformationsParams.rawPayload", "must be a JSON object, as text");
                }
                return bytes;
            }
        }
        JsonNode payload = f.raw("payload");
        if (payload == null || !payload.isObject()) {
            throw new Failure.Invalid("payload", payload == null ? "is required" : "must be a JSON object");
        }
        try {
            return Json.MAPPER.writeValueAsBytes(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode view(Message m, boolean withContent) {
        ObjectNode out = Json.object();
        out.put("id", m.id());
        out.put("eventId", m.eventId());
        out.put("eventType", m.event());
        if (withContent && m.payload() != null) {
            out.set("payload", Json.raw(m.payload()));
        } else {
            out.putObject("payload"); // Svix's payload is always an object; {} once the content is gone or not asked for
        }
        Endpoints.putList(out, "channels", m.channels());
        Wire.putTime(out, "timestamp", m.createdAt());
        return out;
    }
}
