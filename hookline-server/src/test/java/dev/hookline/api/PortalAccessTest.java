package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/apps/{app}/portal-access}: a link that reaches one app, and nothing else, for a while. */
class PortalAccessTest {
    private static final ShiftableClock clock = new ShiftableClock();
    private static TestServer server;
    private static Receiver receiver;
    private static String mine;
    private static String other;
    private static String otherEndpoint;
    private static String otherMessage;

    @BeforeAll
    static void start() {
        server = new TestServer(clock);
        receiver = new Receiver();
        mine = server.createApp("Mine");
        other = server.createApp("Other");
        server.createEndpoint(mine, "{\"url\":\"" + receiver.url() + "\"}");
        otherEndpoint = server.createEndpoint(other, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
        otherMessage = server.send(other, "invoice.paid", "{}");
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    private static Response portal(String app, String body) {
        return server.post("/v1/apps/" + app + "/portal-access", body);
    }

    private static String token(String body) {
        Response r = portal(mine, body);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.text("/token");
    }

    @Test
    void aLinkOpensThePortalForOneAppForAnHourByDefault() {
        long before = clock.millis();
        Response r = portal(mine, "{}");
        assertThat(r.status()).isEqualTo(201);
        String token = r.text("/token");
        assertThat(token).startsWith("hkp_");
        assertThat(r.text("/url")).isEqualTo(server.baseUrl() + "/portal#token=" + token);
        assertThat(r.text("/app_id")).isEqualTo(mine);
        assertThat(r.json("/read_only").asBoolean()).isFalse();
        long expires = Instant.parse(r.text("/expires_at")).toEpochMilli();
        assertThat(expires - before).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofMinutes(61).toMillis());

        Response apps = server.call("GET", "/v1/apps", null, token);
        assertThat(apps.status()).isEqualTo(200);
        assertThat(apps.json("/data")).hasSize(1);
        assertThat(apps.text("/data/0/id")).isEqualTo(mine);
        assertThat(server.call("GET", "/v1/apps/" + mine + "/endpoints", null, token).json("/data")).hasSize(1);
        Response created = server.call("POST", "/v1/apps/" + mine + "/endpoints", "{\"url\":\"" + receiver.url() + "\"}", token);
        assertThat(created.status()).isEqualTo(201);
        assertThat(server.call("GET", "/v1/event-types", null, token).status()).isEqualTo(200);
    }

    @Test
    void reachesNothingOfAnotherApp() {
        String token = token("{}");
        for (String path : List.of("/v1/apps/" + other, "/v1/apps/" + other + "/endpoints", "/v1/apps/" + other + "/endpoints/" + otherEndpoint,
                "/v1/apps/" + other + "/endpoints/" + otherEndpoint + "/attempts", "/v1/apps/" + other + "/messages",
                "/v1/apps/" + other + "/messages/" + otherMessage, "/v1/apps/" + other + "/messages/" + otherMessage + "/attempts",
                "/v1/stats?app=" + other)) {
            assertThat(server.call("GET", path, null, token).status()).as(path).isEqualTo(404);
        }
        // another app's ids under this app's path are not found either
        assertThat(server.call("GET", "/v1/apps/" + mine + "/endpoints/" + otherEndpoint, null, token).status()).isEqualTo(404);
        assertThat(server.call("GET", "/v1/apps/" + mine + "/messages/" + otherMessage, null, token).status()).isEqualTo(404);
        assertThat(server.call("POST", "/v1/apps/" + other + "/endpoints/" + otherEndpoint + "/test", "{}", token).status()).isEqualTo(404);
    }

    @Test
    void reachesNoOperatorRoute() {
        String token = token("{}");
        assertThat(server.call("GET", "/v1/api-keys", null, token).status()).isEqualTo(403);
        assertThat(server.call("POST", "/v1/api-keys", "{\"name\":\"x\"}", token).status()).isEqualTo(403);
        assertThat(server.call("GET", "/v1/sources", null, token).status()).isEqualTo(403);
        assertThat(server.call("GET", "/v1/operational-webhooks/endpoints", null, token).status()).isEqualTo(403);
        assertThat(server.call("POST", "/v1/apps", "{\"name\":\"x\"}", token).status()).isEqualTo(403);
        assertThat(server.call("POST", "/v1/event-types", "{\"name\":\"x.y\"}", token).status()).isEqualTo(403);
        assertThat(server.call("DELETE", "/v1/apps/" + mine, null, token).status()).isEqualTo(403);
        // a portal cannot hand out portals
        assertThat(server.call("POST", "/v1/apps/" + mine + "/portal-access", "{}", token).status()).isEqualTo(403);
        String appKey = server.post("/v1/api-keys", "{\"name\":\"app\",\"app\":\"" + mine + "\"}").text("/key");
        assertThat(server.call("POST", "/v1/apps/" + mine + "/portal-access", "{}", appKey).status()).isEqualTo(403);
    }

    @Test
    void aReadOnlyLinkLooksButChangesNothing() {
        String token = token("{\"read_only\":true}");
        assertThat(server.call("GET", "/v1/apps/" + mine + "/endpoints", null, token).status()).isEqualTo(200);
        String endpoint = server.call("GET", "/v1/apps/" + mine + "/endpoints", null, token).text("/data/0/id");
        String one = "/v1/apps/" + mine + "/endpoints/" + endpoint;
        int before = server.get("/v1/apps/" + mine + "/endpoints").json("/data").size();
        for (String[] call : List.of(
                new String[] {"POST", "/v1/apps/" + mine + "/endpoints", "{\"url\":\"" + receiver.url() + "\"}"},
                new String[] {"PATCH", one, "{\"enabled\":false}"},
                new String[] {"DELETE", one, null},
                new String[] {"POST", one + "/secret/rotate", "{}"},
                new String[] {"POST", one + "/test", "{}"},
                new String[] {"POST", one + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}"},
                new String[] {"POST", "/v1/apps/" + mine + "/messages", "{\"event\":\"a.b\",\"data\":{}}"},
                new String[] {"PATCH", "/v1/apps/" + mine, "{\"name\":\"renamed\"}"})) {
            Response r = server.call(call[0], call[1], call[2], token);
            assertThat(r.status()).as("%s %s", call[0], call[1]).isEqualTo(403);
            assertThat(r.text("/error/message")).contains("read-only");
        }
        assertThat(server.get("/v1/apps/" + mine + "/endpoints").json("/data")).hasSize(before);
        assertThat(server.get(one).json("/enabled").asBoolean()).isTrue();
        assertThat(server.get("/v1/apps/" + mine).text("/name")).isEqualTo("Mine");
    }

    @Test
    void aLinkStopsWorkingWhenItExpires() {
        String token = token("{\"expires_in\":120}");
        assertThat(server.call("GET", "/v1/apps", null, token).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(121));
        assertThat(server.call("GET", "/v1/apps", null, token).status()).isEqualTo(401);
    }

    @Test
    void anAlteredOrForgedTokenIsRefused() {
        String token = token("{}");
        String payload = token.substring(4, token.lastIndexOf('.'));
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(payload)).replace(mine, other).getBytes());
        for (String bad : List.of("hkp_" + forgedPayload + token.substring(token.lastIndexOf('.')), token + "x",
                token.substring(0, token.length() - 2), "hkp_", "hkp_.", "hkp_abc.%%%", "hkp_" + "a".repeat(5000) + ".b")) {
            assertThat(server.call("GET", "/v1/apps", null, bad).status()).as(bad).isEqualTo(401);
        }
    }

    @Test
    void refusesLinkOptionsItCannotKeep() {
        for (String body : List.of("{\"expires_in\":604801}", "{\"expires_in\":10}", "{\"read_only\":\"yes\"}",
                "{\"branding\":{\"logo_url\":\"http://example.com/logo.png\"}}", "{\"branding\":{\"logo_url\":\"https://x/\\\" onerror\"}}",
                "{\"branding\":{\"accent_color\":\"red; background: url(x)\"}}", "{\"branding\":{\"font\":\"x\"}}", "{\"lifetime\":3600}")) {
            Response r = portal(mine, body);
            assertThat(r.status()).as(body).isEqualTo(422);
            assertThat(r.text("/error/code")).isEqualTo("validation_failed");
        }
        assertThat(portal("app_nope", "{}").status()).isEqualTo(404);
        Response week = portal(mine, "{\"expires_in\":604800,\"branding\":{\"name\":\"Acme\",\"logo_url\":\"https://acme.example/logo.svg\","
                + "\"accent_color\":\"#ff6600\"}}");
        assertThat(week.status()).isEqualTo(201);
        assertThat(week.text("/branding/name")).isEqualTo("Acme");
    }
}
