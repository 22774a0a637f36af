package dev.hookline.svix;

import dev.hookline.api.AppAccess;
import dev.hookline.api.PortalLinks;
import dev.hookline.api.Reply;
import dev.hookline.api.Router;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.MessageStore;
import dev.hookline.store.Database;
import io.helidon.http.Method;
import java.time.Clock;

/**
 * Svix's API at {@code /api/v1}, so that code written against Svix's SDKs runs against Hookline by
 * changing the server URL. Each resource has its file, as in Svix's own server ({@link Applications},
 * {@link Endpoints}, {@link Messages}, {@link Attempts}, {@link EventTypes}, {@link Authentication}); each only translates between Svix's JSON
 * and Hookline's stores: there is one domain underneath, and what the {@code /v1} API creates the
 * Svix API sees, and the other way round.
 *
 * <p>Routes go through Hookline's {@link Router}, so API keys, scoped and read-only keys behave
 * exactly as on {@code /v1}; only the error body takes Svix's shape ({@link Wire}).
 */
public final class SvixApi {
    private final Applications applications;
    private final Endpoints endpoints;
    private final Messages messages;
    private final Attempts attempts;
    private final EventTypes eventTypes;
    private final Authentication authentication;
    private final IdempotencyKeys idempotency;

    /**
     * {@code onUpdate} and {@code afterUpdate} are what every endpoint update does, in its transaction
     * and after it, whichever API made it.
     */
    public SvixApi(Database db, AppStore apps, EndpointStore endpointStore, MessageStore messageStore, DeliveryQueue queue,
                   EventTypeStore eventTypeStore, AppAccess access, EndpointStore.Updated onUpdate, Runnable afterUpdate,
                   PortalLinks portalLinks, Clock clock) {
        this.idempotency = new IdempotencyKeys(db, clock);
        this.applications = new Applications(apps, access);
        this.endpoints = new Endpoints(endpointStore, messageStore, queue, access, onUpdate, afterUpdate, clock);
        this.messages = new Messages(messageStore, applications, access);
        this.attempts = new Attempts(endpointStore, messageStore, queue, access, clock);
        this.eventTypes = new EventTypes(eventTypeStore);
        this.authentication = new Authentication(portalLinks, applications);
    }

    public void register(Router router) {
        Routes r = new Routes(router);
        router.open(Method.GET, "/api/v1/health", call -> Reply.noContent());
        applications.register(r);
        endpoints.register(r);
        messages.register(r);
        attempts.register(r);
        eventTypes.register(r);
        authentication.register(r);
    }

    /** Hookline's error reply in Svix's shape, for refusals made before a Svix route runs. */
    public static Reply inSvixShape(Reply hookline) {
        return Wire.svixError(hookline);
    }

    /** What a request to {@code /api/v1} that no route took gets: a Svix-shaped 404 naming what is not offered. */
    public static Reply unrouted(String method, String path) {
        return Wire.svixError(Reply.error(404, "not_found", method + " " + path
                + " is not offered by Hookline's Svix-compatible API (docs/svix-migration.md lists what is)"));
    }

    /** Binds Svix routes: errors in Svix's shape, and POSTs under {@code Idempotency-Key}. */
    final class Routes {
        private final Router router;

        Routes(Router router) {
            this.router = router;
        }

        Routes get(String path, Router.Action action) {
            router.route(Method.GET, path, call -> Wire.run(call, action));
            return this;
        }

        Routes post(String path, Router.Action action) {
            router.route(Method.POST, path, call -> Wire.run(call, c -> idempotency.run(c, action)));
            return this;
        }

        Routes put(String path, Router.Action action) {
            router.route(Method.PUT, path, call -> Wire.run(call, action));
            return this;
        }

        Routes patch(String path, Router.Action action) {
            router.route(Method.PATCH, path, call -> Wire.run(call, action));
            return this;
        }

        Routes delete(String path, Router.Action action) {
            router.route(Method.DELETE, path, call -> Wire.run(call, action));
            return this;
        }
    }
}
