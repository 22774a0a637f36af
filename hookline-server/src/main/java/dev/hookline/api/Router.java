package dev.hookline.api;

import dev.hookline.core.Failure;
import dev.hookline.core.SlidingWindowLimiter;
import dev.hookline.svix.SvixApi;
import dev.hookline.web.ResponseBody;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds handlers to routes. A handler takes a {@link Call} and returns a {@link Reply}; this class
 * authenticates, runs it, and maps every failure to one JSON error body and status. No stack trace
 * reaches a client.
 */
public final class Router {
    /** API errors at 5xx, one line each, under a name of their own. */
    private static final Logger ERROR_LOG = LoggerFactory.getLogger("hookline.api");

    @FunctionalInterface
    public interface Action {
        Reply handle(Call call);
    }

    private final HttpRouting.Builder routing;
    private final ApiKeys keys;
    // Every route goes through this class, so this list is the whole API: the OpenAPI test walks it.
    private final List<ApiServer.Route> table = new ArrayList<>();
    private final PortalTokens portal;
    private final java.time.Clock clock;
    private final KeyGuessing guessing = new KeyGuessing();
    /** Keys' own limits (a window of counters per key, fixed memory whatever the limit; counted per node). */
    private final SlidingWindowLimiter perKey = new SlidingWindowLimiter();

    Router(HttpRouting.Builder routing, ApiKeys keys, PortalTokens portal, java.time.Clock clock) {
        this.routing = routing;
        this.keys = keys;
        this.portal = portal;
        this.clock = clock;
    }

    /** A management route: needs {@code Authorization: Bearer <api key>}. */
    public Router route(Method method, String path, Action action) {
        table.add(new ApiServer.Route(method.text(), path, true));
        bind(method, path, (req, res) -> respond(req, res, run(req, action, true)));
        return this;
    }

    /** A route anyone may call (health, the receive path: those authenticate otherwise or not at all). */
    public Router open(Method method, String path, Action action) {
        table.add(new ApiServer.Route(method.text(), path, false));
        bind(method, path, (req, res) -> respond(req, res, run(req, action, false)));
        return this;
    }

    /** An open route that answers something other than JSON (metrics text, the API document, its page). */
    Router raw(Method method, String path, Handler handler) {
        table.add(new ApiServer.Route(method.text(), path, false));
        bind(method, path, handler);
        return this;
    }

    /**
     * Every {@code GET} answers {@code HEAD} too (uptime monitors and {@code curl -I} ask with it),
     * through the same handler, so the status, headers and the key it needs are the GET's; the
     * body is left out ({@link ResponseBody}). The table lists the GET only: HEAD is not a route of its own.
     */
    private void bind(Method method, String path, Handler handler) {
        routing.route(method, path, handler);
        if (method == Method.GET) {
            routing.route(Method.HEAD, path, handler);
        }
    }

    /** Keys with a rate-limit window in memory now, and addresses held for sending unknown keys. */
    long keyRateLimits() {
        return perKey.keys();
    }

    long unknownKeyAddresses() {
        return guessing.addresses();
    }

    List<ApiServer.Route> table() {
        return List.copyOf(table);
    }

    /**
     * What a request no route took gets: 405 with {@code Allow} when its path has routes for other
     * methods, else 404.
     */
    Reply unrouted(ServerRequest req) {
        String path = req.path().path();
        java.util.Set<String> allowed = new java.util.TreeSet<>();
        for (ApiServer.Route r : table) {
            if (pattern(r.path()).matcher(path).matches()) {
                allowed.add(r.method());
                if (r.method().equals("GET")) {
                    allowed.add("HEAD");
                }
            }
        }
        String method = req.prologue().method().text();
        if (allowed.isEmpty()) {
            return Reply.error(404, "not_found", "no route for " + method + " " + route(req));
        }
        return Reply.error(405, "method_not_allowed", route(req) + " takes " + String.join(", ", allowed) + ", not " + method)
                .withHeader("Allow", String.join(", ", allowed));
    }

    /** A route's path as a regular expression: each {@code {name}} matches one segment. */
    private static java.util.regex.Pattern pattern(String path) {
        return java.util.regex.Pattern.compile(java.util.Arrays.stream(path.split("/", -1))
                .map(part -> part.startsWith("{") && part.endsWith("}") ? "[^/]+" : java.util.regex.Pattern.quote(part))
                .collect(java.util.stream.Collectors.joining("/")));
    }

    private Reply run(ServerRequest req, Action action, boolean authenticated) {
        try {
            Principal principal = null;
            if (authenticated) {
                Admission admission = admit(req);
                if (admission.refusal() != null) {
                    // Svix's routes shape their handlers' errors themselves; these come before any handler.
                    return req.path().path().startsWith("/api/v1/") ? SvixApi.inSvixShape(admission.refusal()) : admission.refusal();
                }
                principal = admission.principal();
            }
            return action.handle(new Call(req, principal));
        } catch (RuntimeException e) {
            return failure(e, req);
        }
    }

