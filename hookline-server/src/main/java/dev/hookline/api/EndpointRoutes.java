package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.outbound.App;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.NewMessage;
import io.helidon.http.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;

/** {@code /v1/apps/{app}/endpoints}: where an app's messages go, their secrets, tests and attempt logs. */
final class EndpointRoutes {
    private final EndpointStore endpoints;
    private final MessageStore messages;
    private final DeliveryQueue queue;
    private final AppAccess access;
    private final Clock clock;

    EndpointRoutes(EndpointStore endpoints, MessageStore messages, DeliveryQueue queue, AppAccess access, Clock clock) {
        this.endpoints = endpoints;
        this.messages = messages;
        this.queue = queue;
        this.access = access;
        this.clock = clock;
    }

    void register(Router r) {
        String one = "/v1/apps/{app}/endpoints/{ep}";
        r.route(Method.POST, "/v1/apps/{app}/endpoints", this::create)
                .route(Method.GET, "/v1/apps/{app}/endpoints",
                        call -> Reply.page(endpoints.list(access.app(call).id(), call.page()), EndpointRoutes::view))
                .route(Method.GET, one, call -> Reply.ok(view(endpoints.get(access.app(call).id(), call.param("ep")))))
                .route(Method.PATCH, one, call -> Reply.ok(view(endpoints.update(access.app(call).id(), call.param("ep"), call.fields()))))
                .route(Method.DELETE, one, call -> {
                    endpoints.delete(access.app(call).id(), call.param("ep"));
                    return Reply.noContent();
                })
                .route(Method.POST, one + "/secret/rotate", this::rotate)
                .route(Method.POST, one + "/test", this::test)
                .route(Method.GET, one + "/attempts", this::attempts);
    }

    private Reply create(Call call) {
        App app = access.app(call);
        EndpointStore.Created created = endpoints.create(app.id(), call.fields());
        ObjectNode out = view(created.endpoint());
        out.put("secret", created.secret());
        return Reply.created(out);
    }

    private Reply rotate(Call call) {
        App app = access.app(call);
        Fields f = call.fields().allowOnly(Set.of("secret"));
        String secret = endpoints.rotateSecret(app.id(), call.param("ep"), f.string("secret"));
        ObjectNode out = Json.object();
        out.put("secret", secret);
        Json.putTime(out, "previous_secret_expires_at", clock.millis() + EndpointStore.ROTATION_GRACE.toMillis());
        return Reply.ok(out);
    }

    /** Sends a {@code webhook.test} message to this endpoint alone. */
    private Reply test(Call call) {
        App app = access.app(call);
        Endpoint ep = endpoints.get(app.id(), call.param("ep"));
        ObjectNode data = Json.object();
        data.put("message", "This is a test webhook from Hookline");
        data.put("webhook_id", ep.id());
        data.put("timestamp", clock.millis() / 1000);
        var ingested = messages.sendTo(app.id(), ep.id(),
                new NewMessage(MessageRoutes.TEST_EVENT, data.toString().getBytes(StandardCharsets.UTF_8), null, null));
        return Reply.accepted(MessageRoutes.view(ingested.message(), false));
    }

    private Reply attempts(Call call) {
        App app = access.app(call);
        Endpoint ep = endpoints.get(app.id(), call.param("ep"));
        String status = call.query("status");
        Boolean succeeded = switch (status == null ? "" : status) {
            case "" -> null;
            case "succeeded" -> true;
            case "failed" -> false;
            default -> throw new Failure.Invalid("status", "must be 'succeeded' or 'failed'");
        };
        return Reply.page(queue.attemptsOfEndpoint(app.id(), ep.id(), succeeded, call.page()), MessageRoutes::view);
    }

    static ObjectNode view(Endpoint ep) {
        ObjectNode out = Json.object();
        out.put("id", ep.id());
        out.put("app_id", ep.appId());
        out.put("url", ep.url());
        out.put("enabled", ep.enabled());
        out.setAll(ep.policy().toJson());
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
        Json.putTime(out, "created_at", ep.createdAt());
        Json.putTime(out, "updated_at", ep.updatedAt());
        return out;
    }
}
