package dev.hookline.signature;

import dev.hookline.signature.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code timestamped} scheme (Stripe's grammar, Postern's seed): one header
 * {@code t=<unix seconds>,v1=<hex>} where the hex is HMAC-SHA256 over {@code {t}.{body}}, keyed with
 * the secret string's UTF-8 bytes (a {@code whsec_} prefix included). During a rotation the header
 * carries one {@code v1=} per secret, oldest first and the newest last (see {@link #sign(java.util.List, long, byte[])}); any one that matches is enough, and entries with
 * other keys ({@code v0=}) are ignored.
 *
 * <p>A receiver:
 * {@snippet :
 * var signature = new TimestampedSignature(System.getenv("WEBHOOK_SECRET"));
 * String json = signature.parse(request.header("X-Postern-Signature"), request.bodyBytes());
 * if (json == null) {
 *   return response(400, "bad signature");
 * }
 * }
 */
public final class TimestampedSignature {

    public static final Duration DEFAULT_TOLERANCE = TimestampTolerance.DEFAULT.tolerance();

    private final HmacSha256 key;
    private final TimestampTolerance tolerance;

    /**
     * A verifier keyed with the UTF-8 bytes of {@code secret}, with the default 5-minute tolerance.
     *
     * @throws IllegalArgumentException if {@code secret} is null or blank
     */
    public TimestampedSignature(String secret) {
        this(WebhookSecret.utf8HmacKey(secret), TimestampTolerance.DEFAULT);
    }

    private TimestampedSignature(HmacSha256 key, TimestampTolerance tolerance) {
        this.key = key;
        this.tolerance = tolerance;
    }

    /** The same verifier accepting timestamps within ±{@code tolerance} of now (default 5 minutes). */
    public TimestampedSignature withTolerance(Duration tolerance) {
        return new TimestampedSignature(key, this.tolerance.withTolerance(tolerance));
    }

    /** The same verifier reading "now" from {@code clock}. */
    public TimestampedSignature withClock(Clock clock) {
        return new TimestampedSignature(key, tolerance.withClock(clock));
    }

    /** {@code t=<timestampSeconds>,v1=<hex>}. */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        return sign(List.of(secret), timestampSeconds, body);
    }

    /**
     * {@code t=<timestampSeconds>,v1=<hex>,v1=<hex>…}: one {@code v1} per secret. {@code secrets} is
     * newest first, as everywhere in this library; the header lists them the other way round, so the
     * newest secret's {@code v1} is the last one.
     */
    public static String sign(List<String> secrets, long timestampSeconds, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        return signWith(secrets.stream().map(WebhookSecret::utf8HmacKey).toList(), timestampSeconds, body);
    }

    /** {@link #sign(List, long, byte[])} with the secrets' keys made already, newest first. */
    static String signWith(List<HmacSha256> keys, long timestampSeconds, byte[] body) {
        StringBuilder header = new StringBuilder("t=").append(timestampSeconds);
        // Oldest first, newest last: receivers that read the header into a map (seed 001's verify.ts
        // uses Object.fromEntries) keep only the last v1, and a receiver that already switched to the
        // new secret must not fail for the whole grace period. Verifiers that try every v1 don't care.
        byte[] prefix = signedPrefix(timestampSeconds);
        for (HmacSha256 key : keys.reversed()) {
            byte[] mac = key.mac(prefix, body);
            header.append(",v1=").append(HexFormat.of().formatHex(mac));
        }
        return header.toString();
    }

    /**
     * Checks the header against the raw body. The signature is checked before the timestamp, so a
     * timestamp reason always means an authentic message that is replayed or from a skewed clock.
     *
     * @param body the raw request body, exactly as received ({@code null} is read as empty)
     */
    public void verify(String signatureHeader, byte[] body) throws WebhookVerificationException {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookVerificationException(Reason.MISSING_HEADER, "the signature header is missing");
        }
        String timestamp = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : signatureHeader.split(",")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new WebhookVerificationException(Reason.MALFORMED_HEADER,
                        "the signature header is not a list of key=value pairs");
            }
            String name = part.substring(0, equals).strip();
            String value = part.substring(equals + 1).strip();
            if (name.equals("t")) {
                if (timestamp != null) {
                    throw new WebhookVerificationException(Reason.MALFORMED_HEADER, "the signature header holds two t=");
                }
                timestamp = value;
            } else if (name.equals("v1")) {
                try {
                    candidates.add(HexFormat.of().parseHex(value));
                } catch (IllegalArgumentException notHex) {
                    // cannot match; another v1 still may
                }
            }
        }
        if (timestamp == null) {
            throw new WebhookVerificationException(Reason.MALFORMED_HEADER, "the signature header has no t=");
        }
        long timestampSeconds = TimestampTolerance.parseSeconds(timestamp);
        byte[] expected = key.mac(signedPrefix(timestampSeconds), body == null ? new byte[0] : body);
        boolean matched = false;
        for (byte[] candidate : candidates) {
            matched |= MessageDigest.isEqual(expected, candidate); // no early exit: time is independent of which entry matched
        }
        if (!matched) {
            throw new WebhookVerificationException(Reason.NO_MATCHING_SIGNATURE,
                    "none of the " + candidates.size() + " v1 signatures matches");
        }
        tolerance.check(timestampSeconds);
    }

    /**
     * The verified body as a UTF-8 string, or {@code null} if verification fails (like seed 001's
     * {@code parseWebhook}); parse the JSON with the library of your choice.
     */
    public String parse(String signatureHeader, byte[] body) {
        try {
            verify(signatureHeader, body);
        } catch (WebhookVerificationException e) {
            return null;
        }
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    private static byte[] signedPrefix(long timestampSeconds) {
        return HmacSha256.utf8(timestampSeconds + ".");
    }
}
