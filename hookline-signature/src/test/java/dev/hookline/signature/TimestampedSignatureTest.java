package dev.hookline.signature;

import static dev.hookline.signature.StandardWebhookTest.assertRejected;
import static dev.hookline.signature.StandardWebhookTest.clockAt;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.stripe.net.Webhook;
import dev.hookline.signature.WebhookVerificationException.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampedSignatureTest {

    private static final String SECRET = "whsec_postern-example-secret";
    private static final long T = 1749751542; // the t of seed 001's example header
    private static final String PAYLOAD = "{\"event\":\"message.received\",\"inbox\":\"agent7@x4p.mszazu.com\"}";
    private static final byte[] BODY = PAYLOAD.getBytes(UTF_8);
    private static final long STRIPE_TOLERANCE_SECONDS = 300;

    private static final TimestampedSignature VERIFIER = new TimestampedSignature(SECRET).withClock(clockAt(T));

    @Test
    void signsLikeSeed001VerifyTs() {
        // Computed with Node 20 running seed 001's verify.ts steps: crypto.subtle HMAC-SHA256 keyed with
        // new TextEncoder().encode("whsec_postern-example-secret") over `1749751542.${raw}`, hex-encoded.
        assertThat(TimestampedSignature.sign(SECRET, T, BODY))
                .isEqualTo("t=1749751542,v1=5afdb1269fda79cd88a1bebb6de598c8b04499126a48b38932075fa234ea30b2");
    }

    @Test
    void stripeAcceptsOurSignature() throws Exception {
        String header = TimestampedSignature.sign(SECRET, T, BODY);

        assertThat(Webhook.Signature.verifyHeader(PAYLOAD, header, SECRET, STRIPE_TOLERANCE_SECONDS, clockAt(T))).isTrue();
    }

    @Test
    void stripeAcceptsOurRotationHeaderWithEitherSecret() throws Exception {
        String newSecret = WebhookSecret.generate();
        String header = SignatureScheme.TIMESTAMPED.sign(List.of(newSecret, SECRET), "msg_unused", T, BODY);

        assertThat(header).matches("t=1749751542,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
        assertThat(Webhook.Signature.verifyHeader(PAYLOAD, header, newSecret, STRIPE_TOLERANCE_SECONDS, clockAt(T))).isTrue();
        assertThat(Webhook.Signature.verifyHeader(PAYLOAD, header, SECRET, STRIPE_TOLERANCE_SECONDS, clockAt(T))).isTrue();
    }

    @Test
    void acceptsHeaderGeneratedByStripe() throws Exception {
        String header = Webhook.Signature.generateSignatureHeader(PAYLOAD, SECRET, T);

        assertThatCode(() -> VERIFIER.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsRotationHeaderBuiltFromStripeHmacs() throws Exception {
        String signedPayload = T + "." + PAYLOAD;
        String header = "t=" + T + ",v1=" + Webhook.Util.computeHmacSha256("whsec_the-old-one", signedPayload)
                + ",v1=" + Webhook.Util.computeHmacSha256(SECRET, signedPayload);

        assertThatCode(() -> VERIFIER.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void ignoresUnknownVersionsAndSpacesAfterCommas() {
        String signature = TimestampedSignature.sign(SECRET, T, BODY).substring("t=1749751542,".length());
        String header = "t=1749751542, v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39, " + signature;

        assertThatCode(() -> VERIFIER.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsUpperCaseHex() {
        String header = TimestampedSignature.sign(SECRET, T, BODY).toUpperCase().replace("T=", "t=").replace("V1=", "v1=");

        assertThatCode(() -> VERIFIER.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsHeaderWithOnlyUnknownVersions() {
        String hex = TimestampedSignature.sign(SECRET, T, BODY).substring("t=1749751542,v1=".length());

        assertRejected(() -> VERIFIER.verify("t=1749751542,v0=" + hex + ",v2=" + hex, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsDeliveryWithStaleTimestamp() {
        String header = TimestampedSignature.sign(SECRET, T - 301, BODY);

        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void rejectsDeliveryWithFutureTimestamp() {
        String header = TimestampedSignature.sign(SECRET, T + 301, BODY);

        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void saysHowFarInTheFutureATimestampIs() {
        String header = TimestampedSignature.sign(SECRET, T + 301, BODY);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VERIFIER.verify(header, BODY))
                .hasMessageContaining("the timestamp is 301 s in the future");
    }

    @Test
    void readsNowFromTheClockItIsGiven() {
        String header = TimestampedSignature.sign(SECRET, T, BODY);
        TimestampedSignature anHourLater = new TimestampedSignature(SECRET).withClock(clockAt(T + 3600));

        assertRejected(() -> anHourLater.verify(header, BODY), Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void takesEighteenDigitsAsATimestampAndNotNineteen() {
        String eighteen = TimestampedSignature.sign(SECRET, 100_000_000_000_000_000L, BODY);
        assertRejected(() -> VERIFIER.verify(eighteen, BODY), Reason.TIMESTAMP_IN_FUTURE);
        assertRejected(() -> VERIFIER.verify("t=1000000000000000000,v1=ab", BODY), Reason.MALFORMED_HEADER);
    }

    @Test
    void rejectsAPairWithAnEmptyNameEvenBesideAValidSignature() {
        String header = "=1," + TimestampedSignature.sign(SECRET, T, BODY);

        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MALFORMED_HEADER);
    }

    @Test
    void honoursAConfiguredTolerance() {
        String header = TimestampedSignature.sign(SECRET, T - 3600, BODY);

        assertThatCode(() -> VERIFIER.withTolerance(Duration.ofHours(1)).verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsSignatureMadeWithAnotherSecret() {
        String header = TimestampedSignature.sign(WebhookSecret.generate(), T, BODY);

        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void keysWithTheWholeSecretStringIncludingItsPrefix() {
        String header = TimestampedSignature.sign("postern-example-secret", T, BODY);

        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsTamperedBody() {
        String header = TimestampedSignature.sign(SECRET, T, BODY);

        assertRejected(() -> VERIFIER.verify(header, PAYLOAD.replace("agent7", "agent8").getBytes(UTF_8)),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsTimestampMovedWithoutResigning() {
        String header = TimestampedSignature.sign(SECRET, T, BODY).replace("t=1749751542", "t=1749751543");

        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void rejectsMissingHeader(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MISSING_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "v1=abcd", "t=,v1=abcd", "t=soon,v1=abcd", "t=-5,v1=abcd", "=1,v1=ab",
            "t=1749751542,t=1749751542,v1=ab", "t=1749751542,,v1=ab", ",", "t=1749751542;v1=ab", "t=99999999999999999999"})
    void rejectsMalformedHeader(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MALFORMED_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"t=1749751542", "t=1749751542,v1=", "t=1749751542,v1=zz", "t=1749751542,v1=abc",
            "t=1749751542,v1=5afdb1269fda79cd88a1bebb6de598c8", "t=1749751542,v1==="})
    void rejectsGarbageSignaturesWithVerificationExceptionOnly(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.NO_MATCHING_SIGNATURE);
        assertRejected(() -> VERIFIER.verify(header, null), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void parseReturnsTheVerifiedBody() {
        assertThat(VERIFIER.parse(TimestampedSignature.sign(SECRET, T, BODY), BODY)).isEqualTo(PAYLOAD);
    }

    @Test
    void parseReturnsNullOnABadSignature() {
        assertThat(VERIFIER.parse(TimestampedSignature.sign("whsec_wrong", T, BODY), BODY)).isNull();
        assertThat(VERIFIER.parse(null, BODY)).isNull();
        assertThat(VERIFIER.parse(TimestampedSignature.sign(SECRET, T - 301, BODY), BODY)).isNull();
    }

    @Test
    void putsTheNewestSecretsSignatureLastForReceiversThatKeepOnlyTheLastV1() {
        String newest = "whsec_newest_secret_value";
        String oldest = "whsec_oldest_secret_value";
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String header = TimestampedSignature.sign(java.util.List.of(newest, oldest), 1749751542L, body);
        assertThat(header).isEqualTo(TimestampedSignature.sign(oldest, 1749751542L, body)
                + "," + TimestampedSignature.sign(newest, 1749751542L, body).substring("t=1749751542,".length()));
    }
}
