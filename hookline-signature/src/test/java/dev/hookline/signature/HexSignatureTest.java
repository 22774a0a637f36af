package dev.hookline.signature;

import static dev.hookline.signature.StandardWebhookTest.assertRejected;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.hookline.signature.WebhookVerificationException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HexSignatureTest {

    private static final String SECRET = "your-secret";
    private static final byte[] BODY = "{\"event\":\"order_created\"}".getBytes(UTF_8);
    // Computed with seed 004's own command:
    // echo -n '{"event":"order_created"}' | openssl dgst -sha256 -hmac "your-secret" | cut -d' ' -f2
    private static final String EXPECTED = "36f02fe2556871d0ce9176fd7cb3ee7ad3829a3782f48c4220882ef0436aa83c";

    private static final HexSignature VERIFIER = new HexSignature(SECRET);

    @Test
    void signsLikeSeed004OpensslCommand() {
        assertThat(HexSignature.sign(SECRET, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void acceptsItsOwnSignature() {
        assertThatCode(() -> VERIFIER.verify(EXPECTED, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsUpperCaseHex() {
        assertThatCode(() -> VERIFIER.verify(EXPECTED.toUpperCase(), BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsSignatureMadeWithAnotherSecret() {
        assertRejected(() -> VERIFIER.verify(HexSignature.sign("not-your-secret", BODY), BODY),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsTamperedBody() {
        assertRejected(() -> VERIFIER.verify(EXPECTED, "{\"event\":\"order_deleted\"}".getBytes(UTF_8)),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsSignatureOfAnEmptyBodyForARealOne() {
        assertRejected(() -> VERIFIER.verify(HexSignature.sign(SECRET, new byte[0]), BODY), Reason.NO_MATCHING_SIGNATURE);
        assertThatCode(() -> VERIFIER.verify(HexSignature.sign(SECRET, new byte[0]), null)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"\t"})
    void rejectsMissingHeader(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MISSING_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256=36f02fe2556871d0ce9176fd7cb3ee7ad3829a3782f48c4220882ef0436aa83c", "zz", "abc",
            "36f02fe2556871d0ce9176fd7cb3ee7a", "36f02fe2556871d0ce9176fd7cb3ee7ad3829a3782f48c4220882ef0436aa83c36",
            "36f02fe2556871d0ce9176fd7cb3ee7ad3829a3782f48c4220882ef0436aa83g", "３６"})
    void rejectsMalformedHeader(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MALFORMED_HEADER);
    }
}
