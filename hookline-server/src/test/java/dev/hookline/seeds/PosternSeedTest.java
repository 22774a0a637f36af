package dev.hookline.seeds;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.Webhook;
import dev.hookline.signature.TimestampedSignature;
import dev.hookline.signature.WebhookVerificationException;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001 (Postern): endpoints {url, events, address} with {@code X-Postern-Signature:
 * t=…,v1=…} over {@code t.body} and the event in {@code X-Postern-Event}. The document's own
 * {@code verify.ts} must accept every delivery.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class PosternSeedTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The document's {@code message.received} body, byte for byte. */
    private static final String DELIVERY = """
            {"event":"message.received","inbox":"agent7@x4p.mszazu.com","message":{"id":"msg_8Tz","thread_id":"thread_9aB",\
            "from":"no-reply@acme.test","subject":"Verify your email","received_at":"2026-06-12T18:05:42Z"}}""";
    /** What the producer sends as {@code data}: the body without {@code event}, which the merged envelope adds. */
    private static final String DATA = DELIVERY.replace("{\"event\":\"message.received\",", "{");

    private final TestServer server;
    private final Receiver inbox7 = new Receiver();
    private final Receiver everything = new Receiver();

    @TempDir
    Path work;

    PosternSeedTest(Backend backend) {
        this.server = new TestServer(backend);
    }

    @AfterEach
    void tearDown() {
        server.close();
        inbox7.close();
        everything.close();
    }

    /** Postern's register call, expressed as a Hookline endpoint: `address` is a channel. */
    private String register(Receiver receiver, String address) {
        String channels = address == null ? "" : ",\"channels\":[\"" + address + "\"]";
        var r = server.createEndpoint("postern", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"message.received\"]" + channels
                + ",\"signature\":{\"scheme\":\"timestamped\",\"header\":\"X-Postern-Signature\"},\"event_header\":\"X-Postern-Event\""
                + ",\"payload_format\":\"merged\",\"envelope\":[\"event\",\"data\"]}");
        assertThat(r.text("/secret")).startsWith("whsec_");
        return r.text("/secret");
    }

    @Test
    void theDocumentsVerifyTsAcceptsEveryDeliveryAndScopesByAddress() throws Exception {
        server.post("/v1/apps", "{\"name\":\"Postern\",\"uid\":\"postern\"}");
        String scopedSecret = register(inbox7, "agent7@x4p.mszazu.com");
        String allSecret = register(everything, null);

        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"channels\":[\"agent7@x4p.mszazu.com\"],\"data\":" + DATA + "}");
        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"channels\":[\"other@x4p.mszazu.com\"],\"data\":"
                + DATA.replace("agent7", "other") + "}");
        server.post("/v1/apps/postern/messages", "{\"event\":\"message.sent\",\"data\":{}}");

        Await.until("both deliveries to the catch-all endpoint", WAIT, () -> everything.count() == 2);
        Await.until("the scoped delivery", WAIT, () -> inbox7.count() == 1);
        Receiver.Request scoped = inbox7.requests().get(0);
        assertThat(scoped.bodyText()).isEqualTo(DELIVERY);
        assertThat(scoped.header("X-Postern-Event")).isEqualTo("message.received");
        assertThat(scoped.header("Content-Type")).isEqualTo("application/json");
        assertThat(scoped.header("X-Postern-Signature")).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(verifyTs(scoped.body(), scoped.header("X-Postern-Signature"), scopedSecret)).isEqualTo("true");
        for (Receiver.Request r : everything.requests()) {
            assertThat(verifyTs(r.body(), r.header("X-Postern-Signature"), allSecret)).isEqualTo("true");
            assertThat(verifyTs(r.body(), r.header("X-Postern-Signature"), scopedSecret)).isEqualTo("false");
        }
        // Stripe's verifier reads the same t=,v1= grammar
        assertThatCode(() -> Webhook.Signature.verifyHeader(scoped.bodyText(), scoped.header("X-Postern-Signature"), scopedSecret, 300))
                .doesNotThrowAnyException();
    }

    @Test
    void theMergedEnvelopeKeepsTheProducersBytesAndLetsTheProducersOwnKeysWin() {
        server.post("/v1/apps", "{\"name\":\"Postern\",\"uid\":\"postern\"}");
        register(inbox7, null);

        // spacing inside data is kept as sent; data's own "event" replaces the envelope's, never doubles it
        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"data\":{ \"inbox\" : \"a@b\" }}");
        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"data\":{\"event\":\"mine\",\"inbox\":\"a@b\"}}");
        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"data\":{}}");

        Await.until("three deliveries", WAIT, () -> inbox7.count() == 3);
        assertThat(inbox7.requests()).extracting(Receiver.Request::bodyText).containsExactlyInAnyOrder(
                "{\"event\":\"message.received\",\"inbox\" : \"a@b\"}",
                "{\"event\":\"mine\",\"inbox\":\"a@b\"}",
                "{\"event\":\"message.received\"}");
        assertThat(server.post("/v1/apps/postern/endpoints", "{\"url\":\"" + inbox7.url() + "\",\"payload_format\":\"flat\"}")
                .text("/error/message")).isEqualTo("payload_format: must be 'envelope', 'merged' or 'raw'");
    }

    @Test
    void aStaleTimestampIsRejectableAsTheDocumentAdvises() throws Exception {
        server.post("/v1/apps", "{\"name\":\"Postern\",\"uid\":\"postern\"}");
        String secret = register(inbox7, null);
        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"data\":" + DATA + "}");
        Await.until("the delivery", WAIT, () -> inbox7.count() == 1);
        Receiver.Request r = inbox7.requests().get(0);
        long t = Long.parseLong(r.header("X-Postern-Signature").replaceAll("^t=(\\d+),.*", "$1"));

        // ten minutes later, outside the ±5 minute window: the HMAC still matches, the timestamp does not
        Clock later = Clock.fixed(Instant.ofEpochSecond(t).plusSeconds(600), ZoneOffset.UTC);
        assertThat(verifyTs(r.body(), r.header("X-Postern-Signature"), secret)).isEqualTo("true");
        assertThatThrownBy(() -> new TimestampedSignature(secret).withClock(later).verify(r.header("X-Postern-Signature"), r.body()))
                .isInstanceOf(WebhookVerificationException.class)
                .extracting(e -> ((WebhookVerificationException) e).reason())
                .isEqualTo(WebhookVerificationException.Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void aReceiverThatSwitchedToTheRotatedSecretKeepsVerifyingDuringTheGracePeriod() {
        server.post("/v1/apps", "{\"name\":\"Postern\",\"uid\":\"postern\"}");
        register(inbox7, null);
        String ep = server.get("/v1/apps/postern/endpoints").text("/data/0/id");
        String rotated = server.post("/v1/apps/postern/endpoints/" + ep + "/secret/rotate", null).text("/secret");

        server.post("/v1/apps/postern/messages", "{\"event\":\"message.received\",\"data\":" + DATA + "}");

        Await.until("the delivery", WAIT, () -> inbox7.count() == 1);
        Receiver.Request r = inbox7.requests().get(0);
        // verify.ts reads the header with Object.fromEntries, which keeps the last v1: the new secret's
        assertThat(verifyTs(r.body(), r.header("X-Postern-Signature"), rotated)).isEqualTo("true");
    }

    /**
     * Runs the {@code verify.ts} block of seed 001 in node. Node 20 cannot run TypeScript, so the
     * three {@code : string} parameter annotations are stripped (what {@code --strip-types} does);
     * the rest runs exactly as the document prints it.
     */
    private String verifyTs(byte[] body, String header, String secret) {
        String snippet = SeedDocs.codeBlock(SeedDocs.seed("001"), "verify.ts").replace(": string", "");
        SeedDocs.write(work, "body.json", body);
        Path script = SeedDocs.write(work, "verify.mjs", snippet + """
                import { readFileSync } from "node:fs";
                const raw = readFileSync(process.argv[2], "utf8");
                console.log(String(await verify(raw, process.argv[3], process.argv[4])));
                """);
        SeedDocs.Run run = SeedDocs.run(work, "node", script.toString(), work.resolve("body.json").toString(), header, secret);
        assertThat(run.exitCode()).as(run.output()).isZero();
        return run.output();
    }
}
