package dev.hookline.bench;

import dev.hookline.signature.Ed25519KeyPair;
import dev.hookline.signature.HexSignature;
import dev.hookline.signature.PrefixedSignature;
import dev.hookline.signature.SignatureScheme;
import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.TimestampedSignature;
import dev.hookline.signature.WebhookSecret;
import dev.hookline.signature.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Signing and verifying a 1 KiB body with each scheme, as Hookline signs a delivery
 * ({@link SignatureScheme#sign}, one secret) and as a receiver verifies it (a verifier built once,
 * then {@code verify} per request). {@code standard-ed25519} is the standard scheme with a
 * {@code whsk_} key. The timestamp is taken at setup, well inside the 5-minute tolerance for the
 * seconds a run lasts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {
    private static final String ID = "msg_01M84TY5EXFNQF0ZHWAH5K3K3Q";
    private static final String TEXT_SECRET = "bench-secret-0123456789abcdef";

    @Param({"standard", "standard-ed25519", "timestamped", "prefixed", "hex"})
    public String scheme;

    private byte[] body;
    private long timestamp;
    private SignatureScheme signing;
    private String secret;
    private Verifier verifier;
    private String header;

    /** One scheme's check of a signature header against the body. */
    private interface Verifier {
        void verify(String header, byte[] body) throws WebhookVerificationException;
    }

    @Setup
    public void setUp() {
        body = ("{\"id\":\"" + ID + "\",\"event\":\"order.created\",\"created_at\":\"2026-11-27T12:00:00.000Z\",\"data\":{\"pad\":\""
                + "x".repeat(940) + "\"}}").getBytes(StandardCharsets.UTF_8);
        timestamp = Instant.now().getEpochSecond();
        String at = Long.toString(timestamp);
        switch (scheme) {
            case "standard", "standard-ed25519" -> {
                Ed25519KeyPair pair = scheme.equals("standard") ? null : WebhookSecret.generateEd25519();
                signing = SignatureScheme.STANDARD;
                secret = pair == null ? WebhookSecret.generate() : pair.secretKey();
                StandardWebhook standard = new StandardWebhook(pair == null ? secret : pair.publicKey());
                verifier = (h, b) -> standard.verify(ID, at, h, b);
            }
            case "timestamped" -> {
                signing = SignatureScheme.TIMESTAMPED;
                secret = TEXT_SECRET;
                verifier = new TimestampedSignature(secret)::verify;
            }
            case "prefixed" -> {
                signing = SignatureScheme.PREFIXED;
                secret = TEXT_SECRET;
                verifier = new PrefixedSignature(secret)::verify;
            }
            case "hex" -> {
                signing = SignatureScheme.HEX;
                secret = TEXT_SECRET;
                verifier = new HexSignature(secret)::verify;
            }
            default -> throw new IllegalArgumentException(scheme);
        }
        header = sign();
    }

    @Benchmark
    public String sign() {
        return signing.sign(List.of(secret), ID, timestamp, body);
    }

    @Benchmark
    public void verify() throws WebhookVerificationException {
        verifier.verify(header, body);
    }
}
