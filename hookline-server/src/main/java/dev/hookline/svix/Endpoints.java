package dev.hookline.svix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.AppAccess;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Ids;
import dev.hookline.core.Times;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/app/{app}/endpoint}: Svix's endpoints are Hookline's, configured to deliver as Svix
 * does — the producer's payload as it was sent ({@code payload_format: raw}), signed with the
 * Standard Webhooks scheme under Svix's header names ({@code svix-id}, {@code svix-timestamp},
 * {@code svix-signature}) — so a receiver's {@code Webhook.verify} from Svix's libraries keeps working.
 */
final class Endpoints {
    /** Svix 1.x's and 2.x's names: 2.x renamed {@code filterTypes} to {@code eventTypes} and {@code rateLimit} to {@code throttleRate}. */
    private static final Set<String> FIELDS = Set.of("url", "version", "description", "filterTypes", "eventTypes", "channels",
            "disabled", "rateLimit", "throttleRate", "secret", "uid", "metadata", "headers");

    private final EndpointStore endpoints;
    private final MessageStore messages;
    private final DeliveryQueue queue;
    private final AppAccess access;
    private final EndpointStore.Updated onUpdate;
    private final Runnable afterUpdate;
    private final Clock clock;

    Endpoints(EndpointStore endpoints, MessageStore messages, DeliveryQueue queue, AppAccess access,
              EndpointStore.Updated onUpdate, Runnable afterUpdate, Clock clock) {
        this.endpoints = endpoints;
        this.messages = messages;
        this.queue = queue;
        this.access = access;
        this.onUpdate = onUpdate;
        this.afterUpdate = afterUpdate;
        this.clock = clock;
    }

    void register(SvixApi.Routes r) {
        String base = "/api/v1/app/{app}/endpoint";
        String one = base + "/{ep}";
        r.post(base, this::create)
                .get(base, call -> Wire.list(endpoints.list(access.app(call).id(), Wire.page(call)), Endpoints::view))
                .get(one, call -> Reply.ok(view(endpoint(call))))
                .put(one, call -> update(call, true))
                .patch(one, call -> update(call, false))
                .delete(one, call -> {
                    endpoints.delete(access.app(call).id(), call.param("ep"));
                    return Reply.noContent();
                })
                .get(one + "/headers", this::headers)
                .put(one + "/headers", call -> setHeaders(call, true))
                .patch(one + "/headers", call -> setHeaders(call, false))
                .get(one + "/secret", this::secret)
                .post(one + "/secret/rotate", this::rotate)
                .post(one + "/recover", this::recover)
                .get(one + "/stats", this::stats);
    }

    private Endpoint endpoint(Call call) {
        return endpoints.get(access.app(call).id(), call.param("ep"));
    }

    private Reply create(Call call) {
        String app = access.app(call).id();
        Fields f = Wire.body(call).allowOnly(FIELDS);
        ObjectNode body = translate(f, true);
        body.put("secret", f.string("secret"));
        // Svix's delivery: the payload as sent, Standard Webhooks signing under svix-* names.
        body.put("payload_format", "raw");
        body.putObject("signature").put("scheme", "standard").put("header", "svix-signature");
        body.put("id_header", "svix-id");
        body.put("timestamp_header", "svix-timestamp");
        return Reply.created(view(endpoints.create(app, Fields.of(withoutNulls(body))).endpoint()));
    }

    /** PUT replaces what Svix's {@code EndpointUpdate} carries; PATCH changes only the fields sent. */
    private Reply update(Call call, boolean replace) {
        String app = access.app(call).id();
        Fields f = Wire.body(call).allowOnly(FIELDS);
        Wire.refuse(f, "secret", "use POST …/secret/rotate to change the secret");
        ObjectNode patch = translate(f, replace);
        if (!replace) {
            patch = withoutNulls(patch);
        }
        Endpoint updated = endpoints.update(app, call.param("ep"), Fields.of(patch), onUpdate);
        afterUpdate.run();
        return Reply.ok(view(updated));
    }

