package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.PageRequest;
import dev.hookline.delivery.DeliveryFeed;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.core.Times;
import dev.hookline.delivery.EndpointHealth;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.NewMessage;
import dev.hookline.outbound.OperationalEvents;
import io.helidon.http.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.function.Function;

/** {@code /v1/apps/{app}/endpoints}: where an app's messages go, their secrets, tests and attempt logs. */
final class EndpointRoutes {
    private final AppStore apps;
    private final EndpointStore endpoints;
    private final MessageStore messages;
    private final DeliveryQueue queue;
    private final DeliveryFeed feed;
    private final OperationalEvents operational;
    private final Function<Call, String> appOf;
    private final Clock clock;

    /**
     * The routes under {@code base} (e.g. {@code /v1/apps/{app}/endpoints}); {@code appOf} names the
     * app a call is about, after checking the caller may act on it.
     */
    EndpointRoutes(AppStore apps, EndpointStore endpoints, MessageStore messages, DeliveryQueue queue, DeliveryFeed feed,
                   OperationalEvents operational, Function<Call, String> appOf, Clock clock) {
        this.apps = apps;
        this.endpoints = endpoints;
        this.messages = messages;
        this.queue = queue;
        this.feed = feed;
        this.operational = operational;
        this.appOf = appOf;
        this.clock = clock;
    }

    void register(Router r, String base) {
        String one = base + "/{ep}";
        r.route(Method.POST, base, this::create)
                .route(Method.GET, base, call -> Reply.page(endpoints.list(appOf.apply(call), call.page("ep", "search"), call.query("search")),
                        this::view))
                .route(Method.GET, one, call -> Reply.ok(view(endpoints.get(appOf.apply(call), call.param("ep")))))
                .route(Method.PATCH, one, call -> {
                    Endpoint updated = endpoints.update(appOf.apply(call), call.param("ep"), call.fields(), onUpdate(operational));
                    operational.wake();
                    return Reply.ok(withWarnings(view(updated), updated));
                })
                .route(Method.DELETE, one, call -> {
                    endpoints.delete(appOf.apply(call), call.param("ep"));
                    return Reply.noContent();
                })
                .route(Method.POST, one + "/secret/rotate", this::rotate)
                .route(Method.POST, one + "/test", this::test)
                .route(Method.POST, one + "/recover", this::recover)
                .route(Method.GET, one + "/attempts", this::attempts)
                .route(Method.GET, one + "/deliveries", this::deliveries);
    }

    /** What every endpoint update does in its transaction, whichever API made it; the caller wakes {@code operational} after. */
    static EndpointStore.Updated onUpdate(OperationalEvents operational) {
        return (c, before, after) -> {
            // enabled, fifo or a circuit reset change what the endpoint may be sent, and when
            DeliveryQueue.refreshHead(c, after.id(), 0);
            if (after.enabled() && !before.enabled()) {
                operational.enabled(c, after);
            }
        };
    }

    private Reply create(Call call) {
        String app = appOf.apply(call);
        EndpointStore.Created created = endpoints.create(app, call.fields());
        ObjectNode out = withWarnings(view(created.endpoint()), created.endpoint());
        out.put("secret", created.secret());
        return Reply.created(out);
    }

    /** A create or update answer names the subscriptions no declared event type answers to (a typo, most often). */
    private ObjectNode withWarnings(ObjectNode out, Endpoint ep) {
        var warnings = endpoints.subscriptionWarnings(ep);
        if (!warnings.isEmpty()) {
            var list = out.putArray("warnings");
            warnings.forEach(list::add);
        }
        return out;
    }

    private Reply rotate(Call call) {
        String app = appOf.apply(call);
        Fields f = call.fields().allowOnly(Set.of("secret"));
        String secret = endpoints.rotateSecret(app, call.param("ep"), f.string("secret"));
        ObjectNode out = Json.object();
        out.put("secret", secret);
        Json.putTime(out, "previous_secret_expires_at", clock.millis() + EndpointStore.ROTATION_GRACE.toMillis());
        return Reply.ok(out);
    }

    /**
     * Sends a test message to this endpoint alone: {@code webhook.test} with the app's test text by
     * default, or the {@code event} asked for (so a receiver's handling of a real event type can be
     * tried), with {@code data} or the same small default payload.
     */
    private Reply test(Call call) {
        String app = appOf.apply(call);
        Fields f = call.fields().allowOnly(Set.of("event", "data"));
        String event = f.string("event");
        if (event == null) {
            event = NewMessage.TEST_EVENT;
        } else {
            EventTypeStore.validateName("event", event);
        }
        JsonNode given = f.raw("data");
        if (given != null && !given.isObject()) {
            throw new Failure.Invalid("data", "must be a JSON object");
        }
        Endpoint ep = endpoints.get(app, call.param("ep"));
        ep.requireEnabled();
        ObjectNode data = Json.object();
        if (given != null) {
            data.setAll((ObjectNode) given);
        } else {
            data.put("message", apps.get(app).settings().effectiveTestMessage());
            data.put("webhook_id", ep.uid() == null ? ep.id() : ep.uid());
            data.put("timestamp", clock.millis() / 1000);
        }
        var ingested = messages.sendTo(app, ep,
                new NewMessage(event, data.toString().getBytes(StandardCharsets.UTF_8), null, null));
        return Reply.accepted(MessageRoutes.view(ingested.message(), false));
    }

