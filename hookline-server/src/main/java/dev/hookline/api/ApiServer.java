package dev.hookline.api;

import dev.hookline.core.SecretCipher;
import dev.hookline.delivery.DeliveryFeed;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.inbound.InboundEventStore;
import dev.hookline.inbound.InboundReceiver;
import dev.hookline.inbound.SourceStore;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.ops.DeliveryStats;
import dev.hookline.ops.Metrics;
import dev.hookline.store.Database;
import dev.hookline.svix.SvixApi;
import dev.hookline.web.ResponseBody;
import dev.hookline.web.WebAssets;
import io.helidon.common.tls.Tls;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The HTTP face of Hookline: every route, on one Helidon server. */
public final class ApiServer implements AutoCloseable {
    private final WebServer server;
    private final ApiKeys keys;
    private final int requestedPort;
    private final List<Route> routes;

    /** One route of the API: its method, its path template ({@code /v1/apps/{app}}), whether it needs a key. */
    public record Route(String method, String path, boolean authenticated) {}

    /** Everything the routes call into. */
    public record Services(AppStore apps, EndpointStore endpoints, MessageStore messages, EventTypeStore eventTypes,
                           DeliveryQueue queue, SourceStore sources, InboundEventStore inboundEvents, InboundReceiver receiver,
                           OperationalEvents operational, Metrics metrics, SecretCipher cipher) {}

    /**
     * HTTPS from PEM files on {@code port}, and whether plain HTTP stays on the main port too.
     * Null cert means HTTP only.
     */
    public record Https(java.nio.file.Path cert, java.nio.file.Path key, int port, boolean http) {}

    /** The named listener HTTPS uses when plain HTTP is served beside it. */
    private static final String HTTPS_SOCKET = "https";

    private final ServerCertificate certificate;
    private final String tlsSocket;

