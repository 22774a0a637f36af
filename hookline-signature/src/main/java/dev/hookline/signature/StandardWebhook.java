package dev.hookline.signature;

import dev.hookline.signature.WebhookVerificationException.Reason;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code standard} scheme (<a href="https://www.standardwebhooks.com">Standard Webhooks</a>):
 * headers {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}, the last
 * holding space-separated {@code <version>,<base64>} entries over {@code {id}.{timestamp}.{body}}:
 * {@code v1} is HMAC-SHA256 keyed with a {@code whsec_} secret, {@code v1a} is Ed25519 signed with a
 * {@code whsk_} key. During a secret rotation the header carries one entry per secret; any one that
 * matches is enough, and entries of other versions are ignored.
 *
 * <p>A receiver:
 * {@snippet :
 * var webhook = new StandardWebhook(System.getenv("WEBHOOK_SECRET")); // whsec_… or whpk_…
 * try {
 *   webhook.verify(request.header("webhook-id"), request.header("webhook-timestamp"),
 *       request.header("webhook-signature"), request.bodyBytes());
 * } catch (WebhookVerificationException e) {
 *   return response(400, e.getMessage());
 * }
 * }
 */
public final class StandardWebhook {

    public static final Duration DEFAULT_TOLERANCE = TimestampTolerance.DEFAULT.tolerance();

    private final VerificationKey key;
    private final TimestampTolerance tolerance;

    /**
     * A verifier for {@code v1} signatures given a {@code whsec_} secret (or its bare base64), or for
     * {@code v1a} signatures given a {@code whpk_} public key (or the {@code whsk_} secret key).
     *
     * @throws IllegalArgumentException if the secret or key is not in one of those forms
     */
    public StandardWebhook(String secretOrPublicKey) {
        this(verificationKey(secretOrPublicKey), TimestampTolerance.DEFAULT);
    }

    private StandardWebhook(VerificationKey key, TimestampTolerance tolerance) {
        this.key = key;
        this.tolerance = tolerance;
    }

    /** The same verifier accepting timestamps within ±{@code tolerance} of now (default 5 minutes). */
    public StandardWebhook withTolerance(Duration tolerance) {
        return new StandardWebhook(key, this.tolerance.withTolerance(tolerance));
    }

    /** The same verifier reading "now" from {@code clock}. */
    public StandardWebhook withClock(Clock clock) {
        return new StandardWebhook(key, tolerance.withClock(clock));
    }

