package dev.hookline.signature;

import dev.hookline.signature.WebhookVerificationException.Reason;

/**
 * The {@code prefixed} scheme (LettrLabs' seed, GitHub's {@code X-Hub-Signature-256} form): the header
 * is {@code sha256=} followed by the {@link HexSignature hex} HMAC-SHA256 of the raw body, keyed with
 * the secret string's UTF-8 bytes. No timestamp, so no replay protection.
 *
 * <p>A receiver:
 * {@snippet :
 * var signature = new PrefixedSignature(System.getenv("WEBHOOK_SECRET"));
 * try {
 *   signature.verify(request.header("X-Signature-256"), request.bodyBytes());
 * } catch (WebhookVerificationException e) {
 *   return response(401, e.getMessage());
 * }
 * }
 */
public final class PrefixedSignature {

    private static final String PREFIX = "sha256=";

    private final HexSignature digest;

    /**
     * A verifier keyed with the UTF-8 bytes of {@code secret}.
     *
     * @throws IllegalArgumentException if {@code secret} is null or blank
     */
    public PrefixedSignature(String secret) {
        this.digest = new HexSignature(secret);
    }

    /** {@code sha256=<lowercase hex>}. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexSignature.sign(secret, body);
    }

    static String signWith(HmacSha256 key, byte[] body) {
        return PREFIX + HexSignature.signWith(key, body);
    }

    /**
     * Checks the header against the raw body; the {@code sha256=} prefix may be in any case.
     *
     * @param body the raw request body, exactly as received ({@code null} is read as empty)
     */
    public void verify(String signatureHeader, byte[] body) throws WebhookVerificationException {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookVerificationException(Reason.MISSING_HEADER, "the signature header is missing");
        }
        String value = signatureHeader.strip();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new WebhookVerificationException(Reason.MALFORMED_HEADER, "the signature does not start with sha256=");
        }
        digest.verifyDigest(value.substring(PREFIX.length()), body);
    }
}
