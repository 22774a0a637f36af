package dev.hookline.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

    @Test
    void aKeptSignerSharedByThreadsSignsEachMessageAsTheSpecSays() throws Exception {
        String hmacSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        Ed25519KeyPair ed25519 = WebhookSecret.generateEd25519();
        SignatureScheme.Signer standard = SignatureScheme.STANDARD.signer(List.of(hmacSecret, ed25519.secretKey()));
        SignatureScheme.Signer hex = SignatureScheme.HEX.signer(List.of("hex-secret"));
        StandardWebhook publicKeyVerifier = new StandardWebhook(ed25519.publicKey()).withTolerance(java.time.Duration.ofDays(365_000));

        List<Callable<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(() -> {
                for (int i = 0; i < 50; i++) {
                    String id = "msg_" + thread + "_" + i;
                    byte[] body = ("{\"n\":" + i + ",\"thread\":" + thread + "}").getBytes(UTF_8);
                    long timestamp = 1700000000L + i;
                    String[] entries = standard.sign(id, timestamp, body).split(" ");
                    // computed here with the JDK's Mac, not through the library
                    byte[] key = Base64.getDecoder().decode(hmacSecret.substring("whsec_".length()));
                    assertThat(entries[0]).isEqualTo("v1," + Base64.getEncoder().encodeToString(
                            hmac(key, (id + "." + timestamp + ".").getBytes(UTF_8), body)));
                    assertThat(entries[1]).startsWith("v1a,");
                    publicKeyVerifier.verify(id, Long.toString(timestamp), entries[1], body);
                    assertThat(hex.sign(id, timestamp, body))
                            .isEqualTo(HexFormat.of().formatHex(hmac("hex-secret".getBytes(UTF_8), new byte[0], body)));
                }
                return null;
            });
        }
        try (var pool = Executors.newFixedThreadPool(4)) {
            for (Future<Void> done : pool.invokeAll(threads)) {
                done.get();
            }
        }
    }

    @Test
    void aSignerRefusesAnUnusableSecretWhenMade() {
        assertThatThrownBy(() -> SignatureScheme.STANDARD.signer(List.of("whsec_not base64!")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignatureScheme.HEX.signer(List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class);
        for (SignatureScheme scheme : SignatureScheme.values()) {
            assertThatThrownBy(() -> scheme.signer(List.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(prefix);
        return mac.doFinal(body);
    }
}
