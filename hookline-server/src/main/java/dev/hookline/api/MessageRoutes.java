package dev.hookline.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Ids;
import dev.hookline.core.PageRequest;
import dev.hookline.core.Times;
import dev.hookline.delivery.Attempt;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.outbound.App;
import dev.hookline.outbound.DeliveryState;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageFilter;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.NewMessage;
import io.helidon.http.Method;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@code /v1/apps/{app}/messages}: ingest with fan-out, the message log, attempts and resends. */
final class MessageRoutes {
    private static final Set<String> FIELDS = Set.of("event", "data", "id", "channels");

    private final MessageStore messages;
    private final EndpointStore endpoints;
    private final DeliveryQueue queue;
    private final AppAccess access;
    private final Clock clock;

    MessageRoutes(MessageStore messages, EndpointStore endpoints, DeliveryQueue queue, AppAccess access, Clock clock) {
        this.messages = messages;
        this.endpoints = endpoints;
        this.queue = queue;
        this.access = access;
        this.clock = clock;
    }

    void register(Router r) {
        String one = "/v1/apps/{app}/messages/{msg}";
        r.route(Method.POST, "/v1/apps/{app}/messages", this::create)
                .route(Method.GET, "/v1/apps/{app}/messages", call -> {
                    PageRequest page = call.page("msg", MESSAGE_FILTERS);
                    String app = access.app(call).id();
                    var list = messages.list(app, page, filter(call, false));
                    var counts = queue.countsOfMessages(app, list.data().stream().map(Message::id).toList());
                    return Reply.page(list, m -> withCounts(view(m, true), counts.get(m.id())));
                })
                .route(Method.GET, one, this::get)
                .route(Method.GET, one + "/attempts", call -> {
                    PageRequest page = call.page("att", ATTEMPT_FILTERS);
                    App app = access.app(call);
                    Message m = messages.get(app.id(), call.param("msg"));
                    return Reply.page(queue.attempts(app.id(), filter(call, true).withMessage(m.id()), page), MessageRoutes::view);
                })
                .route(Method.GET, "/v1/apps/{app}/attempts", call -> {
                    PageRequest page = call.page("att", ATTEMPT_FILTERS);
                    return Reply.page(queue.attempts(access.app(call).id(), filter(call, true), page), MessageRoutes::view);
                })
                .route(Method.POST, one + "/endpoints/{ep}/resend", this::resend)
                .route(Method.DELETE, one + "/content", call -> {
                    messages.deleteContent(access.app(call).id(), call.param("msg"));
                    return Reply.noContent();
                });
    }

    /** The message list's filters; see {@link MessageFilter}. */
    static final String[] MESSAGE_FILTERS = {"event", "channel", "endpoint", "status", "since", "until"};
    /** The attempt logs' filters: the message list's, and one message. */
    static final String[] ATTEMPT_FILTERS = {"event", "channel", "endpoint", "status", "since", "until", "message"};

    /** Reads the filters from the query; {@code attempts} says whether {@code status} is an attempt's or a delivery's. */
    static MessageFilter filter(Call call, boolean attempts) {
        String status = call.query("status");
        List<String> statuses = attempts ? List.of("succeeded", "failed")
                : List.of(DeliveryState.PENDING, DeliveryState.DELIVERED, DeliveryState.FAILED);
        if (status != null && !statuses.contains(status)) {
            throw new Failure.Invalid("status", "must be one of " + String.join(", ", statuses));
        }
        String endpoint = call.query("endpoint");
        if (endpoint != null && !Ids.isId("ep", endpoint)) {
            throw new Failure.Invalid("endpoint", "is not an endpoint id");
        }
        String message = attempts ? call.query("message") : null;
        if (message != null && !Ids.isId("msg", message)) {
            throw new Failure.Invalid("message", "is not a message id");
        }
        String since = call.query("since");
        String until = call.query("until");
        return new MessageFilter(call.query("event"), call.query("channel"), endpoint, status, message,
                since == null ? null : Times.parse("since", since), until == null ? null : Times.parse("until", until));
    }

    private Reply create(Call call) {
        App app = access.app(call);
        byte[] body = call.bytes();
        Call.requireJsonContentType(call.request());
        NewMessage m = parse(body);
        MessageStore.Ingested ingested = messages.ingest(app, m);
        ObjectNode out = view(ingested.message(), false);
        return ingested.created() ? Reply.accepted(out) : Reply.ok(out);
    }

    private Reply get(Call call) {
        App app = access.app(call);
        Message m = messages.get(app.id(), call.param("msg"));
        ObjectNode out = view(m, true);
        var deliveries = out.putArray("deliveries");
        for (DeliveryState d : messages.deliveries(app.id(), m.id())) {
            deliveries.add(view(d));
        }
        return Reply.ok(out);
    }

