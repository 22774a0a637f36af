package dev.hookline.ops;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention that works: old payloads, attempts and inbound events go; records and pending work stay. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class RetentionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ShiftableClock clock = new ShiftableClock();
    private final TestServer server;
    private final Receiver receiver = new Receiver();

    RetentionTest(Backend backend) {
        this.server = new TestServer(backend, clock);
    }

    @AfterEach
    void tearDown() {
        server.close();
        receiver.close();
    }

    @Test
    void payloadsAndAttemptsOlderThanTheRetentionArePurgedButPendingWorkIsKept() {
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
        Receiver down = new Receiver().alwaysAnswering(500);
        String app2 = server.createApp("Pending");
        server.createEndpoint(app2, "{\"url\":\"" + down.url() + "\",\"retry\":{\"schedule\":[86400,86400,86400,86400]}}");
        String old = server.send(app, "order.created", "{\"n\":1}");
        String stillPending = server.send(app2, "order.created", "{\"n\":2}");
        Await.until("the delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(app, old)));
        Await.until("the failed first attempt", WAIT, () -> down.count() == 1);
        String source = server.post("/v1/sources", "{\"name\":\"in\"}").text("/id");
        String url = server.get("/v1/sources/" + source).text("/url");
        dev.hookline.testing.ApiClient.at(url.substring(0, url.indexOf("/webhooks"))).send("POST",
                url.substring(url.indexOf("/webhooks")), "{}", null, "application/json");
        assertThat(server.get("/v1/sources/" + source + "/events").body().get("data")).hasSize(1);

        clock.advance(Duration.ofDays(31));
        server.restart(); // the retention job runs at start, then every minute

        Await.until("the old payload to be purged", WAIT,
                () -> server.get("/v1/apps/" + app + "/messages/" + old).json("/data").isNull());
        var record = server.get("/v1/apps/" + app + "/messages/" + old);
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.text("/event")).isEqualTo("order.created");
        Await.until("old attempts to be purged", WAIT,
                () -> server.get("/v1/apps/" + app + "/messages/" + old + "/attempts").body().get("data").isEmpty());
        // inbound events are purged after attempts, in the same run
        Await.until("old inbound events to be purged", WAIT,
                () -> server.get("/v1/sources/" + source + "/events").body().get("data").isEmpty());
        // a message whose delivery is still pending keeps its payload, so it can still be sent
        assertThat(server.get("/v1/apps/" + app2 + "/messages/" + stillPending).json("/data/n").asInt()).isEqualTo(2);
        down.close();
    }

    @Test
    void wholeMessagesOlderThanTheRecordRetentionGoButOnesWithPendingDeliveriesStay() {
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
        Receiver down = new Receiver().alwaysAnswering(500);
        try (down) {
            String app2 = server.createApp("Pending");
            String ep2 = server.createEndpoint(app2, "{\"url\":\"" + down.url() + "\",\"retry\":{\"schedule\":[86400]}}").text("/id");
            String old = server.send(app, "order.created", "{\"n\":1}");
            String stillPending = server.send(app2, "order.created", "{\"n\":2}");
            Await.until("the delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(app, old)));
            Await.until("the failed first attempt", WAIT, () -> down.count() == 1);
            // disabled, its delivery waits (pending) for as long as the endpoint stays off
            assertThat(server.patch("/v1/apps/" + app2 + "/endpoints/" + ep2, "{\"enabled\":false}").status()).isEqualTo(200);

            clock.advance(Duration.ofDays(89));
            server.restart();
            String recent = server.send(app, "order.created", "{\"n\":3}");
            Await.until("the recent delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(app, recent)));
            Await.until("the old payload to be purged", WAIT,
                    () -> server.get("/v1/apps/" + app + "/messages/" + old).json("/data").isNull());
            assertThat(server.get("/v1/apps/" + app + "/messages/" + old).status()).isEqualTo(200); // 89 days: the record stays

            clock.advance(Duration.ofDays(2)); // 91 days after the first messages
            server.restart();

            Await.until("the old record to be removed", WAIT,
                    () -> server.get("/v1/apps/" + app + "/messages/" + old).status() == 404);
            assertThat(server.get("/v1/apps/" + app + "/messages").body().get("data")).extracting(m -> m.get("id").asText())
                    .containsExactly(recent);
            // a delivery still pending keeps its message, record and payload, however old
            var pending = server.get("/v1/apps/" + app2 + "/messages/" + stillPending);
            assertThat(pending.status()).isEqualTo(200);
            assertThat(pending.json("/data/n").asInt()).isEqualTo(2);
            assertThat(pending.text("/deliveries/0/status")).isEqualTo("pending");
        }
    }

    @Test
    void deletingAMessagesContentKeepsTheRecordAndStopsPendingDeliveries() {
        Receiver down = new Receiver().alwaysAnswering(500).holding();
        try (down) {
            String app = server.createApp("Acme");
            String ep = server.createEndpoint(app, "{\"url\":\"" + down.url() + "\",\"retry\":{\"schedule\":[3600]}}").text("/id");
            String msg = server.send(app, "user.deleted", "{\"email\":\"someone@example.com\"}");
            Await.until("the first attempt to reach the receiver", WAIT, () -> down.requests().size() == 1);

            // Erased while that attempt is under way: its failure must end the delivery, not schedule
            // a retry it has no content for.
            assertThat(server.delete("/v1/apps/" + app + "/messages/" + msg + "/content").status()).isEqualTo(204);
            down.release();
            Await.until("the attempt to be recorded", WAIT,
                    () -> server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data").size() == 1);

            var record = server.get("/v1/apps/" + app + "/messages/" + msg);
            assertThat(record.json("/data").isNull()).isTrue();
            assertThat(record.raw().body()).doesNotContain("someone@example.com");
            assertThat(record.text("/deliveries/0/status")).isEqualTo("failed");
            assertThat(server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data")).hasSize(1);
            assertThat(server.post("/v1/apps/" + app + "/messages/" + msg + "/endpoints/" + ep + "/resend", null).status()).isEqualTo(409);
            assertThat(server.delete("/v1/apps/" + app + "/messages/msg_nope/content").status()).isEqualTo(404);
        }
    }

    @Test
    void aDeletedEndpointsRowGoesOnceRetentionHasTakenAllItsHistory() {
        String app = server.createApp("Acme");
        String delivered = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"channels\":[\"a\"]}").text("/id");
        String unused = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"channels\":[\"b\"]}").text("/id");
        String msg = server.post("/v1/apps/" + app + "/messages", "{\"event\":\"order.created\",\"channels\":[\"a\"],\"data\":{}}").text("/id");
        Await.until("the delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
        assertThat(server.delete("/v1/apps/" + app + "/endpoints/" + delivered).status()).isEqualTo(204);
        assertThat(server.delete("/v1/apps/" + app + "/endpoints/" + unused).status()).isEqualTo(204);

        clock.advance(Duration.ofDays(31));
        server.restart();
        // nothing ever referenced it: its row goes with the first run past the retention
        Await.until("the unused endpoint's row to go", WAIT, () -> rows("endpoints", unused) == 0);
        // its delivery stays until the message's record goes, and so does its endpoint's row
        Await.until("the old attempts to be purged", WAIT,
                () -> server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data").isEmpty());
        assertThat(server.get("/v1/apps/" + app + "/messages/" + msg).text("/deliveries/0/endpoint_id")).isEqualTo(delivered);
        assertThat(rows("endpoints", delivered)).isEqualTo(1);

        clock.advance(Duration.ofDays(60)); // 91 days: past the record retention
        server.restart();
        Await.until("the old record to be removed", WAIT, () -> server.get("/v1/apps/" + app + "/messages/" + msg).status() == 404);
        Await.until("the delivered endpoint's row to go", WAIT, () -> rows("endpoints", delivered) == 0);
    }

    /** Rows of {@code table} with this id, read from the server's database beside it. */
    private long rows(String table, String id) {
        String url = server.backend() == Backend.SQLITE ? "jdbc:sqlite:" + server.dataDir().resolve("hookline.db") : server.databaseUrl();
        try (var c = java.sql.DriverManager.getConnection(url);
             var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
