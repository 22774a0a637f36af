package dev.hookline.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import dev.hookline.signature.WebhookVerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhookTest {

    // The example of the Standard Webhooks specification and its reference libraries.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final String PAYLOAD = "{\"test\": 2432232314}";
    private static final byte[] BODY = PAYLOAD.getBytes(UTF_8);

    private static final StandardWebhook VERIFIER = new StandardWebhook(SECRET).withClock(clockAt(TIMESTAMP));

    @Test
    void signsTheSpecificationExample() {
        // Computed independently with Node:
        // createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
        //   .update('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}').digest('base64')
        // and equal to the value the Standard Webhooks libraries' own tests expect.
        assertThat(StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void acceptsSecretWithoutWhsecPrefix() {
        String bare = SECRET.substring("whsec_".length());
        assertThat(StandardWebhook.sign(bare, MESSAGE_ID, TIMESTAMP, BODY))
                .isEqualTo(StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY));
        assertThatCode(() -> new StandardWebhook(bare).withClock(clockAt(TIMESTAMP))
                .verify(MESSAGE_ID, "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", BODY))
                .doesNotThrowAnyException();
    }

    @Test
    void standardWebhooksLibraryAcceptsOurSignature() throws Exception {
        long now = Instant.now().getEpochSecond(); // that library verifies against the system clock
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, now, BODY);

        new Webhook(SECRET).verify(PAYLOAD, headers(MESSAGE_ID, now, header));
    }

    @Test
    void standardWebhooksLibraryAcceptsOurRotationHeaderWithEitherSecret() throws Exception {
        String newSecret = WebhookSecret.generate();
        long now = Instant.now().getEpochSecond();
        String header = SignatureScheme.STANDARD.sign(List.of(newSecret, SECRET), MESSAGE_ID, now, BODY);

        assertThat(header.split(" ")).hasSize(2);
        new Webhook(newSecret).verify(PAYLOAD, headers(MESSAGE_ID, now, header));
        new Webhook(SECRET).verify(PAYLOAD, headers(MESSAGE_ID, now, header));
    }

    @Test
    void acceptsSignatureMadeByStandardWebhooksLibrary() throws Exception {
        String header = new Webhook(SECRET).sign(MESSAGE_ID, TIMESTAMP, PAYLOAD);

        assertThatCode(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsAnyMatchingSignatureDuringRotation() {
        String header = "v1," + "A".repeat(44) + " " + StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY);

        assertThatCode(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void ignoresUnknownVersionsNextToAMatchingSignature() {
        String header = "v2,c29tZXRoaW5n v1a,bm90LWVkMjU1MTk= "
                + StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY);

        assertThatCode(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsHeaderWithOnlyUnknownVersions() {
        String signature = StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY).substring(3);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", "v0," + signature + " v2," + signature, BODY),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsDeliveryWithStaleTimestamp() {
        long sixMinutesAgo = TIMESTAMP - 360;
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, sixMinutesAgo, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, Long.toString(sixMinutesAgo), header, BODY),
                Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void rejectsDeliveryWithFutureTimestamp() {
        long sixMinutesAhead = TIMESTAMP + 360;
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, sixMinutesAhead, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, Long.toString(sixMinutesAhead), header, BODY),
                Reason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void acceptsTimestampsAtTheEdgeOfTheTolerance() {
        for (long timestamp : new long[] {TIMESTAMP - 300, TIMESTAMP + 300}) {
            String header = StandardWebhook.sign(SECRET, MESSAGE_ID, timestamp, BODY);
            assertThatCode(() -> VERIFIER.verify(MESSAGE_ID, Long.toString(timestamp), header, BODY))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void honoursAConfiguredTolerance() {
        long anHourAgo = TIMESTAMP - 3600;
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, anHourAgo, BODY);

        assertThatCode(() -> VERIFIER.withTolerance(Duration.ofHours(2))
                .verify(MESSAGE_ID, Long.toString(anHourAgo), header, BODY)).doesNotThrowAnyException();
        assertRejected(() -> VERIFIER.withTolerance(Duration.ofSeconds(10))
                .verify(MESSAGE_ID, Long.toString(TIMESTAMP - 11), StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP - 11, BODY), BODY),
                Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void rejectsSignatureMadeWithAnotherSecret() {
        String header = StandardWebhook.sign(WebhookSecret.generate(), MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsTamperedBody() {
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, "{\"test\": 2432232315}".getBytes(UTF_8)),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsTamperedMessageId() {
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify("msg_other", "1614265330", header, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void rejectsMissingSignatureHeader(String header) {
        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY), Reason.MISSING_HEADER);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsMissingIdOrTimestamp(String missing) {
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify(missing, "1614265330", header, BODY), Reason.MISSING_HEADER);
        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, missing, header, BODY), Reason.MISSING_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "-1614265330", "+1614265330", "1614265330.5", "99999999999999999999",
            "١٦١٤٢٦٥٣٣٠"})
    void rejectsTimestampThatIsNotUnixSeconds(String timestamp) {
        String header = StandardWebhook.sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, timestamp, header, BODY), Reason.MALFORMED_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", ",v1", ",,,"})
    void rejectsHeaderWithoutVersionedEntries(String header) {
        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY), Reason.MALFORMED_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1,", "v1,%%%not-base64%%%", "v1,AAAA", "v1,g0hM9SsE", "v1a,AAAA", "v1,,,", "v1,=",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=g0hM"})
    void rejectsGarbageSignaturesWithVerificationExceptionOnly(String header) {
        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY), Reason.NO_MATCHING_SIGNATURE);
        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, null), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void refusesUnusableSecretWhenBuilt() {
        assertThatThrownBy(() -> new StandardWebhook("whsec_%%%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StandardWebhook("whsec_")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StandardWebhook(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StandardWebhook("whpk_AAAA")).isInstanceOf(IllegalArgumentException.class);
    }

    static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable verification, Reason reason) {
        assertThatThrownBy(verification)
                .isExactlyInstanceOf(WebhookVerificationException.class)
                .extracting(e -> ((WebhookVerificationException) e).reason())
                .isEqualTo(reason);
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