    /**
     * Svix's fields under Hookline's names. With {@code all}, every field is set (null where Svix's
     * body left it out, which resets it); else only the fields the body has.
     */
    private static ObjectNode translate(Fields f, boolean all) {
        ObjectNode out = Json.object();
        if (all || f.present("url")) {
            out.put("url", f.string("url"));
        }
        if (all || f.present("disabled")) {
            out.put("enabled", !Boolean.TRUE.equals(f.bool("disabled")));
        }
        copy(f, out, all, "description", "description");
        copy(f, out, all, "uid", "uid");
        copy(f, out, all, either(f, "filterTypes", "eventTypes"), "events");
        copy(f, out, all, "channels", "channels");
        copy(f, out, all, either(f, "rateLimit", "throttleRate"), "rate_limit");
        copy(f, out, all, "metadata", "metadata");
        copy(f, out, false, "headers", "headers"); // EndpointUpdate has no headers: a PUT keeps them
        if (out.has("description") && out.get("description").isTextual() && out.get("description").asText().isEmpty()) {
            out.putNull("description"); // Svix's default description is "", Hookline's is none
        }
        return out;
    }

    /** Which of a field's two names (1.x, 2.x) the body uses; both, with different values, is a 422. */
    private static String either(Fields f, String v1, String v2) {
        if (f.has(v1) && f.has(v2) && !f.raw(v1).equals(f.raw(v2))) {
            throw new Failure.Invalid(v2, "and '" + v1 + "' are the same setting under Svix's two names; give one");
        }
        return f.has(v1) || !f.present(v2) ? v1 : v2;
    }

    private static void copy(Fields f, ObjectNode out, boolean all, String svix, String hookline) {
        if (all || f.present(svix)) {
            JsonNode v = f.raw(svix);
            if (v != null && v.isArray() && v.isEmpty()) {
                v = null; // Svix reads an empty filter as "no filter"
            }
            out.set(hookline, v);
        }
    }

