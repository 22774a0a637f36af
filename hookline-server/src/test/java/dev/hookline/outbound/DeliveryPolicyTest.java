package dev.hookline.outbound;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import dev.hookline.core.Times;
import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.WebhookVerificationException;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-endpoint delivery settings: schemes and keys, headers, payload formats, retry policies. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class DeliveryPolicyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ShiftableClock clock = new ShiftableClock();
    private final TestServer server;
    private final Receiver receiver = new Receiver();

    DeliveryPolicyTest(Backend backend) {
        this.server = new TestServer(backend, clock);
    }

    @AfterEach
    void tearDown() {
        server.close();
        receiver.close();
    }

    @Test
    void anEd25519EndpointSignsWithV1aAndShowsItsPublicKey() throws Exception {
        String app = server.createApp("Acme");
        var created = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"signature\":{\"algorithm\":\"ed25519\"}}");
        assertThat(created.text("/secret")).startsWith("whsk_");
        String publicKey = server.get("/v1/apps/" + app + "/endpoints/" + created.text("/id")).text("/signature/public_key");
        assertThat(publicKey).startsWith("whpk_");

        server.send(app, "order.created", "{\"n\":1}");

        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        assertThat(r.header("webhook-signature")).startsWith("v1a,");
        // a receiver holding only the public key can verify; a tampered body fails
        new StandardWebhook(publicKey).verify(r.header("webhook-id"), r.header("webhook-timestamp"), r.header("webhook-signature"), r.body());
        assertThatThrownBy(() -> new StandardWebhook(publicKey).verify(r.header("webhook-id"), r.header("webhook-timestamp"),
                r.header("webhook-signature"), "{}".getBytes())).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void rawPayloadsAreTheProducersBytesAndCustomHeadersAreSent() {
        String app = server.createApp("Acme");
        String secret = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"payload_format\":\"raw\","
                + "\"headers\":{\"X-Customer\":\"acme\"},\"id_header\":\"X-Message-Id\",\"event_header\":\"X-Event\"}").text("/secret");
        String data = "{ \"z\": 1,\n  \"a\": [1, 2.50, \"é\"] }";

        String msg = server.send(app, "order.created", data);

        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        assertThat(r.bodyText()).isEqualTo(data);
        assertThat(r.header("X-Customer")).isEqualTo("acme");
        assertThat(r.header("X-Message-Id")).isEqualTo(msg);
        assertThat(r.header("X-Event")).isEqualTo("order.created");
        assertThatCode(() -> new Webhook(secret).verify(r.bodyText(), r.headers())).doesNotThrowAnyException();
    }

    @Test
    void anExponentialPolicyGrowsByItsFactorUpToItsMaximumDelayForItsMaximumAttempts() {
        receiver.alwaysAnswering(500);
        String app = server.createApp("Acme");
        var ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\","
                + "\"retry\":{\"exponential\":{\"initial\":60,\"factor\":3,\"max_delay\":100,\"max_attempts\":4}}}");
        assertThat(ep.json("/retry/exponential/max_attempts").asInt()).isEqualTo(4);

        String msg = server.send(app, "order.created", "{}");

        // 60 s, then 60 × 3 = 180 capped at 100, then 540 capped at 100: each ±10 % jitter. A policy
        // ignoring the factor would wait 60 s again; one ignoring the cap, 180 s.
        long[] expectedDelays = {60, 100, 100};
        for (int i = 0; i < expectedDelays.length; i++) {
            int attempt = i + 1;
            Await.until("attempt " + attempt, WAIT, () -> attempts(app, msg).size() == attempt);
            long failedAt = Times.parseMillis(attempts(app, msg).get(i).get("created_at").asText());
            long dueAt = Times.parseMillis(server.get("/v1/apps/" + app + "/messages/" + msg).text("/deliveries/0/next_attempt_at"));
            assertThat(dueAt - failedAt).as("the delay after attempt %d", attempt)
                    .isBetween(Math.round(expectedDelays[i] * 900.0), Math.round(expectedDelays[i] * 1100.0));
            clock.advance(Duration.ofMillis(dueAt - clock.millis() + 1_000));
        }

        Await.until("the policy to run out", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        assertThat(receiver.count()).isEqualTo(4);
    }

    private java.util.List<com.fasterxml.jackson.databind.JsonNode> attempts(String app, String msg) {
        var list = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data").forEach(list::add);
        return list;
    }

    @Test
    void theWebhookTestEventNameIsReservedForTheTestCall() {
        String app = server.createApp("Acme");
        var r = server.post("/v1/apps/" + app + "/messages", "{\"event\":\"webhook.test\",\"data\":{}}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.text("/error/message")).startsWith("event:");
    }
}
