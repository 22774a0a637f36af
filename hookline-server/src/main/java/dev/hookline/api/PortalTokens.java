package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Customer portal tokens: {@code hkp_<payload>.<mac>}, where the payload (base64url JSON) names one
 * app, an expiry, whether the holder may change anything, and the product's branding, and the MAC is
 * HMAC-SHA256 under a key derived from the master key. Any node with the master key can check a token
 * without a database read, and nobody without it can make or alter one.
 *
 * <p>A token is not stored, so it cannot be revoked one by one: it lasts as long as it was issued for
 * (an hour by default, a week at most). That is why lifetimes are short and read-only links exist.
 */
final class PortalTokens {
    static final String PREFIX = "hkp_";
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    static final Duration MAX_LIFETIME = Duration.ofDays(7);
    /** Longer than any token this class issues (branding is bounded); anything longer is refused unread. */
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** What a portal link grants; {@code branding} is what the portal page shows (may be empty). */
    record Grant(String appId, long expiresAtMillis, boolean readOnly, ObjectNode branding) {}

    private final SecretKeySpec key;
    private final Clock clock;

    PortalTokens(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.clock = clock;
    }

    static boolean looksLikeOne(String bearer) {
        return bearer != null && bearer.startsWith(PREFIX);
    }

    String issue(Grant grant) {
        ObjectNode payload = Json.object();
        payload.put("app", grant.appId());
        payload.put("exp", grant.expiresAtMillis());
        payload.put("ro", grant.readOnly());
        payload.set("brand", grant.branding());
        String body = PREFIX + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    /** The caller a token stands for: its app, read-only or not; empty when it is forged, altered or expired. */
    Optional<Principal> verify(String token) {
        int dot = token.lastIndexOf('.');
        if (token.length() > MAX_TOKEN_LENGTH || dot < 0) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(body), given)) {
            return Optional.empty();
        }
        // Only a payload this server signed gets this far, so its shape is ours.
        JsonNode payload = Json.parse(Base64.getUrlDecoder().decode(body.substring(PREFIX.length())));
        if (payload.path("exp").asLong() <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(new Principal("portal", payload.path("app").asText(), payload.path("ro").asBoolean()));
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
