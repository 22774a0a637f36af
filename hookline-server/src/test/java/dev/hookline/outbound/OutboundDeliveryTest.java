package dev.hookline.outbound;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.Receivers;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Messages in, signed HTTP requests out: the outbound path end to end, on a real server and receivers. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class OutboundDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShiftableClock clock = new ShiftableClock();
    private final TestServer server;
    private final Receivers receivers = new Receivers();

    OutboundDeliveryTest(Backend backend) {
        this.server = new TestServer(backend, clock);
    }

    @AfterEach
    void tearDown() {
        server.close();
        receivers.close();
    }

    private Receiver receiver() {
        return receivers.start();
    }

    @Test
    void deliversASignedMessageThatTheStandardWebhooksLibraryVerifies() throws Exception {
        Receiver receiver = receiver();
        String app = server.createApp("Acme");
        String secret = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/secret");
        assertThat(secret).startsWith("whsec_");

        String msg = server.send(app, "invoice.paid", "{\"amount\": 1200, \"currency\": \"EUR\"}");

        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request request = receiver.requests().get(0);
        assertThatCode(() -> new Webhook(secret).verify(request.bodyText(), request.headers())).doesNotThrowAnyException();
        assertThat(request.header("webhook-id")).isEqualTo(msg);
        assertThat(request.header("content-type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("id").asText()).isEqualTo(msg);
        assertThat(body.get("event").asText()).isEqualTo("invoice.paid");
        assertThat(body.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        // data is spliced in exactly as the producer wrote it, spacing included
        assertThat(request.bodyText()).endsWith(",\"data\":{\"amount\": 1200, \"currency\": \"EUR\"}}");
        Await.until("the delivered state", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
    }

    @Test
    void retriesAReceiverThatFailsTwiceAndLogsEveryAttempt() {
        Receiver receiver = receiver().answering(500, 500, 200);
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[1,1,1]}}");

        String msg = server.send(app, "order.created", "{\"n\":1}");

        Await.until("delivered after retries", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
        JsonNode attempts = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data");
        assertThat(attempts).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode a = attempts.get(i);
            assertThat(a.get("attempt").asInt()).isEqualTo(i + 1);
            assertThat(a.get("status_code").asInt()).isEqualTo(i < 2 ? 500 : 200);
            assertThat(a.get("status").asText()).isEqualTo(i < 2 ? "failed" : "succeeded");
            assertThat(a.get("response_body").asText()).isEqualTo("status " + (i < 2 ? 500 : 200));
            assertThat(a.get("duration_ms").asLong()).isNotNegative();
            assertThat(a.get("created_at").asText()).isNotEmpty();
        }
        // every retry carries the same id and the same bytes, so receivers can de-duplicate
        assertThat(receiver.requests()).extracting(r -> r.header("webhook-id")).containsOnly(msg);
        assertThat(receiver.requests()).extracting(Receiver.Request::bodyText).hasSize(3).containsOnly(receiver.requests().get(0).bodyText());
    }

    @Test
    void aShortScheduleRunsOutAndTheDeliveryEndsFailed() {
        Receiver receiver = receiver().alwaysAnswering(503);
        String app = server.createApp("Acme");
        String ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[1]}}").text("/id");

        String msg = server.send(app, "order.created", "{}");

        Await.until("the delivery to fail", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        JsonNode delivery = server.get("/v1/apps/" + app + "/messages/" + msg).json("/deliveries/0");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
        assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
        assertThat(receiver.count()).isEqualTo(2);
        JsonNode failed = server.get("/v1/apps/" + app + "/endpoints/" + ep + "/attempts?status=failed").body().get("data");
        assertThat(failed).hasSize(2);
        assertThat(server.get("/v1/apps/" + app + "/endpoints/" + ep + "/attempts?status=succeeded").body().get("data")).isEmpty();
    }

    @Test
    void recordsAnUnreachableEndpointAsAFailedAttemptWithoutStatus() {
        String app = server.createApp("Acme");
        // a port nobody listens on: bind one, note it, close it
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.createEndpoint(app, "{\"url\":\"http://127.0.0.1:" + port + "/x\",\"retry\":{\"schedule\":[]}}");

        String msg = server.send(app, "order.created", "{}");

        Await.until("the delivery to fail", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        JsonNode attempt = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").json("/data/0");
        assertThat(attempt.get("status_code").isNull()).isTrue();
        assertThat(attempt.get("error").asText()).isEqualTo("connection refused");
    }

    @Test
    void routesByEnabledFlagEventWildcardsAndChannels() {
        Receiver orders = receiver();
        Receiver disabled = receiver();
        Receiver eu = receiver();
        Receiver invoices = receiver();
        String app = server.createApp("Acme");
        String ordersEp = server.createEndpoint(app, "{\"url\":\"" + orders.url() + "\",\"events\":[\"order.*\"]}").text("/id");
        server.createEndpoint(app, "{\"url\":\"" + disabled.url() + "\",\"enabled\":false}");
        String euEp = server.createEndpoint(app, "{\"url\":\"" + eu.url() + "\",\"channels\":[\"eu\"]}").text("/id");
        server.createEndpoint(app, "{\"url\":\"" + invoices.url() + "\",\"events\":[\"invoice.paid\"]}");

        var tagged = server.post("/v1/apps/" + app + "/messages",
                "{\"event\":\"order.created\",\"data\":{},\"channels\":[\"eu\"]}");
        String untagged = server.send(app, "order.shipped", "{}");

        assertThat(targets(app, tagged.text("/id"))).containsExactlyInAnyOrder(ordersEp, euEp);
        assertThat(targets(app, untagged)).containsExactly(ordersEp);
        Await.until("orders to get both", WAIT, () -> orders.count() == 2);
        Await.until("eu to get the tagged one", WAIT, () -> eu.count() == 1);
        assertThat(disabled.count()).isZero();
        assertThat(invoices.count()).isZero();
    }

    @Test
    void aDisabledEndpointGetsNothingUntilReEnabled() {
        Receiver receiver = receiver();
        String app = server.createApp("Acme");
        String ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
        assertThat(server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"enabled\":false}").json("/enabled").asBoolean()).isFalse();

        String msg = server.send(app, "order.created", "{}");
        assertThat(targets(app, msg)).isEmpty();

        server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"enabled\":true}");
        String next = server.send(app, "order.created", "{}");
        Await.until("the delivery after re-enabling", WAIT, () -> receiver.count() == 1);
        assertThat(receiver.requests().get(0).header("webhook-id")).isEqualTo(next);
    }

    @Test
    void aRepeatedMessageIdReturnsTheFirstMessageAndFansOutOnce() {
        Receiver receiver = receiver();
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
        String body = "{\"event\":\"order.created\",\"id\":\"order-42\",\"data\":{\"n\":1}}";

        var first = server.post("/v1/apps/" + app + "/messages", body);
        var again = server.post("/v1/apps/" + app + "/messages", body.replace("\"n\":1", "\"n\":2"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("/id")).isEqualTo(first.text("/id"));
        assertThat(again.text("/event_id")).isEqualTo("order-42");
        assertThat(server.get("/v1/apps/" + app + "/messages").body().get("data")).hasSize(1);
        assertThat(server.get("/v1/apps/" + app + "/messages/order-42").json("/data/n").asInt()).isEqualTo(1);
        Await.until("the one delivery", WAIT, () -> receiver.count() == 1);
        assertThat(targets(app, first.text("/id"))).hasSize(1);
    }

    @Test
    void duringARotationBothSecretsVerifyAndAfterTheGraceOnlyTheNewOne() throws Exception {
        Receiver receiver = receiver();
        String app = server.createApp("Acme");
        var created = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
        String oldSecret = created.text("/secret");
        String ep = created.text("/id");

        var rotated = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/secret/rotate", null);
        assertThat(rotated.status()).isEqualTo(200);
        String newSecret = rotated.text("/secret");
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

        server.send(app, "order.created", "{}");
        Await.until("the delivery in the grace period", WAIT, () -> receiver.count() == 1);
        Receiver.Request during = receiver.requests().get(0);
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(oldSecret).verify(during.bodyText(), during.headers());
        new Webhook(newSecret).verify(during.bodyText(), during.headers());

        clock.advance(Duration.ofHours(25));
        server.send(app, "order.created", "{}");
        Await.until("the delivery after the grace period", WAIT, () -> receiver.count() == 2);
        Receiver.Request after = receiver.requests().get(1);
        // The timestamp is 25 h ahead of real time, so check the HMAC with the JDK directly.
        String signed = after.header("webhook-id") + "." + after.header("webhook-timestamp") + "." + after.bodyText();
        assertThat(after.header("webhook-signature")).isEqualTo("v1," + hmac(newSecret, signed));
        assertThat(after.header("webhook-signature")).doesNotContain(hmac(oldSecret, signed));
    }

    @Test
    void neitherTheSecretNorOneRotatedInCanBeReadBack() {
        String app = server.createApp("Acme");
        var created = server.createEndpoint(app, "{\"url\":\"https://example.com/hook\"}");
        String ep = created.text("/id");
        String first = created.text("/secret");

        String second = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/secret/rotate", null).text("/secret");
        String third = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/secret/rotate", "{\"secret\":\"whsec_"
                + java.util.Base64.getEncoder().encodeToString("a secret of my own, 32 bytes lon".getBytes()) + "\"}").text("/secret");

        assertThat(second).startsWith("whsec_").isNotEqualTo(first);
        assertThat(third).isNotEqualTo(second);
        var shown = server.get("/v1/apps/" + app + "/endpoints/" + ep);
        var listed = server.get("/v1/apps/" + app + "/endpoints");
        assertThat(shown.body().has("secret")).isFalse();
        for (String secret : java.util.List.of(first, second, third)) {
            String key = secret.substring("whsec_".length());
            assertThat(shown.raw().body()).doesNotContain(key);
            assertThat(listed.raw().body()).doesNotContain(key);
        }
    }

    @Test
    void deliveriesScheduledWhenTheServerStopsAreMadeAfterARestart() {
        Receiver receiver = receiver().answering(500);
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[2]}}");
        String msg = server.send(app, "order.created", "{\"n\":7}");
        Await.until("the first, failed attempt", WAIT, () -> receiver.count() == 1);

        server.restart();

        Await.until("the retry after restart", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
        assertThat(receiver.count()).isEqualTo(2);
        assertThat(receiver.requests().get(1).header("webhook-id")).isEqualTo(msg);
        JsonNode attempts = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data");
        assertThat(attempts).extracting(a -> a.get("attempt").asInt()).containsExactly(1, 2);
    }

    @Test
    void aResendDeliversAFailedMessageAgain() {
        Receiver receiver = receiver().answering(500);
        String app = server.createApp("Acme");
        String ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[]}}").text("/id");
        String msg = server.send(app, "order.created", "{}");
        Await.until("the delivery to fail", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));

        var resent = server.post("/v1/apps/" + app + "/messages/" + msg + "/endpoints/" + ep + "/resend", null);

        assertThat(resent.status()).isEqualTo(202);
        Await.until("the resend to succeed", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
        assertThat(receiver.count()).isEqualTo(2);
    }

    @Test
    void theTestButtonSendsAWebhookTestEventToThatEndpointAlone() throws Exception {
        Receiver target = receiver();
        Receiver other = receiver();
        String app = server.createApp("Acme");
        var created = server.createEndpoint(app, "{\"url\":\"" + target.url() + "\",\"events\":[\"order.created\"]}");
        server.createEndpoint(app, "{\"url\":\"" + other.url() + "\"}");

        var test = server.post("/v1/apps/" + app + "/endpoints/" + created.text("/id") + "/test", null);

        assertThat(test.status()).isEqualTo(202);
        Await.until("the test delivery", WAIT, () -> target.count() == 1);
        Receiver.Request request = target.requests().get(0);
        new Webhook(created.text("/secret")).verify(request.bodyText(), request.headers());
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("event").asText()).isEqualTo("webhook.test");
        assertThat(body.at("/data/webhook_id").asText()).isEqualTo(created.text("/id"));
        assertThat(body.at("/data/message").asText()).isEqualTo("This is a test webhook from Hookline");
        assertThat(body.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("id", "event", "created_at", "data");
        assertThat(other.count()).isZero();
        assertThat(targets(app, test.text("/id"))).containsExactly(created.text("/id"));
    }

    @Test
    void theStandardWebhooksVerifierRejectsATamperedDelivery() {
        Receiver receiver = receiver();
        String app = server.createApp("Acme");
        String secret = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/secret");
        server.send(app, "order.created", "{\"amount\":1}");
        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request request = receiver.requests().get(0);

        assertThatThrownBy(() -> new Webhook(secret).verify(request.bodyText().replace("1", "9"), request.headers()))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void testingOrResendingToADisabledEndpointIsAConflictNotAnEternalWait() {
        String app = server.createApp("Acme");
        String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/hook\",\"enabled\":false}").text("/id");
        String msg = server.send(app, "order.created", "{}");

        var test = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/test", null);
        var resend = server.post("/v1/apps/" + app + "/messages/" + msg + "/endpoints/" + ep + "/resend", null);

        assertThat(test.status()).isEqualTo(409);
        assertThat(resend.status()).isEqualTo(409);
        assertThat(test.text("/error/message")).contains("disabled");
    }

    @Test
    void aResponseBodyWithANulCharacterIsStillRecorded() {
        Receiver receiver = receiver().withResponseBody("ok\u0000done");
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
        String msg = server.send(app, "order.created", "{}");

        Await.until("the delivered state", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
        assertThat(server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").text("/data/0/response_body"))
                .isEqualTo("ok\uFFFDdone");
        assertThat(receiver.count()).isEqualTo(1);
    }

    @Test
    void aResponseBodyIsRecordedUpTo20KiBWhateverItsSize() {
        // a few bytes, more than the first read holds (in two-byte characters), and past the cap
        for (String answer : List.of("yes", "é".repeat(200) + "!", "z".repeat(7_000) + "0123456789".repeat(3_000))) {
            Receiver receiver = receiver().withResponseBody(answer);
            String app = server.createApp("Acme");
            server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
            String msg = server.send(app, "order.created", "{}");

            Await.until("the delivered state", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
            String recorded = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").text("/data/0/response_body");
            byte[] sent = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(recorded).isEqualTo(new String(sent, 0, Math.min(sent.length, 20 * 1024), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private List<String> targets(String app, String msg) {
        List<String> out = new ArrayList<>();
        server.get("/v1/apps/" + app + "/messages/" + msg).json("/deliveries").forEach(d -> out.add(d.get("endpoint_id").asText()));
        return out;
    }

    private static String hmac(String whsec, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