    private Reply resend(Call call) {
        App app = access.app(call);
        Message m = messages.get(app.id(), call.param("msg"));
        Endpoint ep = endpoints.get(app.id(), call.param("ep"));
        ep.requireEnabled();
        ep.requirePush();
        if (m.payload() == null) {
            throw new Failure.Conflict("message " + m.id() + " has had its content deleted; there is nothing to resend");
        }
        DeliveryState state = queue.resend(app.id(), m.id(), ep.id(), clock.millis());
        messages.wake();
        return Reply.accepted(view(state));
    }

    /**
     * Reads {@code {event, data, id?, channels?}} in one streaming pass, keeping {@code data} as the
     * exact bytes the producer sent (so {@code payload_format: raw} can forward them unchanged).
     */
    static NewMessage parse(byte[] body) {
        Json.requireUtf8(body); // the byte offsets below are UTF-8 offsets
        ObjectNode others = Json.object();
        byte[] data = null;
        try (JsonParser p = Json.STREAMING.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Json.BadRequest("invalid_json", "the request body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("data") && value == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getByteOffset();
                    data = Arrays.copyOfRange(body, start, end);
                } else {
                    JsonNode node = p.readValueAsTree();
                    others.set(name, node == null ? Json.object().nullNode() : node);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new Json.BadRequest("invalid_json", "the request body must be a single JSON object");
            }
        } catch (IOException e) {
            throw Json.invalid(e);
        }
        Fields f = Fields.of(others).allowOnly(FIELDS);
        String event = f.requiredString("event");
        EventTypeStore.validateName("event", event);
        if (event.equals(NewMessage.TEST_EVENT)) {
            throw new Failure.Invalid("event", "'" + NewMessage.TEST_EVENT + "' is reserved for POST …/endpoints/{ep}/test");
        }
        if (data == null) {
            throw new Failure.Invalid("data", others.has("data") ? "must be a JSON object" : "is required");
        }
        String id = f.string("id", 200);
        if (id != null && id.isBlank()) {
            throw new Failure.Invalid("id", "must not be blank");
        }
        List<String> channels = f.strings("channels", 10);
        return new NewMessage(event, data, id, channels);
    }

    static ObjectNode view(Message m, boolean withData) {
        ObjectNode out = Json.object();
        out.put("id", m.id());
        out.put("event_id", m.eventId());
        out.put("event", m.event());
        if (m.channels() == null) {
            out.putNull("channels");
        } else {
            var arr = out.putArray("channels");
            m.channels().forEach(arr::add);
        }
        Json.putTime(out, "created_at", m.createdAt());
        if (withData) {
            out.set("data", m.payload() == null ? null : Json.raw(m.payload())); // null once retention or a delete erased it
        }
        return out;
    }

    /** A listed message's {@code delivery_counts}: how many of its deliveries are pending, delivered, failed (a page's worth in one query). */
    private static ObjectNode withCounts(ObjectNode message, DeliveryQueue.Counts counts) {
        ObjectNode out = message.putObject("delivery_counts");
        out.put("pending", counts == null ? 0 : counts.pending() + counts.sending());
        out.put("delivered", counts == null ? 0 : counts.delivered());
        out.put("failed", counts == null ? 0 : counts.failed());
        return message;
    }

    static ObjectNode view(DeliveryState d) {
        ObjectNode out = Json.object();
        out.put("id", d.id());
        out.put("message_id", d.messageId());
        out.put("endpoint_id", d.endpointId());
        out.put("status", d.status());
        out.put("attempts", d.attempts());
        boolean pending = DeliveryState.PENDING.equals(d.status());
        // An attempt under way holds a lease: shown as such, not as a due time that has already passed.
        Json.putTime(out, "next_attempt_at", pending && d.leasedUntil() == null ? d.nextAttemptAt() : null);
        Json.putTime(out, "leased_until", pending ? d.leasedUntil() : null);
        Json.putTime(out, "updated_at", d.updatedAt());
        return out;
    }

    static ObjectNode view(Attempt a) {
        ObjectNode out = Json.object();
        out.put("id", a.id());
        out.put("message_id", a.messageId());
        out.put("endpoint_id", a.endpointId());
        out.put("attempt", a.attempt());
        out.put("status", a.succeeded() ? "succeeded" : "failed");
        if (a.statusCode() == null) {
            out.putNull("status_code");
        } else {
            out.put("status_code", a.statusCode());
        }
        out.put("response_body", a.responseBody());
        out.put("duration_ms", a.durationMs());
        out.put("error", a.error());
        Json.putTime(out, "created_at", a.createdAt());
        return out;
    }
}
