package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code GET /v1/stats}: the overview's numbers, counted from real deliveries to real receivers. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class StatsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    Backend backend;

    private TestServer server;
    private Receiver ok;
    private Receiver failing;
    private String app;
    private String okEndpoint;
    private String failingEndpoint;

    @BeforeEach
    void deliverSome() {
        server = new TestServer(backend);
        ok = new Receiver();
        failing = new Receiver().alwaysAnswering(500);
        app = server.createApp("Stats");
        okEndpoint = server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\"}").text("/id");
        // one retry an hour later: after the first failure each delivery stays pending, not due
        failingEndpoint = server.createEndpoint(app, "{\"url\":\"" + failing.url() + "\",\"retry\":{\"schedule\":[3600]}}").text("/id");
        for (int i = 0; i < 3; i++) {
            server.send(app, "invoice.paid", "{\"n\":" + i + "}");
        }
        Await.until("3 deliveries to each receiver", WAIT, () -> ok.count() == 3 && failing.count() == 3);
        Await.until("all 6 attempts recorded", WAIT, () -> stats("?period=hour").json("/attempts").path("failed").asLong()
                + stats("?period=hour").json("/attempts").path("succeeded").asLong() == 6);
    }

    @AfterEach
    void stop() {
        server.close();
        ok.close();
        failing.close();
    }

    private Response stats(String query) {
        Response r = server.get("/v1/stats" + query);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
        return r;
    }

    @Test
    void countsAttemptsOverTimeWithRateAndLatency() {
        Response r = stats("?period=hour");
        assertThat(r.text("/period")).isEqualTo("hour");
        assertThat(r.json("/bucket_seconds").asLong()).isEqualTo(60);
        JsonNode series = r.json("/series");
        assertThat(series).hasSize(60);
        long succeeded = 0;
        long failed = 0;
        for (JsonNode b : series) {
            succeeded += b.path("succeeded").asLong();
            failed += b.path("failed").asLong();
        }
        assertThat(succeeded).isEqualTo(3);
        assertThat(failed).isEqualTo(3);
        assertThat(r.json("/attempts/success_rate").asDouble()).isEqualTo(0.5);
        assertThat(r.json("/latency_ms/p50").isNumber()).isTrue();
        assertThat(r.json("/latency_ms/p99").asLong()).isGreaterThanOrEqualTo(r.json("/latency_ms/p50").asLong());
        assertThat(r.json("/latency_ms/sampled").asInt()).isEqualTo(6);

        assertThat(stats("?period=week").json("/series")).hasSize(84);
        assertThat(stats("").text("/period")).isEqualTo("day");
    }

    @Test
    void showsTheQueueAndTheEndpointsInTrouble() {
        Response r = stats("?period=day");
        assertThat(r.json("/queue/pending").asLong()).isEqualTo(3); // the failing endpoint's, waiting an hour
        assertThat(r.json("/queue/due").asLong()).isZero();
        assertThat(r.json("/queue/oldest_due_at").isNull()).isTrue();
        assertThat(r.json("/endpoints/total").asLong()).isEqualTo(2);
        assertThat(r.json("/endpoints/troubled")).hasSize(1);
        assertThat(r.text("/endpoints/troubled/0/id")).isEqualTo(failingEndpoint);
        assertThat(r.json("/endpoints/troubled/0/consecutive_failures").asInt()).isEqualTo(3);

        assertThat(server.patch("/v1/apps/" + app + "/endpoints/" + failingEndpoint, "{\"enabled\":false}").status()).isEqualTo(200);
        r = stats("?period=day");
        assertThat(r.json("/endpoints/disabled").asLong()).isEqualTo(1);
        assertThat(r.json("/endpoints/troubled/0/enabled").asBoolean()).isFalse();
    }

    @Test
    void aDeliveryUnderWayIsInFlight() {
        try (Receiver slow = new Receiver().holding()) {
            String held = server.createEndpoint(app, "{\"url\":\"" + slow.url() + "\",\"events\":[\"held\"]}").text("/id");
            server.send(app, "held", "{}");
            Await.until("the held request to arrive", WAIT, () -> slow.count() == 1);
            Response r = stats("?app=" + app + "&endpoint=" + held);
            assertThat(r.json("/queue/in_flight").asLong()).isEqualTo(1);
            assertThat(r.json("/queue/due").asLong()).isZero();
            slow.release();
        }
    }

    @Test
    void narrowsToOneAppAndOneEndpoint() {
        String other = server.createApp("Other");
        Response byApp = stats("?app=" + app);
        JsonNode tallies = byApp.json("/by_endpoint");
        assertThat(tallies).hasSize(2);
        for (JsonNode t : tallies) {
            boolean isOk = t.path("endpoint_id").asText().equals(okEndpoint);
            assertThat(t.path("success_rate").asDouble()).isEqualTo(isOk ? 1.0 : 0.0);
            assertThat(t.path("last_failure_at").isNull()).isEqualTo(isOk);
        }
        Response byEndpoint = stats("?app=" + app + "&endpoint=" + failingEndpoint);
        assertThat(byEndpoint.json("/attempts/succeeded").asLong()).isZero();
        assertThat(byEndpoint.json("/attempts/failed").asLong()).isEqualTo(3);
        assertThat(byEndpoint.json("/endpoints/total").asLong()).isEqualTo(1);

        Response empty = stats("?app=" + other);
        assertThat(empty.json("/attempts/success_rate").isNull()).isTrue();
        assertThat(empty.json("/latency_ms/p50").isNull()).isTrue();
        assertThat(empty.json("/by_endpoint")).isEmpty();
    }

    @Test
    void aScopedKeySeesOnlyItsApp() {
        String other = server.createApp("Other");
        String key = server.post("/v1/api-keys", "{\"name\":\"other\",\"app\":\"" + other + "\"}").text("/key");
        Response own = server.call("GET", "/v1/stats", null, key);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json("/attempts/succeeded").asLong()).isZero();
        assertThat(own.json("/endpoints/total").asLong()).isZero();
        assertThat(server.call("GET", "/v1/stats?app=" + app, null, key).status()).isEqualTo(404);
        assertThat(server.call("GET", "/v1/stats?app=" + app + "&endpoint=" + okEndpoint, null, key).status()).isEqualTo(404);
    }

    @Test
    void refusesWhatItCannotAnswer() {
        Response r = server.get("/v1/stats?period=month");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.text("/error/message")).startsWith("period:");
        assertThat(server.get("/v1/stats?endpoint=" + okEndpoint).status()).isEqualTo(422);
        assertThat(server.get("/v1/stats?app=nope").status()).isEqualTo(404);
        assertThat(server.get("/v1/stats?app=" + app + "&endpoint=ep_nope").status()).isEqualTo(404);
        assertThat(server.call("GET", "/v1/stats", null, null).status()).isEqualTo(401);
    }
}
