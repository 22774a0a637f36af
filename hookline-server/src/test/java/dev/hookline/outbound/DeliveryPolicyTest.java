package dev.hookline.outbound;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.WebhookVerificationException;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-endpoint delivery settings: schemes and keys, headers, payload formats, retry policies. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class DeliveryPolicyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestServer server;
    private final Receiver receiver = new Receiver();

    DeliveryPolicyTest(Backend backend) {
        this.server = new TestServer(backend);
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
    void anExponentialPolicyRetriesUntilItsMaximumAttempts() {
        receiver.alwaysAnswering(500);
        String app = server.createApp("Acme");
        var ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\","
                + "\"retry\":{\"exponential\":{\"initial\":1,\"factor\":1.5,\"max_delay\":2,\"max_attempts\":3}}}");
        assertThat(ep.json("/retry/exponential/max_attempts").asInt()).isEqualTo(3);

        String msg = server.send(app, "order.created", "{}");

        Await.until("the policy to run out", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        assertThat(receiver.count()).isEqualTo(3);
    }

    @Test
    void theWebhookTestEventNameIsReservedForTheTestCall() {
        String app = server.createApp("Acme");
        var r = server.post("/v1/apps/" + app + "/messages", "{\"event\":\"webhook.test\",\"data\":{}}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.text("/error/message")).startsWith("event:");
    }
}