    /** {@code publicUrl} is the base of source receive URLs; null means "from the request's Host header". */
    public ApiServer(String host, int port, String publicUrl, Database db, Clock clock, String rootKey, Services services,
                     Https https) {
        AppStore apps = services.apps();
        EndpointStore endpoints = services.endpoints();
        MessageStore messages = services.messages();
        Metrics metrics = services.metrics();
        this.keys = new ApiKeys(db, clock, rootKey, services.operational());
        this.requestedPort = port;
        HttpRouting.Builder routing = HttpRouting.builder();
        PortalTokens portal = new PortalTokens(services.cipher().derive("hookline portal token v1"), clock);
        Router router = new Router(routing, keys, portal, clock);
        AppAccess access = new AppAccess(apps);

        // /health is the old name of /health/live, kept for the scripts that use it.
        router.open(Method.GET, "/health", call -> status(200, "ok", null));
        router.open(Method.GET, "/health/live", call -> status(200, "ok", null));
        router.open(Method.GET, "/health/ready", call -> {
            String unready = db.unreadyBecause(READY_WAIT_MILLIS);
            return unready == null ? status(200, "ready", null) : status(503, "unavailable", unready);
        });
        router.raw(Method.GET, "/metrics", (req, res) -> {
            res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ResponseBody.send(req, res, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
        ApiDocument document = ApiDocument.load();
        router.raw(Method.GET, "/openapi.json", (req, res) -> {
            res.header("Content-Type", "application/json");
            ResponseBody.send(req, res, document.bytes());
        });
        byte[] reference = ApiReferencePage.render(document.tree());
        router.raw(Method.GET, "/docs", (req, res) -> {
            res.header("Content-Type", "text/html; charset=utf-8");
            ResponseBody.send(req, res, reference);
        });
        new ApiKeyRoutes(keys, apps, clock).register(router);
        new EventTypeRoutes(services.eventTypes()).register(router);
        new AppRoutes(apps, access).register(router);
        DeliveryFeed feed = new DeliveryFeed(db, endpoints, messages, clock);
        new EndpointRoutes(apps, endpoints, messages, services.queue(), feed, services.operational(), call -> access.app(call).id(), clock)
                .register(router, "/v1/apps/{app}/endpoints");
        new EndpointRoutes(apps, endpoints, messages, services.queue(), feed, services.operational(), call -> {
            call.requireRoot();
            return OperationalEvents.APP_ID;
        }, clock).register(router, "/v1/operational-webhooks/endpoints");
        new MessageRoutes(messages, endpoints, services.queue(), access, clock).register(router);
        new SourceRoutes(services.sources(), services.inboundEvents(), services.receiver(), publicUrl).register(router);
        new ReceiveRoutes(services.receiver(), metrics).register(router);
        new StatsRoutes(new DeliveryStats(db), apps, endpoints, clock).register(router);
        PortalLinks portalLinks = new PortalLinks(portal, publicUrl, clock);
        new PortalRoutes(portalLinks, access).register(router);
        WebAssets assets = new WebAssets();
        assets.register(routing);
        metrics.gauge(Metrics.MEMORY_ENTRIES, Metrics.MEMORY_ENTRIES_HELP, "table", "key_rate_limits", router::keyRateLimits);
        metrics.gauge(Metrics.MEMORY_ENTRIES, Metrics.MEMORY_ENTRIES_HELP, "table", "unknown_key_addresses", router::unknownKeyAddresses);
        metrics.gauge(Metrics.MEMORY_ENTRIES, Metrics.MEMORY_ENTRIES_HELP, "table", "web_assets", assets::cached);
        // Svix's API follows Svix's own OpenAPI document, not Hookline's (docs/svix-migration.md documents it);
        // its routes are in the table all the same, so the authorization test walks them too.
        new SvixApi(db, apps, endpoints, messages, services.queue(), services.eventTypes(), access,
                EndpointRoutes.onUpdate(services.operational()), services.operational()::wake, portalLinks, clock).register(router);
        this.routes = router.table();
        routing.any("/api/v1/*", (req, res) -> Router.respond(req, res, SvixApi.unrouted(req.prologue().method().text(), req.path().path())));
        routing.any((req, res) -> Router.respond(req, res, router.unrouted(req)));

        var builder = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .maxPayloadSize(16L * 1024 * 1024)
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .directHandlers(TransportErrors.handlers())
                .routing(routing);
        if (https == null || https.cert() == null) {
            certificate = null;
            tlsSocket = null;
        } else {
            certificate = new ServerCertificate(https.cert(), https.key());
            Tls tls = certificate.load(); // unreadable files fail the start, with the file named
            if (https.http()) {
                tlsSocket = HTTPS_SOCKET;
                builder.putSocket(HTTPS_SOCKET, socket -> socket.host(host).port(https.port()).tls(tls)
                        .maxPayloadSize(16L * 1024 * 1024).directHandlers(TransportErrors.handlers()).routing(routing));
            } else {
                tlsSocket = WebServer.DEFAULT_SOCKET_NAME; // HTTP off: the main listener speaks only HTTPS, on the HTTPS port
                builder.port(https.port()).tls(tls);
            }
        }
        this.server = builder.build();
    }

    /**
     * Live: the process answers (restart it if not). Ready: it can take traffic now, i.e. the
     * database answers and the writer commits, each within {@link #READY_WAIT_MILLIS}.
     */
    private static Reply status(int code, String status, String reason) {
        var out = Json.object();
        out.put("status", status);
        if (reason != null) {
            out.put("reason", reason);
        }
        return new Reply(code, out);
    }

    private static final long READY_WAIT_MILLIS = 2_000;

    /** On first start without a configured key: the generated root key, to print once. */
    public Optional<String> generateRootKeyIfNone() {
        return keys.generateRootKeyIfNone();
    }

    /** Binds the port and starts serving; fails (and stops) when the port cannot be bound. */
    public ApiServer start() {
        server.start();
        if (!server.isRunning() || server.port() < 0 || (tlsSocket != null && server.port(tlsSocket) < 0)) {
            server.stop();
            throw new IllegalStateException("could not listen on port " + requestedPort + " (is it in use?)");
        }
        if (certificate != null) {
            certificate.watch(server, tlsSocket);
        }
        return this;
    }

    public int port() {
        return server.port();
    }

    /** Every route, Svix's /api/v1 included, in the order registered. */
    public List<Route> routes() {
        return routes;
    }

    /** The HTTPS port, or -1 without HTTPS. */
    public int tlsPort() {
        return tlsSocket == null ? -1 : server.port(tlsSocket);
    }

    @Override
    public void close() {
        if (certificate != null) {
            certificate.close();
        }
        server.stop();
    }
}