    /** Who may go on, or why not. */
    private record Admission(Principal principal, Reply refusal) {
        static Admission refused(Reply why) {
            return new Admission(null, why);
        }
    }

    /**
     * Whether an authenticated route's handler may run for this request: not without a valid key,
     * nor with too many unknown keys from its address, its key over its rate limit, or a write with
     * read-only access.
     */
    private Admission admit(ServerRequest req) {
        String address = req.remotePeer().address() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "unknown";
        long wait = guessing.waitMillis(address, clock.millis());
        if (wait > 0) {
            return Admission.refused(Reply.error(429, "rate_limited", "too many unknown API keys from this address; try again later")
                    .withHeader("Retry-After", Long.toString((wait + 999) / 1000)));
        }
        String header = req.headers().value(HeaderNames.AUTHORIZATION).orElse("");
        String bearer = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Principal principal = (PortalTokens.looksLikeOne(bearer) ? portal.verify(bearer) : keys.authenticate(bearer)).orElse(null);
        if (principal == null) {
            // Portal links are checked by their MAC, without a database read, and cannot be
            // guessed; an expired one is no guess either. Only unknown API keys count.
            if (bearer != null && !PortalTokens.looksLikeOne(bearer) && keys.isUnknown(bearer)) {
                guessing.unknownKey(address, clock.millis());
            }
            return Admission.refused(Reply.error(401, "unauthorized", bearer == null
                    ? "send an API key as 'Authorization: Bearer <key>'"
                    : "the API key is not valid or was revoked")
                    .withHeader("WWW-Authenticate", "Bearer"));
        }
        if (principal.ratePerMinute() != null && perKey.acquire(principal.keyId(), principal.ratePerMinute(), 60_000,
                clock.millis()) instanceof SlidingWindowLimiter.Decision.Refused refused) {
            return Admission.refused(Reply.error(429, "rate_limited", "this API key is limited to " + principal.ratePerMinute() + " calls a minute")
                    .withHeader("Retry-After", Long.toString(Math.max(1, (refused.retryAfterMillis() + 999) / 1000))));
        }
        Method method = req.prologue().method();
        if (principal.readOnly() && method != Method.GET && method != Method.HEAD) {
            // One check for read-only keys and read-only portal links, here before any handler,
            // so a write route added later cannot forget it.
            return Admission.refused(Reply.error(403, "forbidden", "this access is read-only: it may look, not change anything"));
        }
        return new Admission(principal, null);
    }

    public static Reply failure(RuntimeException e, ServerRequest req) {
        return switch (e) {
            case Failure.NotFound f -> Reply.error(404, f.code(), f.getMessage());
            case Failure.Conflict f -> Reply.error(409, f.code(), f.getMessage());
            case Failure.Invalid f -> Reply.error(422, f.code(), f.getMessage());
            case Failure.Forbidden f -> Reply.error(403, f.code(), f.getMessage());
            case Failure.Unavailable f -> {
                // The reason is one of the store's own fixed phrases ("the write queue is full", ...), never input.
                ERROR_LOG.atWarn().setMessage("request answered 503").addKeyValue("event", "api_error")
                        .addKeyValue("method", req.prologue().method().text()).addKeyValue("route", route(req))
                        .addKeyValue("status", 503).addKeyValue("code", f.code()).addKeyValue("reason", f.getMessage()).log();
                yield Reply.error(503, f.code(), f.getMessage())
                        .withHeader("Retry-After", Integer.toString(f.retryAfterSeconds()));
            }
            case Json.BadRequest b -> Reply.error(b.status, b.code, b.getMessage());
            default -> {
                ERROR_LOG.atError().setMessage("request failed").addKeyValue("event", "api_error")
                        .addKeyValue("method", req.prologue().method().text()).addKeyValue("route", route(req))
                        .addKeyValue("status", 500).setCause(e).log();
                yield Reply.error(500, "internal_error", "the server failed to handle this request; it has been logged");
            }
        };
    }

    /**
     * The route a request matched ({@code /v1/apps/{app}/messages}), for log lines: never the path
     * itself, which for the receive routes holds a source's secret token.
     */
    static String route(ServerRequest req) {
        // A request no route took has an empty pattern, not none: its own path is what to name.
        return req.matchingPattern().filter(pattern -> !pattern.isEmpty()).orElseGet(() -> {
            String path = req.path().path();
            int at = path.indexOf("/webhooks/");
            return at < 0 ? path : path.substring(0, at) + "/webhooks/{token}";
        });
    }

    static void respond(ServerRequest req, ServerResponse res, Reply reply) {
        res.status(reply.status());
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            res.header(h.getKey(), h.getValue());
        }
        if (reply.body() == null) {
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            ResponseBody.send(req, res, Json.MAPPER.writeValueAsBytes(reply.body()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
