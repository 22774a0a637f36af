package dev.hookline.signature;

import dev.hookline.signature.WebhookVerificationException.Reason;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The {@code hex} scheme (Encrata's and Flowyble's seeds): the header is the lowercase hex
 * HMAC-SHA256 of the raw body, keyed with the secret string's UTF-8 bytes. No timestamp, so no replay
 * protection; upper-case hex is accepted.
 *
 * <p>A receiver:
 * {@snippet :
 * var signature = new HexSignature(System.getenv("WEBHOOK_SECRET"));
 * try {
 *   signature.verify(request.header("X-Signature"), request.bodyBytes());
 * } catch (WebhookVerificationException e) {
 *   return response(401, "invalid HMAC signature");
 * }
 * }
 */
public final class HexSignature {

    private static final int SHA256_BYTES = 32;

    private final HmacSha256 key;

    /**
     * A verifier keyed with the UTF-8 bytes of {@code secret}.
     *
     * @throws IllegalArgumentException if {@code secret} is null or blank
     */
    public HexSignature(String secret) {
        this.key = WebhookSecret.utf8HmacKey(secret);
    }

    /** The lowercase hex HMAC-SHA256 of {@code body}. */
    public static String sign(String secret, byte[] body) {
        return signWith(WebhookSecret.utf8HmacKey(secret), body);
    }

    static String signWith(HmacSha256 key, byte[] body) {
        return HexFormat.of().formatHex(key.mac(body));
    }

    /**
     * Checks the header against the raw body.
     *
     * @param body the raw request body, exactly as received ({@code null} is read as empty)
     */
    public void verify(String signatureHeader, byte[] body) throws WebhookVerificationException {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookVerificationException(Reason.MISSING_HEADER, "the signature header is missing");
        }
        verifyDigest(signatureHeader.strip(), body);
    }

    /** Checks a hex digest that is present; shared with {@link PrefixedSignature}. */
    void verifyDigest(String hex, byte[] body) throws WebhookVerificationException {
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            claimed = null;
        }
        if (claimed == null || claimed.length != SHA256_BYTES) {
            throw new WebhookVerificationException(Reason.MALFORMED_HEADER,
                    "the signature is not a 64-character hex HMAC-SHA256");
        }
        if (!MessageDigest.isEqual(key.mac(body == null ? new byte[0] : body), claimed)) {
            throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE, "the signature does not match");
        }
    }
}
