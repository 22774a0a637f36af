package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route of the route table — Hookline's own and the Svix-compatible API at {@code /api/v1} —
 * called with a root key, a key scoped to app A, a read-only key, a revoked key, an expired key, and
 * A's customer portal links (full and read-only), for A's and B's resources by id and by uid, and for
 * A's path with B's endpoint or message in it: each answer's status is exactly what the route's row
 * says. A route added later without a row here fails {@link #everyRouteHasARow}.
 *
 * <p>A call that should succeed and changes something gets resources of its own, made just before
 * it, so no call depends on what an earlier one did.
 */
class AuthorizationTableTest {
    /** Who may call a route. */
    enum Access {
        /** No key needed (health, the receive path). */
        OPEN,
        /** Any live key. */
        ANY,
        /** Root keys only; the route names no app. */
        ROOT,
        /** Root keys only, on one app (deleting it). */
        ROOT_APP,
        /** A root key, or a key scoped to the app in the path. */
        APP,
        /** As {@link #APP}, but not read-only: the answer is a signing secret (Svix's getSecret). */
        APP_SECRET
    }

    enum Key {
        ROOT, APP_A, READ_ONLY, REVOKED, EXPIRED, PORTAL_A, PORTAL_A_READ_ONLY;

        boolean readOnly() {
            return this == READ_ONLY || this == PORTAL_A_READ_ONLY;
        }

        boolean scopedToA() {
            return this == APP_A || this == PORTAL_A || this == PORTAL_A_READ_ONLY;
        }
    }

    enum Target {
        NONE, A_BY_ID, A_BY_UID, B_BY_ID, B_BY_UID,
        /** A's path with B's endpoint or message id in it. */
        A_WITH_B_CHILD
    }

    record Row(String method, String path, Access access, int success, String body) {
        String route() {
            return method + " " + path;
        }
    }

    private static final String MSG = "/v1/apps/{app}/messages/{msg}";
    private static final String OPS = "/v1/operational-webhooks/endpoints";
    private static final String SRC = "/v1/sources/{id}";
    private static final String SVIX_APP = "/api/v1/app/{app}";
    private static final String SVIX_EP = SVIX_APP + "/endpoint/{ep}";

    static final List<Row> TABLE = java.util.stream.Stream.of(List.of(
            new Row("GET", "/health", Access.OPEN, 200, null),
            new Row("GET", "/health/live", Access.OPEN, 200, null),
            new Row("GET", "/health/ready", Access.OPEN, 200, null),
            new Row("GET", "/metrics", Access.OPEN, 200, null),
            new Row("GET", "/openapi.json", Access.OPEN, 200, null),
            new Row("GET", "/docs", Access.OPEN, 200, null),
            new Row("POST", "/webhooks/{token}", Access.OPEN, 200, "{\"hello\":1}"),
            new Row("POST", "/v1/webhooks/{token}", Access.OPEN, 200, "{\"hello\":1}"),

            new Row("POST", "/v1/api-keys", Access.ROOT, 201, "{\"name\":\"made in the table\"}"),
            new Row("GET", "/v1/api-keys", Access.ROOT, 200, null),
            new Row("DELETE", "/v1/api-keys/{id}", Access.ROOT, 204, null),

            new Row("POST", "/v1/event-types", Access.ROOT, 201, "{\"name\":\"{fresh}\"}"),
            new Row("GET", "/v1/event-types", Access.ANY, 200, null),
            new Row("GET", "/v1/event-types/{name}", Access.ANY, 200, null),
            new Row("PATCH", "/v1/event-types/{name}", Access.ROOT, 200, "{\"description\":\"changed\"}"),
            new Row("DELETE", "/v1/event-types/{name}", Access.ROOT, 204, null),

            new Row("POST", "/v1/apps", Access.ROOT, 201, "{\"name\":\"made in the table\"}"),
            new Row("GET", "/v1/apps", Access.ANY, 200, null),
            new Row("GET", "/v1/apps/{app}", Access.APP, 200, null),
            new Row("PATCH", "/v1/apps/{app}", Access.APP, 200, "{\"name\":\"renamed\"}"),
            new Row("DELETE", "/v1/apps/{app}", Access.ROOT_APP, 204, null),
            new Row("POST", "/v1/apps/{app}/portal-access", Access.ROOT_APP, 201, "{}"),
            new Row("GET", "/v1/stats", Access.ANY, 200, null),

            new Row("POST", "/v1/apps/{app}/messages", Access.APP, 202, "{\"event\":\"table.check\",\"data\":{}}"),
            new Row("GET", "/v1/apps/{app}/messages", Access.APP, 200, null),
            new Row("GET", MSG, Access.APP, 200, null),
            new Row("GET", MSG + "/attempts", Access.APP, 200, null),
            new Row("GET", "/v1/apps/{app}/attempts", Access.APP, 200, null),
            new Row("POST", MSG + "/endpoints/{ep}/resend", Access.APP, 202, null),
            new Row("DELETE", MSG + "/content", Access.APP, 204, null),

            new Row("POST", "/v1/sources", Access.ROOT, 201, "{\"name\":\"made in the table\"}"),
            new Row("GET", "/v1/sources", Access.ROOT, 200, null),
            new Row("GET", SRC, Access.ROOT, 200, null),
            new Row("PATCH", SRC, Access.ROOT, 200, "{\"name\":\"renamed\"}"),
            new Row("DELETE", SRC, Access.ROOT, 204, null),
            new Row("POST", SRC + "/secret/rotate", Access.ROOT, 200, "{}"),
            new Row("POST", SRC + "/api-key/rotate", Access.ROOT, 200, "{}"),
            new Row("GET", SRC + "/events", Access.ROOT, 200, null),
            new Row("GET", SRC + "/events/{evt}", Access.ROOT, 200, null),
            new Row("POST", SRC + "/events/{evt}/replay", Access.ROOT, 202, null)),
            endpointRows("/v1/apps/{app}/endpoints", Access.APP),
            endpointRows(OPS, Access.ROOT),
            svixRows()).flatMap(List::stream).toList();

    /** Svix's API: the same keys, the same stores, so the same answers (in Svix's error shape). */
    private static List<Row> svixRows() {
        return List.of(
                new Row("GET", "/api/v1/health", Access.OPEN, 204, null),
                new Row("POST", "/api/v1/auth/app-portal-access/{app}", Access.ROOT_APP, 200, "{\"readOnly\":true}"),
                new Row("POST", "/api/v1/auth/dashboard-access/{app}", Access.ROOT_APP, 200, null),
                new Row("POST", "/api/v1/app", Access.ROOT, 201, "{\"name\":\"made in the table\"}"),
                new Row("GET", "/api/v1/app", Access.ANY, 200, null),
                new Row("GET", SVIX_APP, Access.APP, 200, null),
                new Row("PUT", SVIX_APP, Access.APP, 200, "{\"name\":\"renamed\"}"),
                new Row("PATCH", SVIX_APP, Access.APP, 200, "{\"name\":\"renamed\"}"),
                new Row("DELETE", SVIX_APP, Access.ROOT_APP, 204, null),

                new Row("POST", SVIX_APP + "/endpoint", Access.APP, 201, "{\"url\":\"{receiver}\"}"),
                new Row("GET", SVIX_APP + "/endpoint", Access.APP, 200, null),
                new Row("GET", SVIX_EP, Access.APP, 200, null),
                new Row("PUT", SVIX_EP, Access.APP, 200, "{\"url\":\"{receiver}\"}"),
                new Row("PATCH", SVIX_EP, Access.APP, 200, "{\"description\":\"changed\"}"),
                new Row("DELETE", SVIX_EP, Access.APP, 204, null),
                new Row("GET", SVIX_EP + "/headers", Access.APP, 200, null),
                new Row("PUT", SVIX_EP + "/headers", Access.APP, 204, "{\"headers\":{\"X-Table\":\"1\"}}"),
                new Row("PATCH", SVIX_EP + "/headers", Access.APP, 204, "{\"headers\":{\"X-Table\":\"2\"}}"),
                new Row("GET", SVIX_EP + "/secret", Access.APP_SECRET, 200, null),
                new Row("POST", SVIX_EP + "/secret/rotate", Access.APP, 204, "{}"),
                new Row("POST", SVIX_EP + "/recover", Access.APP, 202, "{\"since\":\"2020-01-01T00:00:00Z\"}"),
                new Row("GET", SVIX_EP + "/stats", Access.APP, 200, null),

                new Row("POST", SVIX_APP + "/msg", Access.APP, 202, "{\"eventType\":\"table.check\",\"payload\":{}}"),
                new Row("GET", SVIX_APP + "/msg", Access.APP, 200, null),
                new Row("GET", SVIX_APP + "/msg/{msg}", Access.APP, 200, null),
                new Row("DELETE", SVIX_APP + "/msg/{msg}/content", Access.APP, 204, null),
                new Row("GET", SVIX_APP + "/attempt/endpoint/{ep}", Access.APP, 200, null),
                new Row("GET", SVIX_APP + "/attempt/msg/{msg}", Access.APP, 200, null),
                new Row("POST", SVIX_APP + "/msg/{msg}/endpoint/{ep}/resend", Access.APP, 202, null),

                new Row("POST", "/api/v1/event-type", Access.ROOT, 201, "{\"name\":\"{fresh}\",\"description\":\"made\"}"),
                new Row("GET", "/api/v1/event-type", Access.ANY, 200, null),
                new Row("GET", "/api/v1/event-type/{name}", Access.ANY, 200, null),
                new Row("PUT", "/api/v1/event-type/{name}", Access.ROOT, 200, "{\"description\":\"changed\"}"),
                new Row("PATCH", "/api/v1/event-type/{name}", Access.ROOT, 200, "{\"description\":\"changed\"}"),
                new Row("DELETE", "/api/v1/event-type/{name}", Access.ROOT, 204, null));
    }

    /** An app's endpoints and the operational webhook endpoints share one set of routes. */
    private static List<Row> endpointRows(String base, Access access) {
        String one = base + "/{ep}";
        return List.of(
                new Row("POST", base, access, 201, "{\"url\":\"{receiver}\"}"),
                new Row("GET", base, access, 200, null),
                new Row("GET", one, access, 200, null),
                new Row("PATCH", one, access, 200, "{\"name\":\"renamed\"}"),
                new Row("DELETE", one, access, 204, null),
                new Row("POST", one + "/secret/rotate", access, 200, "{}"),
                new Row("POST", one + "/test", access, 202, null),
                new Row("POST", one + "/recover", access, 202, "{\"since\":\"2020-01-01T00:00:00Z\"}"),
                new Row("GET", one + "/attempts", access, 200, null),
                new Row("GET", one + "/deliveries", access, 200, null));
    }

    /** An app with an endpoint and a message sent to it. */
    record World(String app, String uid, String endpoint, String message) {}

    /** A source that verifies and requires a key (for the rotations), and one holding an event to read and replay. */
    record Sources(String guarded, String open, String token, String event) {}

    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final ShiftableClock CLOCK = new ShiftableClock();
    private static TestServer server;
    private static Receiver receiver;
    private static World a;
    private static World b;
    private static String appKey;
    private static String readOnlyKey;
    private static String revokedKey;
    private static String expiredKey;
    private static String portalA;
    private static String portalAReadOnly;
    private static String someKeyId;
    private static String eventType;
    private static String operationalEndpoint;
    private static Sources sources;

    @BeforeAll
    static void start() {
        server = new TestServer(CLOCK);
        receiver = new Receiver();
        String inAnHour = Instant.ofEpochMilli(CLOCK.millis()).plus(Duration.ofHours(1)).toString();
        expiredKey = key("{\"name\":\"expiring\",\"expires_at\":\"" + inAnHour + "\"}");
        CLOCK.advance(Duration.ofHours(2)); // before anything else, so nothing else outlives its own time
        a = world();
        b = world();
        appKey = key("{\"name\":\"a\",\"app\":\"" + a.app() + "\"}");
        portalA = portal(a.app(), false);
        portalAReadOnly = portal(a.app(), true);
        readOnlyKey = key("{\"name\":\"reader\",\"read_only\":true}");
        Response revoked = created("/v1/api-keys", "{\"name\":\"revoked\"}");
        revokedKey = revoked.text("/key");
        assertThat(server.delete("/v1/api-keys/" + revoked.text("/id")).status()).isEqualTo(204);
        someKeyId = created("/v1/api-keys", "{\"name\":\"listed\"}").text("/id");
        eventType = freshEventType();
        operationalEndpoint = created(OPS, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
        sources = sources();
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    private static Response created(String path, String body) {
        Response r = server.post(path, body);
        assertThat(r.status()).as("%s %s", path, r.raw().body()).isIn(200, 201, 202);
        return r;
    }

    private static String key(String body) {
        return created("/v1/api-keys", body).text("/key");
    }

    private static String portal(String app, boolean readOnly) {
        return created("/v1/apps/" + app + "/portal-access", "{\"read_only\":" + readOnly + "}").text("/token");
    }

    private static World world() {
        String uid = "table-" + SERIAL.incrementAndGet();
        String app = created("/v1/apps", "{\"name\":\"" + uid + "\",\"uid\":\"" + uid + "\"}").text("/id");
        String ep = created("/v1/apps/" + app + "/endpoints", "{\"url\":\"" + receiver.url() + "\"}").text("/id");
        String msg = created("/v1/apps/" + app + "/messages", "{\"event\":\"table.check\",\"data\":{}}").text("/id");
        return new World(app, uid, ep, msg);
    }

    private static String freshEventType() {
        return created("/v1/event-types", "{\"name\":\"table.type" + SERIAL.incrementAndGet() + "\"}").text("/name");
    }

    private static Sources sources() {
        String guarded = created("/v1/sources", "{\"name\":\"guarded\",\"verification\":{\"scheme\":\"hex\"},\"api_key_required\":true}")
                .text("/id");
        Response open = created("/v1/sources", "{\"name\":\"open\",\"forward\":{\"app\":\"" + a.app() + "\"}}");
        String url = open.text("/url");
        String token = url.substring(url.lastIndexOf('/') + 1);
        Response posted = server.call("POST", "/webhooks/" + token, "{\"first\":true}", null);
        assertThat(posted.status()).isEqualTo(200);
        return new Sources(guarded, open.text("/id"), token, posted.text("/id"));
    }

    @Test
    void everyRouteHasARow() {
        Set<String> rows = TABLE.stream().map(r -> r.route() + (r.access() == Access.OPEN ? " (open)" : ""))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        List<String> routes = server.routes().stream()
                .map(r -> r.method() + " " + r.path() + (r.authenticated() ? "" : " (open)")).toList();
        assertThat(routes).as("routes without a row in the authorization table (add one)").isSubsetOf(rows);
        assertThat(rows).as("rows for routes that no longer exist").isSubsetOf(routes);
    }

    @Test
    void everyRouteAnswersEachKeyExactlyAsItsRowSays() {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Row row : TABLE) {
            for (Key key : Key.values()) {
                for (Target target : targets(row)) {
                    int expected = expected(row, key, target);
                    Response r = call(row, key, target, expected);
                    calls++;
                    if (r.status() != expected) {
                        wrong.add(row.route() + " as " + key + " on " + target + ": " + r.status() + " (expected " + expected + ") "
                                + r.raw().body());
                    }
                    if (row.method().equals("GET")) { // HEAD is answered by the GET's handler: the same key needed, the same status
                        Response head = call(new Row("HEAD", row.path(), row.access(), row.success(), null), key, target, expected);
                        calls++;
                        if (head.status() != expected || !head.raw().body().isEmpty()) {
                            wrong.add("HEAD " + row.path() + " as " + key + " on " + target + ": " + head.status() + " (expected "
                                    + expected + ") " + head.raw().body());
                        }
                    }
                }
            }
        }
        assertThat(wrong).as("of %d calls", calls).isEmpty();
    }

    @Test
    void readOnlyCallersSeeNoCustomHeaderValueThroughTheSvixApi() {
        String ep = created("/v1/apps/" + a.app() + "/endpoints",
                "{\"url\":\"" + receiver.url() + "\",\"headers\":{\"X-Receiver-Token\":\"tok-s3cr3t\"}}").text("/id");
        String path = "/api/v1/app/" + a.app() + "/endpoint/" + ep + "/headers";
        for (String readOnly : List.of(readOnlyKey, portalAReadOnly)) {
            Response r = server.call("GET", path, null, readOnly);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.raw().body()).doesNotContain("tok-s3cr3t");
            assertThat(r.text("/sensitive/0")).isEqualTo("X-Receiver-Token");
        }
        // A full key gets what Svix gives (it could point the endpoint at itself and read them anyway).
        assertThat(server.call("GET", path, null, appKey).text("/headers/X-Receiver-Token")).isEqualTo("tok-s3cr3t");
    }

    private static List<Target> targets(Row row) {
        return switch (row.access()) {
            case APP, APP_SECRET -> row.path().contains("{ep}") || row.path().contains("{msg}")
                    ? List.of(Target.A_BY_ID, Target.A_BY_UID, Target.B_BY_ID, Target.B_BY_UID, Target.A_WITH_B_CHILD)
                    : List.of(Target.A_BY_ID, Target.A_BY_UID, Target.B_BY_ID, Target.B_BY_UID);
            case ROOT_APP -> List.of(Target.A_BY_ID, Target.A_BY_UID, Target.B_BY_ID, Target.B_BY_UID);
            default -> List.of(Target.NONE);
        };
    }

    static int expected(Row row, Key key, Target target) {
        if (row.access() == Access.OPEN) {
            return row.success();
        }
        if (key == Key.REVOKED || key == Key.EXPIRED) {
            return 401;
        }
        if (key.readOnly() && (!row.method().equals("GET") || row.access() == Access.APP_SECRET)) {
            return 403;
        }
        return switch (row.access()) {
            case ROOT, ROOT_APP -> key.scopedToA() ? 403 : row.success();
            case APP, APP_SECRET -> target == Target.A_WITH_B_CHILD
                    || (key.scopedToA() && (target == Target.B_BY_ID || target == Target.B_BY_UID)) ? 404 : row.success();
            default -> row.success();
        };
    }

    /**
     * Makes the call. One that should succeed and writes gets fresh resources (and, for the scoped
     * key, a fresh key scoped to the fresh app), so it cannot spoil the shared ones.
     */
    private static Response call(Row row, Key key, Target target, int expected) {
        boolean reads = row.method().equals("GET") || row.method().equals("HEAD");
        boolean freshNeeded = expected == row.success() && !reads && row.access() != Access.OPEN;
        World mine = target == Target.B_BY_ID || target == Target.B_BY_UID ? b : a;
        World children = target == Target.A_WITH_B_CHILD ? b : mine;
        String bearer = switch (key) {
            case ROOT -> TestServer.ROOT_KEY;
            case APP_A -> appKey;
            case READ_ONLY -> readOnlyKey;
            case REVOKED -> revokedKey;
            case EXPIRED -> expiredKey;
            case PORTAL_A -> portalA;
            case PORTAL_A_READ_ONLY -> portalAReadOnly;
        };
        String keyId = someKeyId;
        String typeName = eventType;
        String opsEndpoint = operationalEndpoint;
        Sources src = sources;
        if (freshNeeded) {
            switch (row.access()) {
                case APP, APP_SECRET, ROOT_APP -> {
                    mine = world();
                    children = mine;
                    if (key == Key.APP_A) {
                        bearer = key("{\"name\":\"fresh\",\"app\":\"" + mine.app() + "\"}");
                    } else if (key == Key.PORTAL_A) {
                        bearer = portal(mine.app(), false);
                    }
                }
                case ROOT -> {
                    keyId = created("/v1/api-keys", "{\"name\":\"to revoke\"}").text("/id");
                    typeName = freshEventType();
                    opsEndpoint = created(OPS, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
                    src = sources();
                }
                default -> { }
            }
        }
        boolean byUid = target == Target.A_BY_UID || target == Target.B_BY_UID;
        String path = row.path()
                .replace("{app}", byUid ? mine.uid() : mine.app())
                .replace(OPS + "/{ep}", OPS + "/" + opsEndpoint)
                .replace("{ep}", children.endpoint())
                .replace("{msg}", children.message())
                .replace("/v1/api-keys/{id}", "/v1/api-keys/" + keyId)
                .replace("/v1/sources/{id}/events", "/v1/sources/" + src.open() + "/events")
                .replace("/v1/sources/{id}", "/v1/sources/" + src.guarded())
                .replace("{evt}", src.event())
                .replace("{name}", typeName)
                .replace("{token}", src.token());
        String body = row.body() == null ? null : row.body()
                .replace("{receiver}", receiver.url())
                .replace("{fresh}", "table.made" + SERIAL.incrementAndGet());
        return server.call(row.method(), path, body, bearer);
    }
}
