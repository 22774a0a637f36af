package dev.hookline.signature;

import static dev.hookline.signature.StandardWebhookTest.assertRejected;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.signature.WebhookVerificationException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PrefixedSignatureTest {

    private static final String SECRET = "lettrlabs-webhook-secret";
    private static final byte[] BODY = "{\"campaign\":\"spring\",\"count\":3}".getBytes(UTF_8);
    // Computed with seed 000's Node snippet:
    // 'sha256=' + createHmac('sha256', 'lettrlabs-webhook-secret').update('{"campaign":"spring","count":3}').digest('hex')
    private static final String EXPECTED = "sha256=5f590d0668a2f4e520167cf03eb55b6d0daea0db3e005d5d5d7c26981119b65c";

    private static final PrefixedSignature VERIFIER = new PrefixedSignature(SECRET);

    @Test
    void signsLikeSeed000NodeSnippet() {
        assertThat(PrefixedSignature.sign(SECRET, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void acceptsItsOwnSignature() {
        assertThatCode(() -> VERIFIER.verify(EXPECTED, BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsUpperCaseHexAndPrefix() {
        assertThatCode(() -> VERIFIER.verify(EXPECTED.toUpperCase(), BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsSignatureMadeWithAnotherSecret() {
        assertRejected(() -> VERIFIER.verify(PrefixedSignature.sign("another-secret", BODY), BODY),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @Test
    void rejectsTamperedBody() {
        assertRejected(() -> VERIFIER.verify(EXPECTED, "{\"campaign\":\"spring\",\"count\":4}".getBytes(UTF_8)),
                Reason.NO_MATCHING_SIGNATURE);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void rejectsMissingHeader(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MISSING_HEADER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5f590d0668a2f4e520167cf03eb55b6d0daea0db3e005d5d5d7c26981119b65c", "sha1=5f590d06",
            "sha256=", "sha256=zz", "sha256=5f590d", "sha256=5f590d0668a2f4e520167cf03eb55b6d0daea0db3e005d5d5d7c26981119b65c00",
            "sha256"})
    void rejectsMalformedHeader(String header) {
        assertRejected(() -> VERIFIER.verify(header, BODY), Reason.MALFORMED_HEADER);
        assertRejected(() -> VERIFIER.verify(header, null), Reason.MALFORMED_HEADER);
    }

    @Test
    void refusesBlankSecret() {
        assertThatThrownBy(() -> new PrefixedSignature(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrefixedSignature.sign(null, BODY)).isInstanceOf(IllegalArgumentException.class);
    }
}
