package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.standardwebhooks.Webhook;
import dev.hookline.signature.PrefixedSignature;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rotating a secret again within the 24-hour grace: every secret rotated out in the last 24 hours
 * keeps verifying (a receiver that has not switched yet is not cut off by the second rotation),
 * up to five at once, after which a rotation is refused with a 409 that says until when.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class SecretRotationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ShiftableClock clock = new ShiftableClock();
    private final TestServer server;
    private final Receiver receiver = new Receiver();

    SecretRotationTest(Backend backend) {
        this.server = new TestServer(backend, clock);
    }

    @AfterEach
    void tearDown() {
        server.close();
        receiver.close();
    }

    @Test
    void aSecondRotationWithinTheGraceKeepsEverySecretRotatedOutVerifying() {
        String app = server.createApp("Acme");
        var created = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}");
        String ep = created.text("/id");
        List<String> secrets = new ArrayList<>(List.of(created.text("/secret")));
        for (int i = 0; i < 2; i++) {
            var rotated = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/secret/rotate", "{}");
            assertThat(rotated.status()).isEqualTo(200);
            secrets.add(rotated.text("/secret"));
        }

        server.send(app, "order.created", "{\"n\":1}");

        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        Receiver.Request r = receiver.requests().get(0);
        assertThat(r.header("webhook-signature").split(" ")).hasSize(3);
        for (String secret : secrets) { // the first one too, rotated out two rotations ago
            assertThatCode(() -> new Webhook(secret).verify(r.bodyText(), r.headers())).as(secret).doesNotThrowAnyException();
        }
    }

    @Test
    void aSixthRotationWithinTheGraceIsRefusedAndTheOldSecretsExpireAfter24Hours() {
        String app = server.createApp("Acme");
        String ep = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
        String rotate = "/v1/apps/" + app + "/endpoints/" + ep + "/secret/rotate";
        for (int i = 0; i < 5; i++) {
            assertThat(server.post(rotate, "{}").status()).isEqualTo(200);
        }
        var refused = server.post(rotate, "{}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("/error/code")).isEqualTo("conflict");
        assertThat(refused.text("/error/message")).contains("rotated 5 times", "wait until");

        clock.advance(Duration.ofHours(24).plusMinutes(1));
        String current = server.post(rotate, "{}").text("/secret");
        server.send(app, "order.created", "{\"n\":1}");
        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
        // the five rotated out a day ago have expired: the one rotated out now and the new one remain
        assertThat(receiver.requests().get(0).header("webhook-signature").split(" ")).hasSize(2);
        assertThat(current).startsWith("whsec_");
    }

    @Test
    void aSourceRotatedTwiceStillAcceptsItsFirstSecretForTheGrace() throws Exception {
        var source = server.post("/v1/sources", "{\"name\":\"shop\",\"verification\":{\"scheme\":\"prefixed\"}}");
        String id = source.text("/id");
        String url = source.text("/url");
        String first = source.text("/secret");
        String second = server.post("/v1/sources/" + id + "/secret/rotate", "{}").text("/secret");
        String third = server.post("/v1/sources/" + id + "/secret/rotate", "{}").text("/secret");

        for (String secret : List.of(first, second, third)) {
            assertThat(receive(url, secret)).as(secret).isEqualTo(200);
        }
        assertThat(receive(url, "not-a-secret-of-this-source")).isEqualTo(401);
        clock.advance(Duration.ofHours(24).plusMinutes(1));
        assertThat(receive(url, first)).isEqualTo(401);
        assertThat(receive(url, third)).isEqualTo(200);
    }

    private static int receive(String url, String secret) throws Exception {
        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("X-Signature-256", PrefixedSignature.sign(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