    /**
     * One {@code webhook-signature} entry: {@code v1,<base64 HMAC>} for a {@code whsec_} secret,
     * {@code v1a,<base64 Ed25519>} for a {@code whsk_} secret key. Join entries with a space to send
     * several (see {@link SignatureScheme#sign}).
     *
     * @throws IllegalArgumentException if the secret is in neither form
     */
    public static String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
        return signingKey(secret).sign(signedPrefix(messageId, timestampSeconds), body);
    }

    /** What makes one entry: the secret read once, for signing many messages. */
    sealed interface SigningKey permits HmacSigningKey, Ed25519SigningKey {
        /** One {@code webhook-signature} entry over {@code prefix} (see {@link #signedPrefix}) and {@code body}. */
        String sign(byte[] prefix, byte[] body);
    }

    private record HmacSigningKey(HmacSha256 key) implements SigningKey {
        @Override
        public String sign(byte[] prefix, byte[] body) {
            return "v1," + base64(key.mac(prefix, body));
        }
    }

    private record Ed25519SigningKey(PrivateKey key) implements SigningKey {
        @Override
        public String sign(byte[] prefix, byte[] body) {
            return "v1a," + base64(ed25519Sign(key, prefix, body));
        }
    }

    /** @throws IllegalArgumentException if the secret is neither a {@code whsec_} secret nor a {@code whsk_} key */
    static SigningKey signingKey(String secret) {
        if (secret != null && WebhookSecret.isEd25519SecretKey(secret)) {
            return new Ed25519SigningKey(WebhookSecret.ed25519PrivateKey(secret));
        }
        return new HmacSigningKey(WebhookSecret.standardHmacKey(secret));
    }

    /**
     * Checks the three header values against the body. The signature is checked before the timestamp,
     * so a timestamp reason always means an authentic message that is replayed or from a skewed clock.
     *
     * @param body the raw request body, exactly as received ({@code null} is read as empty)
     */
    public void verify(String messageId, String timestamp, String signatureHeader, byte[] body)
            throws WebhookVerificationException {
        requirePresent(messageId, "webhook-id");
        requirePresent(timestamp, "webhook-timestamp");
        requirePresent(signatureHeader, "webhook-signature");
        long timestampSeconds = TimestampTolerance.parseSeconds(timestamp.strip());

        List<byte[]> candidates = new ArrayList<>();
        boolean anyWellFormedEntry = false;
        for (String entry : signatureHeader.strip().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma <= 0) {
                continue;
            }
            anyWellFormedEntry = true;
            if (entry.substring(0, comma).equals(key.version())) {
                try {
                    candidates.add(Base64.getDecoder().decode(entry.substring(comma + 1)));
                } catch (IllegalArgumentException notBase64) {
                    // cannot match; another entry still may
                }
            }
        }
        if (!anyWellFormedEntry) {
            throw new WebhookVerificationException(Reason.MALFORMED_HEADER,
                    "webhook-signature holds no <version>,<signature> entry");
        }
        byte[] prefix = signedPrefix(messageId, timestampSeconds);
        if (!key.acceptsAny(candidates, prefix, body == null ? new byte[0] : body)) {
            throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE,
                    "none of the " + candidates.size() + " " + key.version() + " signatures matches");
        }
        tolerance.check(timestampSeconds);
    }

    /** What is signed, before the body: {@code {id}.{timestamp}.} in UTF-8. */
    static byte[] signedPrefix(String messageId, long timestampSeconds) {
        return HmacSha256.utf8(messageId + "." + timestampSeconds + ".");
    }

    private static void requirePresent(String value, String header) throws WebhookVerificationException {
        if (value == null || value.isBlank()) {
            throw new WebhookVerificationException(Reason.MISSING_HEADER, header + " is missing");
        }
    }

    private static VerificationKey verificationKey(String secretOrPublicKey) {
        if (secretOrPublicKey != null && WebhookSecret.isEd25519PublicKey(secretOrPublicKey)) {
            return new Ed25519Key(WebhookSecret.ed25519PublicKey(secretOrPublicKey));
        }
        if (secretOrPublicKey != null && WebhookSecret.isEd25519SecretKey(secretOrPublicKey)) {
            return new Ed25519Key(WebhookSecret.ed25519PublicKey(WebhookSecret.publicKeyOf(secretOrPublicKey)));
        }
        return new HmacKey(WebhookSecret.standardHmacKey(secretOrPublicKey));
    }

    /** What checks a signature: one key, one signature version. */
    private sealed interface VerificationKey permits HmacKey, Ed25519Key {
        String version();

        boolean acceptsAny(List<byte[]> signatures, byte[] prefix, byte[] body);
    }

    private record HmacKey(HmacSha256 key) implements VerificationKey {
        @Override
        public String version() {
            return "v1";
        }

        @Override
        public boolean acceptsAny(List<byte[]> signatures, byte[] prefix, byte[] body) {
            byte[] expected = key.mac(prefix, body);
            boolean matched = false;
            for (byte[] signature : signatures) {
                matched |= MessageDigest.isEqual(expected, signature); // no early exit: time is independent of which entry matched
            }
            return matched;
        }
    }

    private record Ed25519Key(PublicKey key) implements VerificationKey {
        @Override
        public String version() {
            return "v1a";
        }

        @Override
        public boolean acceptsAny(List<byte[]> signatures, byte[] prefix, byte[] body) {
            for (byte[] signature : signatures) {
                try {
                    Signature verifier = Signature.getInstance("Ed25519");
                    verifier.initVerify(key);
                    verifier.update(prefix);
                    verifier.update(body);
                    if (verifier.verify(signature)) {
                        return true;
                    }
                } catch (GeneralSecurityException | IllegalArgumentException malformedSignature) {
                    // a signature of the wrong length or encoding cannot match; try the next
                }
            }
            return false;
        }
    }

    private static byte[] ed25519Sign(PrivateKey key, byte[] prefix, byte[] body) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(prefix);
            signer.update(body);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK since 15 provides Ed25519", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
