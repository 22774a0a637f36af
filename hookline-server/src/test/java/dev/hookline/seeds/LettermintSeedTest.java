package dev.hookline.seeds;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.net.Webhook;
import dev.hookline.core.Times;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.Receivers;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 002 (Lettermint): named webhooks with events, an enabled flag and a rotatable secret; the
 * four {@code X-Lettermint-} headers; the 12-attempt schedule; a test delivery; a per-webhook
 * delivery log; "include machine events" as a filter.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class LettermintSeedTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The webhook id in the document's test payload. */
    private static final String LETTERMINT_ID = "9f9bf19c-4a2c-45f3-a6c7-bc937224ec5a";
    private static final List<Long> SEED_SCHEDULE = List.of(60L, 120L, 300L, 600L, 600L, 900L, 1800L, 3600L, 7200L, 14400L, 21600L);

    private final TestServer server;
    private final Receivers receivers = new Receivers();

    LettermintSeedTest(Backend backend) {
        this.server = new TestServer(backend);
    }

    @BeforeEach
    void app() {
        server.post("/v1/apps", "{\"name\":\"Newsletter route\",\"uid\":\"route-newsletter\","
                + "\"test_message\":\"This is a test webhook from Lettermint\"}");
    }

    @AfterEach
    void tearDown() {
        server.close();
        receivers.close();
    }

    private Receiver receiver() {
        return receivers.start();
    }

    /** "Create webhook" with the fields of the seed's dashboard form, configured with Lettermint's wire format. */
    private TestServer.Response createWebhook(Receiver receiver, String extra) {
        return server.createEndpoint("route-newsletter", "{\"name\":\"Production Events\",\"url\":\"" + receiver.url() + "\","
                + "\"events\":[\"message.delivered\",\"message.bounced\",\"message.opened\"],\"enabled\":true,"
                + "\"header_prefix\":\"X-Lettermint-\",\"signature\":{\"scheme\":\"timestamped\"},"
                + "\"envelope\":[\"id\",\"event\",\"timestamp\",\"data\"]" + extra + "}");
    }

    @Test
    void everyDeliveryCarriesTheFourHeadersAndTheAttemptNumberCountsUp() {
        Receiver receiver = receiver().answering(500, 503, 200);
        var webhook = createWebhook(receiver, ",\"retry\":{\"schedule\":[1,1,1]}");
        String secret = webhook.text("/secret");
        assertThat(webhook.text("/delivery_headers/signature")).isEqualTo("X-Lettermint-Signature");

        var msg = server.post("/v1/apps/route-newsletter/messages",
                "{\"event\":\"message.delivered\",\"id\":\"evt_1\",\"data\":{\"message_id\":\"m_1\",\"to\":\"a@example.com\"}}");

        Await.until("three attempts", WAIT, () -> receiver.count() == 3);
        for (int i = 0; i < 3; i++) {
            Receiver.Request r = receiver.requests().get(i);
            String signature = r.header("X-Lettermint-Signature");
            assertThat(r.header("X-Lettermint-Event")).isEqualTo("message.delivered");
            assertThat(r.header("X-Lettermint-Attempt")).isEqualTo(Integer.toString(i + 1));
            assertThat(signature).startsWith("t=" + r.header("X-Lettermint-Delivery") + ",v1=");
            assertThat(Long.parseLong(r.header("X-Lettermint-Delivery"))).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            assertThatCode(() -> Webhook.Signature.verifyHeader(r.bodyText(), signature, secret, 300)).doesNotThrowAnyException();
            // the event id receivers de-duplicate on is the same on every attempt
            assertThat(r.bodyText()).startsWith("{\"id\":\"" + msg.text("/id") + "\",\"event\":\"message.delivered\",\"timestamp\":\"");
        }
    }

    @Test
    void defaultsToTheSeedsTwelveAttemptScheduleStartingWithOneMinute() {
        Receiver receiver = receiver().alwaysAnswering(500);
        var webhook = createWebhook(receiver, "");
        List<Long> schedule = new ArrayList<>();
        webhook.json("/retry/schedule").forEach(n -> schedule.add(n.asLong()));
        assertThat(schedule).isEqualTo(SEED_SCHEDULE);
        assertThat(schedule.stream().mapToLong(Long::longValue).sum()).isBetween(13 * 3600L, 15 * 3600L);

        String msg = server.send("route-newsletter", "message.bounced", "{}");
        Await.until("the first attempt", WAIT, () -> receiver.count() == 1);
        JsonNode delivery = Await.value("the retry to be scheduled", WAIT,
                () -> server.get("/v1/apps/route-newsletter/messages/" + msg).json("/deliveries/0"),
                d -> d.get("attempts").asInt() == 1);
        long firstAttempt = Times.parseMillis(server.get("/v1/apps/route-newsletter/messages/" + msg + "/attempts").text("/data/0/created_at"));
        long next = Times.parseMillis(delivery.get("next_attempt_at").asText());
        assertThat(delivery.get("status").asText()).isEqualTo("pending");
        assertThat(next - firstAttempt).isBetween(54_000L, 66_000L); // one minute, ±10% jitter
    }

    @Test
    void theTestButtonSendsTheSeedsTestPayload() throws Exception {
        Receiver receiver = receiver();
        // Lettermint's own webhook id, which the endpoint is also addressable by
        var webhook = createWebhook(receiver, ",\"uid\":\"" + LETTERMINT_ID + "\"");
        assertThat(webhook.text("/uid")).isEqualTo(LETTERMINT_ID);

        assertThat(server.post("/v1/apps/route-newsletter/endpoints/" + LETTERMINT_ID + "/test", null).status()).isEqualTo(202);

        Await.until("the test delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("id", "event", "timestamp", "data");
        assertThat(body.get("event").asText()).isEqualTo("webhook.test");
        assertThat(body.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(body.get("data").properties()).extracting(java.util.Map.Entry::getKey).containsExactly("message", "webhook_id", "timestamp");
        assertThat(body.at("/data/message").asText()).isEqualTo("This is a test webhook from Lettermint");
        assertThat(body.at("/data/webhook_id").asText()).isEqualTo(LETTERMINT_ID);
        assertThat(body.at("/data/timestamp").isIntegralNumber()).isTrue();
        assertThat(r.header("X-Lettermint-Event")).isEqualTo("webhook.test");
        assertThat(r.header("X-Lettermint-Attempt")).isEqualTo("1");
        assertThatCode(() -> Webhook.Signature.verifyHeader(r.bodyText(), r.header("X-Lettermint-Signature"), webhook.text("/secret"), 300))
                .doesNotThrowAnyException();
    }

    @Test
    void aWebhookUidIsUniqueInItsRouteAndNeverLooksLikeAnId() {
        Receiver receiver = receiver();
        String ep = createWebhook(receiver, ",\"uid\":\"" + LETTERMINT_ID + "\"").text("/id");
        String other = createWebhook(receiver, "").text("/id");

        assertThat(server.patch("/v1/apps/route-newsletter/endpoints/" + other, "{\"uid\":\"" + LETTERMINT_ID + "\"}").status()).isEqualTo(409);
        assertThat(server.post("/v1/apps/route-newsletter/endpoints", "{\"url\":\"" + receiver.url() + "\",\"uid\":\"ep_1\"}")
                .text("/error/message")).isEqualTo("uid: must not start with 'ep_' (reserved for ids)");
        assertThat(server.get("/v1/apps/route-newsletter/endpoints/" + LETTERMINT_ID).text("/id")).isEqualTo(ep);
        // another route may use the same uid for its own webhook
        server.post("/v1/apps", "{\"name\":\"Transactional\",\"uid\":\"route-tx\"}");
        assertThat(server.post("/v1/apps/route-tx/endpoints", "{\"url\":\"" + receiver.url() + "\",\"uid\":\"" + LETTERMINT_ID + "\"}")
                .status()).isEqualTo(201);
        assertThat(server.patch("/v1/apps/route-newsletter/endpoints/" + LETTERMINT_ID, "{\"uid\":null}").json("/uid").isNull()).isTrue();
    }

    @Test
    void theDeliveryLogShowsStatusResponseAndTiming() {
        Receiver receiver = receiver().answering(500, 200);
        String ep = createWebhook(receiver, ",\"retry\":{\"schedule\":[1]}").text("/id");
        String msg = server.send("route-newsletter", "message.delivered", "{}");
        Await.until("delivered", WAIT, () -> "delivered".equals(server.deliveryStatus("route-newsletter", msg)));

        JsonNode log = server.get("/v1/apps/route-newsletter/endpoints/" + ep + "/attempts").body().get("data");

        assertThat(log).hasSize(2);
        assertThat(log).extracting(a -> a.get("status").asText()).containsExactly("failed", "succeeded");
        assertThat(log).extracting(a -> a.get("status_code").asInt()).containsExactly(500, 200);
        assertThat(log).extracting(a -> a.get("response_body").asText()).containsExactly("status 500", "status 200");
        assertThat(log).allSatisfy(a -> assertThat(a.get("duration_ms").isIntegralNumber()).isTrue());
    }

    @Test
    void aDisabledWebhookGetsNothingAndMachineEventsAreFilteredOut() {
        Receiver off = receiver();
        Receiver humans = receiver();
        String offId = createWebhook(off, "").text("/id");
        server.patch("/v1/apps/route-newsletter/endpoints/" + offId, "{\"enabled\":false}"); // the Enabled toggle
        createWebhook(humans, ",\"filter\":{\"data.machine\":{\"$ne\":true}}");

        String machine = server.send("route-newsletter", "message.opened", "{\"machine\":true,\"agent\":\"scanner\"}");
        String human = server.send("route-newsletter", "message.opened", "{\"machine\":false}");

        Await.until("the human open", WAIT, () -> humans.count() == 1);
        assertThat(humans.requests().get(0).header("webhook-id")).isEqualTo(human);
        assertThat(server.get("/v1/apps/route-newsletter/messages/" + machine).json("/deliveries")).isEmpty();
        assertThat(off.count()).isZero();
    }

    @Test
    void theSecretIsRotatable() {
        Receiver receiver = receiver();
        var webhook = createWebhook(receiver, "");
        String rotated = server.post("/v1/apps/route-newsletter/endpoints/" + webhook.text("/id") + "/secret/rotate", null).text("/secret");

        server.send("route-newsletter", "message.delivered", "{}");

        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        // during the grace period both signatures are in the header: t=…,v1=<new>,v1=<old>
        assertThat(r.header("X-Lettermint-Signature").split(",v1=")).hasSize(3);
        assertThatCode(() -> Webhook.Signature.verifyHeader(r.bodyText(), r.header("X-Lettermint-Signature"), rotated, 300)).doesNotThrowAnyException();
        assertThatCode(() -> Webhook.Signature.verifyHeader(r.bodyText(), r.header("X-Lettermint-Signature"), webhook.text("/secret"), 300))
                .doesNotThrowAnyException();
    }
}