    private static ObjectNode withoutNulls(ObjectNode node) {
        ObjectNode out = Json.object();
        node.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /**
     * {@code {headers, sensitive}}: the custom headers every delivery carries. To a read-only caller
     * every one is {@code sensitive}, its value not shown, as Svix does for headers marked so: custom
     * headers hold receivers' credentials, and read-only access is for looking, not for borrowing them.
     */
    private Reply headers(Call call) {
        ObjectNode out = Json.object();
        ObjectNode headers = out.putObject("headers");
        var sensitive = out.putArray("sensitive");
        endpoint(call).policy().headers().forEach((name, value) -> {
            if (call.principal().readOnly()) {
                sensitive.add(name);
            } else {
                headers.put(name, value);
            }
        });
        return Reply.ok(out);
    }

    /** PUT replaces the custom headers; PATCH sets those given, and removes those given as null. 204 either way. */
    private Reply setHeaders(Call call, boolean replace) {
        Endpoint ep = endpoint(call);
        Fields f = Wire.body(call).allowOnly(Set.of("headers", "deleteHeaders"));
        ObjectNode headers = Json.object();
        if (!replace) {
            ep.policy().headers().forEach(headers::put);
        }
        JsonNode given = f.raw("headers");
        if (given != null && given.isObject()) {
            given.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    headers.remove(e.getKey());
                } else {
                    headers.set(e.getKey(), e.getValue());
                }
            });
        }
        List<String> deleted = f.strings("deleteHeaders", 50);
        if (deleted != null) {
            deleted.forEach(headers::remove);
        }
        ObjectNode patch = Json.object();
        patch.set("headers", headers);
        endpoints.update(ep.appId(), ep.id(), Fields.of(patch), onUpdate);
        afterUpdate.run();
        return Reply.noContent();
    }

    /** {@code {key}}: the secret deliveries are signed with now. */
    private Reply secret(Call call) {
        if (call.principal().readOnly()) {
            // The secret signs webhooks: whoever holds it can forge them, which is no way to look.
            throw new Failure.Forbidden("this access is read-only: it may not read an endpoint's signing secret");
        }
        Endpoint ep = endpoint(call);
        String key = endpoints.signable(List.of(ep.id())).get(ep.id()).secrets().current();
        ObjectNode out = Json.object();
        out.put("key", key);
        return Reply.ok(out);
    }

    /** 204, as in Svix; the old secret keeps signing beside the new one for {@link EndpointStore#ROTATION_GRACE}. */
    private Reply rotate(Call call) {
        String app = access.app(call).id();
        Fields f = Wire.body(call).allowOnly(Set.of("key", "gracePeriodSeconds"));
        Wire.refuse(f, "gracePeriodSeconds", "the old secret stays valid for " + EndpointStore.ROTATION_GRACE.toHours() + " hours;"
                + " a different grace period is not offered");
        endpoints.rotateSecret(app, call.param("ep"), f.string("key"));
        return Reply.noContent();
    }

    /**
     * Re-queues the failed deliveries since {@code since}. Svix answers with a background task;
     * Hookline's recovery is done when the call returns, so the task is already finished.
     */
    private Reply recover(Call call) {
        String app = access.app(call).id();
        Endpoint ep = endpoints.get(app, call.param("ep"));
        ep.requirePush();
        Fields f = Wire.body(call).allowOnly(Set.of("since", "until"));
        Wire.refuse(f, "until", "recovery runs up to now; 'until' is not offered");
        long now = clock.millis();
        queue.recover(app, ep.id(), Times.parse("since", f.requiredString("since")), now);
        messages.wake();
        ObjectNode out = Json.object();
        out.put("id", Ids.next("qtask"));
        out.put("status", "finished");
        out.put("task", "endpoint.recover");
        Wire.putTime(out, "updatedAt", now);
        return Reply.accepted(out);
    }

    /** How far back endpoint stats reach, as in Svix: its default window and the longest it allows. */
    private static final Duration STATS_WINDOW = Duration.ofDays(28);
    /** Svix's slack on that longest window, so a client can ask for "now minus 28 days" with its own clock. */
    private static final Duration STATS_SLACK = Duration.ofMinutes(5);

    /**
     * Svix's {@code EndpointStats}: the endpoint's deliveries by state, made within {@code ?since=&until=}
     * (the last 28 days by default, 28 days at most). Bounded like Svix's, so the count reads one id
     * range of the endpoint's deliveries, not every delivery retention keeps.
     */
    private Reply stats(Call call) {
        Endpoint ep = endpoint(call);
        long now = clock.millis();
        Long untilAsked = Wire.time(call, "until");
        long until = untilAsked == null ? now : untilAsked;
        if (until > now) {
            throw new Failure.Invalid("until", "cannot be in the future");
        }
        Long sinceAsked = Wire.time(call, "since");
        long since = sinceAsked == null ? until - STATS_WINDOW.toMillis() : sinceAsked;
        if (until - since > STATS_WINDOW.plus(STATS_SLACK).toMillis()) {
            throw new Failure.Invalid("since", "cannot be more than 28 days before until (" + Times.format(until) + ")");
        }
        DeliveryQueue.Counts counts = queue.countsOfEndpoint(ep.appId(), ep.id(), since, until);
        ObjectNode out = Json.object();
        out.put("success", counts.delivered());
        out.put("fail", counts.failed());
        out.put("pending", counts.pending());
        out.put("sending", counts.sending());
        out.put("canceled", 0);
        return Reply.ok(out);
    }

    static ObjectNode view(Endpoint ep) {
        ObjectNode out = Json.object();
        out.put("id", ep.id());
        out.put("url", ep.url());
        out.put("version", 1);
        out.put("description", ep.policy().description() == null ? "" : ep.policy().description());
        putList(out, "filterTypes", ep.policy().events());
        putList(out, "eventTypes", ep.policy().events());
        putList(out, "channels", ep.policy().channels());
        out.put("disabled", !ep.enabled());
        out.put("rateLimit", ep.policy().rateLimit());
        out.put("throttleRate", ep.policy().rateLimit());
        out.put("uid", ep.uid());
        ObjectNode metadata = out.putObject("metadata");
        ep.policy().metadata().forEach(metadata::put);
        Wire.putTime(out, "createdAt", ep.createdAt());
        Wire.putTime(out, "updatedAt", ep.updatedAt());
        return out;
    }

    static void putList(ObjectNode out, String field, List<String> values) {
        if (values == null) {
            out.putNull(field);
        } else {
            var arr = out.putArray(field);
            values.forEach(arr::add);
        }
    }
}
