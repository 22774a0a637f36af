package dev.hookline.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSecretTest {

    @Test
    void generatesWhsecWith24RandomBytes() {
        String secret = WebhookSecret.generate();

        assertThat(secret).startsWith("whsec_").hasSize("whsec_".length() + 32);
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(24);
        assertThat(WebhookSecret.generate()).isNotEqualTo(secret);
    }

    @Test
    void generatesEd25519PairWhosePublicKeyIsDerivable() {
        Ed25519KeyPair pair = WebhookSecret.generateEd25519();

        assertThat(pair.secretKey()).startsWith("whsk_");
        assertThat(Base64.getDecoder().decode(pair.secretKey().substring(5))).hasSize(32);
        assertThat(pair.publicKey()).startsWith("whpk_");
        assertThat(Base64.getDecoder().decode(pair.publicKey().substring(5))).hasSize(32);
        assertThat(WebhookSecret.publicKeyOf(pair.secretKey())).isEqualTo(pair.publicKey());
        assertThat(pair.toString()).doesNotContain(pair.secretKey());
    }

    @Test
    void derivesThePublicKeyOfRfc8032TestVector() {
        // RFC 8032, section 7.1, test 1.
        String seed = encode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        String publicKey = encode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

        assertThat(WebhookSecret.publicKeyOf("whsk_" + seed)).isEqualTo("whpk_" + publicKey);
    }

    @Test
    void readsTheSeedPlusPublicKeyFormOfLibsodiumAndSvix() {
        String seedAndPublicKey = encode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
                + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

        assertThat(WebhookSecret.publicKeyOf("whsk_" + seedAndPublicKey))
                .isEqualTo("whpk_" + encode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsk_", "whsk_%%%", "whsk_AAAA",
            "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="})
    void refusesToDeriveFromAnythingButAWhskKey(String notASecretKey) {
        assertThatThrownBy(() -> WebhookSecret.publicKeyOf(notASecretKey)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String encode(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }
}
