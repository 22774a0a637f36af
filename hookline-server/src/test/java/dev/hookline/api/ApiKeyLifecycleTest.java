package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A key works from its creation until it is revoked, expires or loses its app, and on every node at once. */
class ApiKeyLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void anExpiredKeyStopsWorkingAtItsExpiry() {
        ShiftableClock clock = new ShiftableClock();
        try (TestServer server = new TestServer(clock)) {
            String expiry = Instant.ofEpochMilli(clock.millis()).plus(Duration.ofHours(1)).toString();
            Response created = server.post("/v1/api-keys", "{\"name\":\"temp\",\"expires_at\":\"" + expiry + "\"}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(Instant.parse(created.text("/expires_at"))).isEqualTo(Instant.parse(expiry));
            String key = created.text("/key");
            assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);

            clock.advance(Duration.ofMinutes(61));

            assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(401);
            assertThat(server.post("/v1/api-keys", "{\"name\":\"past\",\"expires_at\":\"2001-01-01T00:00:00Z\"}").status()).isEqualTo(422);
        }
    }

    @Test
    void aKeyScopedToADeletedAppStopsWorkingAndAnotherAppWithTheSameUidIsNotItsApp() {
        try (TestServer server = new TestServer()) {
            server.post("/v1/apps", "{\"name\":\"Gone\",\"uid\":\"reused-uid\"}");
            String key = server.post("/v1/api-keys", "{\"name\":\"scoped\",\"app\":\"reused-uid\"}").text("/key");
            assertThat(server.call("GET", "/v1/apps/reused-uid", null, key).status()).isEqualTo(200);

            assertThat(server.delete("/v1/apps/reused-uid").status()).isEqualTo(204);
            server.post("/v1/apps", "{\"name\":\"Successor\",\"uid\":\"reused-uid\"}");

            assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(401);
            assertThat(server.call("GET", "/v1/apps/reused-uid", null, key).status()).isEqualTo(401);
        }
    }

    @Test
    void lastUsedAtIsShownToTheMinute() {
        ShiftableClock clock = new ShiftableClock();
        try (TestServer server = new TestServer(clock)) {
            Response created = server.post("/v1/api-keys", "{\"name\":\"used\"}");
            assertThat(created.json("/last_used_at").isNull()).isTrue();
            String key = created.text("/key");

            Instant before = Instant.ofEpochMilli(clock.millis());
            server.call("GET", "/v1/apps", null, key);
            Instant first = Instant.parse(listed(server, created.text("/id")).get("last_used_at").asText());
            assertThat(first).isBetween(before, Instant.ofEpochMilli(clock.millis()));

            clock.advance(Duration.ofSeconds(30));
            server.call("GET", "/v1/apps", null, key);
            assertThat(Instant.parse(listed(server, created.text("/id")).get("last_used_at").asText())).isEqualTo(first);

            clock.advance(Duration.ofSeconds(31));
            server.call("GET", "/v1/apps", null, key);
            assertThat(Instant.parse(listed(server, created.text("/id")).get("last_used_at").asText()))
                    .isAfterOrEqualTo(first.plusSeconds(61));
        }
    }

    private static JsonNode listed(TestServer server, String id) {
        for (JsonNode k : server.get("/v1/api-keys?limit=250").body().get("data")) {
            if (k.get("id").asText().equals(id)) {
                return k;
            }
        }
        throw new AssertionError("key " + id + " is not listed");
    }

    /** Two nodes on one PostgreSQL: a key revoked on one fails on the other at its very next request. */
    @Test
    void aRevocationTakesEffectOnTheNextRequestOnEveryNode() {
        String masterKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        try (TestServer one = new TestServer(Backend.POSTGRESQL, Clock.systemUTC(), s -> s.withMasterKey(masterKey))) {
            try (TestServer two = new TestServer(Backend.POSTGRESQL, Clock.systemUTC(),
                    s -> s.withMasterKey(masterKey).withDatabaseUrl(one.databaseUrl()))) {
                Response created = one.post("/v1/api-keys", "{\"name\":\"shared\"}");
                String key = created.text("/key");
                assertThat(two.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);

                assertThat(one.delete("/v1/api-keys/" + created.text("/id")).status()).isEqualTo(204);

                assertThat(two.call("GET", "/v1/apps", null, key).status()).isEqualTo(401);
            }
        }
    }

    @Test
    void creatingAndRevokingAKeyAreOperationalEventsThatNeverCarryTheKey() {
        try (TestServer server = new TestServer(); Receiver receiver = new Receiver()) {
            server.post("/v1/operational-webhooks/endpoints", "{\"url\":\"" + receiver.url() + "\"}");
            Response created = server.post("/v1/api-keys", "{\"name\":\"watched\",\"read_only\":true}");
            server.delete("/v1/api-keys/" + created.text("/id"));

            Await.until("both key events", WAIT, () -> receiver.count() >= 2);
            assertThat(receiver.requests()).extracting(Receiver.Request::bodyText)
                    .anySatisfy(b -> assertThat(b).contains("\"event\":\"apikey.created\"").contains(created.text("/id"))
                            .contains("\"read_only\":true"))
                    .anySatisfy(b -> assertThat(b).contains("\"event\":\"apikey.revoked\"").contains(created.text("/id")))
                    .allSatisfy(b -> assertThat(b).doesNotContain(created.text("/key")).doesNotContain(created.text("/key_prefix")));
        }
    }
}