    /** Re-queues the endpoint's failed deliveries since {@code since} (after its outage is over). */
    private Reply recover(Call call) {
        String app = appOf.apply(call);
        Endpoint ep = endpoints.get(app, call.param("ep"));
        ep.requirePush();
        Fields f = call.fields().allowOnly(Set.of("since"));
        long since = Times.parse("since", f.requiredString("since"));
        int recovered = queue.recover(app, ep.id(), since, clock.millis());
        messages.wake();
        ObjectNode out = Json.object();
        out.put("recovered", recovered);
        return Reply.accepted(out);
    }

    private Reply attempts(Call call) {
        String app = appOf.apply(call);
        Endpoint ep = endpoints.get(app, call.param("ep"));
        PageRequest page = call.page("att", MessageRoutes.ATTEMPT_FILTERS);
        return Reply.page(queue.attempts(app, MessageRoutes.filter(call, true).withEndpoint(ep.id()), page), MessageRoutes::view);
    }

    /**
     * The endpoint's deliveries to pull, oldest first, each as the signed request the endpoint
     * receives ({@link DeliveryFeed}); {@code ?wait=N} long-polls for the next one.
     */
    private Reply deliveries(Call call) {
        String app = appOf.apply(call);
        Endpoint ep = endpoints.get(app, call.param("ep"));
        PageRequest page = call.pageOldestFirst("dlv", "wait");
        Duration wait = call.waitParameter();
        return Reply.log(feed.after(ep, page, wait), page, DeliveryFeed.Pulled::id, EndpointRoutes::view);
    }

    static ObjectNode view(DeliveryFeed.Pulled d) {
        ObjectNode out = Json.object();
        out.put("id", d.id());
        out.put("message_id", d.message() == null ? null : d.message().id());
        out.put("event", d.message() == null ? null : d.message().event());
        Json.putTime(out, "created_at", d.message() == null ? null : d.message().createdAt());
        out.put("status", d.status());
        if (d.request() == null) {
            out.putNull("request");
        } else {
            ObjectNode request = out.putObject("request");
            ObjectNode headers = request.putObject("headers");
            d.request().headers().forEach(headers::put);
            request.put("body", Base64.getEncoder().encodeToString(d.request().body()));
            request.put("body_encoding", "base64");
        }
        return out;
    }

    static final String MASKED = "[redacted]";

    ObjectNode view(Endpoint ep) {
        long now = clock.millis();
        ObjectNode out = Json.object();
        out.put("id", ep.id());
        out.put("app_id", ep.appId());
        out.put("uid", ep.uid());
        out.put("url", ep.policy().pull() ? null : ep.url());
        out.put("enabled", ep.enabled());
        out.setAll(ep.policy().toJson());
        // Custom header values and a TLS client key are credentials: sealed at rest, shown to no one.
        ObjectNode headers = (ObjectNode) out.get("headers");
        ep.policy().headers().keySet().forEach(name -> headers.put(name, MASKED));
        if (ep.policy().tls() != null && ep.policy().tls().clientKey() != null) {
            ((ObjectNode) out.get("tls")).put("client_key", MASKED);
        }
        if (ep.publicKey() != null) {
            ((ObjectNode) out.get("signature")).put("public_key", ep.publicKey());
        }
        // what deliveries actually carry, after header_prefix and scheme defaults are applied
        ObjectNode carried = out.putObject("delivery_headers");
        carried.put("signature", ep.policy().signatureHeader());
        var meta = ep.policy().effectiveHeaders();
        carried.put("event", meta.event());
        carried.put("timestamp", meta.timestamp());
        carried.put("attempt", meta.attempt());
        carried.put("id", meta.id());
        ObjectNode health = out.putObject("health");
        var h = ep.health();
        EndpointHealth.Circuit circuit = EndpointHealth.circuit(h, now);
        health.put("circuit", circuit.name().toLowerCase(java.util.Locale.ROOT));
        Json.putTime(health, "circuit_open_until", circuit == EndpointHealth.Circuit.OPEN ? h.circuitOpenUntil() : null);
        health.put("consecutive_failures", h.consecutiveFailures());
        Json.putTime(health, "failing_since", h.failingSince());
        health.put("disabled_reason", h.disabledReason());
        Json.putTime(out, "created_at", ep.createdAt());
        Json.putTime(out, "updated_at", ep.updatedAt());
        return out;
    }
}
