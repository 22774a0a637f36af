package dev.hookline.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureSchemeTest {

    private static final byte[] BODY = "{\"event\":\"order_created\"}".getBytes(UTF_8);

    @Test
    void wireNamesRoundTrip() {
        for (SignatureScheme scheme : SignatureScheme.values()) {
            assertThat(SignatureScheme.fromWireName(scheme.wireName())).isSameAs(scheme);
        }
        assertThat(SignatureScheme.STANDARD.wireName()).isEqualTo("standard");
        assertThat(SignatureScheme.TIMESTAMPED.wireName()).isEqualTo("timestamped");
        assertThat(SignatureScheme.PREFIXED.wireName()).isEqualTo("prefixed");
        assertThat(SignatureScheme.HEX.wireName()).isEqualTo("hex");
    }

    @Test
    void unknownWireNameListsTheValidOnes() {
        assertThatThrownBy(() -> SignatureScheme.fromWireName("HMAC"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'HMAC'")
                .hasMessageContaining("standard, timestamped, prefixed, hex");
        assertThatThrownBy(() -> SignatureScheme.fromWireName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachSchemeSignsWithItsOwnClass() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        List<String> one = List.of(secret);

        assertThat(SignatureScheme.STANDARD.sign(one, "msg_1", 1700000000, BODY))
                .isEqualTo(StandardWebhook.sign(secret, "msg_1", 1700000000, BODY));
        assertThat(SignatureScheme.TIMESTAMPED.sign(one, "msg_1", 1700000000, BODY))
                .isEqualTo(TimestampedSignature.sign(secret, 1700000000, BODY));
        assertThat(SignatureScheme.PREFIXED.sign(one, "msg_1", 1700000000, BODY))
                .isEqualTo(PrefixedSignature.sign(secret, BODY));
        assertThat(SignatureScheme.HEX.sign(one, "msg_1", 1700000000, BODY))
                .isEqualTo(HexSignature.sign(secret, BODY));
    }

    @Test
    void schemesWithRoomForOneSignatureSignWithTheNewestSecret() {
        List<String> rotating = List.of("new-secret", "old-secret");

        assertThat(SignatureScheme.HEX.sign(rotating, "msg_1", 1700000000, BODY))
                .isEqualTo(HexSignature.sign("new-secret", BODY));
        assertThat(SignatureScheme.PREFIXED.sign(rotating, "msg_1", 1700000000, BODY))
                .isEqualTo(PrefixedSignature.sign("new-secret", BODY));
    }

    @Test
    void standardListsTheNewestSecretFirstAndTimestampedLast() {
        String newest = WebhookSecret.generate();
        String oldest = WebhookSecret.generate();

        assertThat(SignatureScheme.STANDARD.sign(List.of(newest, oldest), "msg_1", 1700000000, BODY)).isEqualTo(
                StandardWebhook.sign(newest, "msg_1", 1700000000, BODY) + " " + StandardWebhook.sign(oldest, "msg_1", 1700000000, BODY));
        // timestamped: newest last, for receivers that keep only the last v1 (seed 001's verify.ts)
        assertThat(SignatureScheme.TIMESTAMPED.sign(List.of(newest, oldest), "msg_1", 1700000000, BODY))
                .startsWith(TimestampedSignature.sign(oldest, 1700000000, BODY) + ",v1=")
                .endsWith(TimestampedSignature.sign(newest, 1700000000, BODY).substring("t=1700000000".length()));
    }

    @Test
    void refusesToSignWithoutASecret() {
        for (SignatureScheme scheme : SignatureScheme.values()) {
            assertThatThrownBy(() -> scheme.sign(List.of(), "msg_1", 1700000000, BODY))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
