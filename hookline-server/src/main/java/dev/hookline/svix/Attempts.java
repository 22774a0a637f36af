package dev.hookline.svix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.AppAccess;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.core.Failure;
import dev.hookline.core.Page;
import dev.hookline.delivery.Attempt;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Svix's message attempts (by endpoint, by message) and resend, over Hookline's attempt log and queue. */
final class Attempts {
    /** Svix's {@code MessageStatus}: what an attempt's {@code status} number means. */
    private static final int SUCCESS = 0;
    private static final int FAIL = 2;

    private final EndpointStore endpoints;
    private final MessageStore messages;
    private final DeliveryQueue queue;
    private final AppAccess access;
    private final Clock clock;

    Attempts(EndpointStore endpoints, MessageStore messages, DeliveryQueue queue, AppAccess access, Clock clock) {
        this.endpoints = endpoints;
        this.messages = messages;
        this.queue = queue;
        this.access = access;
        this.clock = clock;
    }

    void register(SvixApi.Routes r) {
        r.get("/api/v1/app/{app}/attempt/endpoint/{ep}", this::byEndpoint)
                .get("/api/v1/app/{app}/attempt/msg/{msg}", this::byMessage)
                .post("/api/v1/app/{app}/msg/{msg}/endpoint/{ep}/resend", this::resend);
    }

    private Reply byEndpoint(Call call) {
        String app = access.app(call).id();
        Endpoint ep = endpoints.get(app, call.param("ep"));
        StatusFilter status = StatusFilter.of(call.query("status"));
        Page<Attempt> page = status == StatusFilter.NONE ? new Page<>(java.util.List.of(), null)
                : queue.attemptsOfEndpoint(app, ep.id(), status.succeeded(), Wire.page(call));
        return Wire.list(page, a -> view(a, ep.url()));
    }

    /** {@code ?endpoint_id=} and {@code ?status=} narrow each page, so a page may hold fewer than {@code limit}. */
    private Reply byMessage(Call call) {
        String app = access.app(call).id();
        Message m = messages.get(app, call.param("msg"));
        String endpointId = call.query("endpoint_id");
        StatusFilter status = StatusFilter.of(call.query("status"));
        Page<Attempt> page = queue.attemptsOfMessage(app, m.id(), Wire.page(call));
        Map<String, String> urls = new HashMap<>();
        return Wire.list(new Page<>(page.data().stream()
                        .filter(a -> endpointId == null || a.endpointId().equals(endpointId))
                        .filter(status::passes)
                        .toList(), page.next()),
                a -> view(a, urls.computeIfAbsent(a.endpointId(), id -> urlOf(app, id))));
    }

    private String urlOf(String app, String endpointId) {
        try {
            return endpoints.get(app, endpointId).url();
        } catch (Failure.NotFound deleted) {
            return null;
        }
    }

    /**
     * Svix's {@code ?status=} number. A logged attempt has succeeded or failed; it is never pending,
     * sending or canceled, so those numbers match {@link StatusFilter#NONE}.
     */
    private enum StatusFilter {
        ANY, SUCCEEDED, FAILED, NONE;

        static StatusFilter of(String value) {
            if (value == null || value.isEmpty()) {
                return ANY;
            }
            return switch (value) {
                case "0" -> SUCCEEDED;
                case "2" -> FAILED;
                case "1", "3", "4" -> NONE;
                default -> throw new Failure.Invalid("status", "must be 0 (success), 1 (pending), 2 (fail), 3 (sending) or 4 (canceled)");
            };
        }

        /** For {@link DeliveryQueue#attemptsOfEndpoint}: null for any outcome (not asked for NONE). */
        Boolean succeeded() {
            return this == ANY ? null : this == SUCCEEDED;
        }

        boolean passes(Attempt a) {
            return this == ANY || (this != NONE && a.succeeded() == (this == SUCCEEDED));
        }
    }

    /** 202 with {@code {}}, as Svix: the delivery is queued again now. */
    private Reply resend(Call call) {
        String app = access.app(call).id();
        Message m = messages.get(app, call.param("msg"));
        Endpoint ep = endpoints.get(app, call.param("ep"));
        ep.requireEnabled();
        ep.requirePush();
        if (m.payload() == null) {
            throw new Failure.Conflict("message " + m.id() + " has had its content deleted; there is nothing to resend");
        }
        queue.resend(app, m.id(), ep.id(), clock.millis());
        messages.wake();
        return Reply.accepted(Json.object());
    }

    static ObjectNode view(Attempt a, String url) {
        ObjectNode out = Json.object();
        out.put("id", a.id());
        out.put("msgId", a.messageId());
        out.put("endpointId", a.endpointId());
        out.put("url", url);
        out.put("response", a.responseBody() != null ? a.responseBody() : a.error() == null ? "" : a.error());
        out.put("responseStatusCode", a.statusCode() == null ? 0 : a.statusCode());
        out.put("responseDurationMs", a.durationMs());
        out.put("status", a.succeeded() ? SUCCESS : FAIL);
        out.put("statusText", a.succeeded() ? "success" : "fail");
        out.put("triggerType", 0);
        Wire.putTime(out, "timestamp", a.createdAt());
        return out;
    }
}
