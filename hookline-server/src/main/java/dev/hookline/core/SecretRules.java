package dev.hookline.core;

import dev.hookline.signature.SignatureScheme;
import dev.hookline.signature.WebhookSecret;
import java.util.Base64;

/**
 * What a caller-supplied signing secret must look like, per scheme: one rule for endpoints (we
 * sign) and sources (we verify), so a secret accepted at create time can always be used.
 */
public final class SecretRules {
    private SecretRules() {}

    /**
     * Standard Webhooks HMAC secrets are {@code whsec_} + base64 of 24 to 64 bytes; {@code whsk_}
     * keys must be valid ed25519 keys; the other schemes use the string's bytes, so any
     * {@code minLength} to 256 printable characters do.
     */
    public static void check(String field, String secret, SignatureScheme scheme, int minLength) {
        if (secret.startsWith("whsk_")) {
            try {
                WebhookSecret.publicKeyOf(secret);
            } catch (IllegalArgumentException e) {
                throw new Failure.Invalid(field, "is not a valid ed25519 secret key: " + e.getMessage());
            }
        } else if (scheme == SignatureScheme.STANDARD) {
            String b64 = secret.startsWith("whsec_") ? secret.substring(6) : secret;
            byte[] key;
            try {
                key = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new Failure.Invalid(field, "must be 'whsec_' followed by base64 (Standard Webhooks)");
            }
            if (key.length < 24 || key.length > 64) {
                throw new Failure.Invalid(field, "must encode 24 to 64 bytes of key (got " + key.length + ")");
            }
        } else if (secret.length() < minLength || secret.length() > 256 || !secret.chars().allMatch(ch -> ch > 32 && ch < 127)) {
            throw new Failure.Invalid(field, "must be " + minLength + " to 256 printable ASCII characters without spaces");
        }
    }
}
