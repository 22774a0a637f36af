package dev.hookline.signature;

import static dev.hookline.signature.StandardWebhookTest.assertRejected;
import static dev.hookline.signature.StandardWebhookTest.clockAt;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.hookline.signature.WebhookVerificationException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardWebhookEd25519Test {

    // RFC 8032, section 7.1, test 1: the secret key (seed) and its public key.
    private static final String SECRET_KEY = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    private static final String PUBLIC_KEY = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    private static final String MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(UTF_8);

    private static final StandardWebhook VERIFIER = new StandardWebhook(PUBLIC_KEY).withClock(clockAt(TIMESTAMP));

    @Test
    void signsWithEd25519LikeAnIndependentImplementation() {
        // Computed with Node: crypto.sign(null, Buffer.from('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}'),
        //   createPrivateKey({key: <PKCS#8 header 302e020100300506032b657004220420> + <RFC 8032 test 1 seed>,
        //   format: 'der', type: 'pkcs8'})).toString('base64'). Ed25519 is deterministic.
        assertThat(StandardWebhook.sign(SECRET_KEY, MESSAGE_ID, TIMESTAMP, BODY)).isEqualTo(
                "v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==");
    }

    @Test
    void verifiesWhatItSignsWithTheDerivedPublicKey() {
        Ed25519KeyPair pair = WebhookSecret.generateEd25519();
        String header = SignatureScheme.STANDARD.sign(List.of(pair.secretKey()), MESSAGE_ID, TIMESTAMP, BODY);

        assertThat(header).startsWith("v1a,");
        assertThatCode(() -> new StandardWebhook(pair.publicKey()).withClock(clockAt(TIMESTAMP))
                .verify(MESSAGE_ID, "1614265330", header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void aKeyPairPrintsItsPublicKeyAndNeverItsSecretKey() {
        Ed25519KeyPair pair = WebhookSecret.generateEd25519();

        assertThat(pair.toString()).contains(pair.publicKey()).doesNotContain(pair.secretKey().substring("whsk_".length()));
    }

    @Test
    void verifiesWithTheSecretKeyToo() {
        String header = StandardWebhook.sign(SECRET_KEY, MESSAGE_ID, TIMESTAMP, BODY);

        assertThatCode(() -> new StandardWebhook(SECRET_KEY).withClock(clockAt(TIMESTAMP))
                .verify(MESSAGE_ID, "1614265330", header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsEd25519EntryAmongHmacEntriesDuringMigration() {
        String header = SignatureScheme.STANDARD.sign(
                List.of(WebhookSecret.generate(), SECRET_KEY), MESSAGE_ID, TIMESTAMP, BODY);

        assertThat(header).matches("v1,\\S+ v1a,\\S+");
        assertThatCode(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsTamperedEd25519Body() {
        String header = StandardWebhook.sign(SECRET_KEY, MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, "{\"test\": 1}".getBytes(UTF_8)),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsEd25519SignatureFromAnotherKey() {
        String header = StandardWebhook.sign(WebhookSecret.generateEd25519().secretKey(), MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsEd25519StaleTimestamp() {
        String header = StandardWebhook.sign(SECRET_KEY, MESSAGE_ID, TIMESTAMP - 301, BODY);

        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, Long.toString(TIMESTAMP - 301), header, BODY),
                Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void hmacVerifierIgnoresEd25519EntriesAndTheReverse() {
        String hmacSecret = WebhookSecret.generate();
        String ed25519Only = StandardWebhook.sign(SECRET_KEY, MESSAGE_ID, TIMESTAMP, BODY);
        String hmacOnly = StandardWebhook.sign(hmacSecret, MESSAGE_ID, TIMESTAMP, BODY);

        assertRejected(() -> new StandardWebhook(hmacSecret).withClock(clockAt(TIMESTAMP))
                .verify(MESSAGE_ID, "1614265330", ed25519Only, BODY), Reason.NO_MATCHING_SIGNATURE);
        assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", hmacOnly, BODY), Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsEd25519SignaturesOfWrongLengthOrEncoding() {
        for (String header : new String[] {"v1a,AAAA", "v1a,%%%", "v1a,", "v1a," + "A".repeat(88), "v1a," + "/".repeat(86) + "=="}) {
            assertRejected(() -> VERIFIER.verify(MESSAGE_ID, "1614265330", header, BODY), Reason.NO_MATCHING_SIGNATURE);
        }
    }
}
