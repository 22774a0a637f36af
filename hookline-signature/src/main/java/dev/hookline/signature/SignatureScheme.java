package dev.hookline.signature;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The signature schemes Hookline speaks, by the name used in configuration ({@code signature.scheme}). */
public enum SignatureScheme {
    /** {@code v1,<base64>} (or {@code v1a,} for Ed25519); see {@link StandardWebhook}. */
    STANDARD("standard"),
    /** {@code t=<unix>,v1=<hex>}; see {@link TimestampedSignature}. */
    TIMESTAMPED("timestamped"),
    /** {@code sha256=<hex>}; see {@link PrefixedSignature}. */
    PREFIXED("prefixed"),
    /** {@code <hex>}; see {@link HexSignature}. */
    HEX("hex");

    private final String wireName;

    SignatureScheme(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The scheme configured as {@code name}: exactly a {@link #wireName()}.
     *
     * @throws IllegalArgumentException naming the valid names, if {@code name} is not one of them
     */
    public static SignatureScheme fromWireName(String name) {
        for (SignatureScheme scheme : values()) {
            if (scheme.wireName.equals(name)) {
                return scheme;
            }
        }
        throw new IllegalArgumentException("unknown signature scheme '" + name + "'; valid schemes are "
                + Arrays.stream(values()).map(SignatureScheme::wireName).collect(Collectors.joining(", ")));
    }

    /**
     * The value of the signature header for this scheme: {@code signer(secrets).sign(messageId,
     * timestampSeconds, body)}. To sign many messages with the same secrets, keep the {@link #signer}.
     *
     * @param secrets newest first: one normally, two during a rotation grace. {@code PREFIXED} and
     *     {@code HEX} use only the first (their format has room for one signature). For
     *     {@code STANDARD}, a {@code whsk_} secret produces a {@code v1a,} Ed25519 entry, any other a
     *     {@code v1,} HMAC entry.
     * @param messageId signed by {@code STANDARD} only
     * @param timestampSeconds signed by {@code STANDARD} and {@code TIMESTAMPED} only
     * @throws IllegalArgumentException if {@code secrets} is empty or a secret is unusable for the scheme
     */
    public String sign(List<String> secrets, String messageId, long timestampSeconds, byte[] body) {
        return signer(secrets).sign(messageId, timestampSeconds, body);
    }

    /**
     * A signer for these secrets (as in {@link #sign}), which reads them once: keeping it saves
     * decoding the secrets and setting up their keys for every message. Safe to share between threads.
     *
     * @throws IllegalArgumentException if {@code secrets} is empty or a secret is unusable for the scheme
     */
    public Signer signer(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        return switch (this) {
            case STANDARD -> {
                List<StandardWebhook.SigningKey> keys = secrets.stream().map(StandardWebhook::signingKey).toList();
                yield (messageId, timestampSeconds, body) -> {
                    byte[] prefix = StandardWebhook.signedPrefix(messageId, timestampSeconds);
                    return keys.stream().map(key -> key.sign(prefix, body)).collect(Collectors.joining(" "));
                };
            }
            case TIMESTAMPED -> {
                List<HmacSha256> keys = secrets.stream().map(WebhookSecret::utf8HmacKey).toList();
                yield (messageId, timestampSeconds, body) -> TimestampedSignature.signWith(keys, timestampSeconds, body);
            }
            case PREFIXED -> {
                HmacSha256 key = WebhookSecret.utf8HmacKey(secrets.get(0));
                yield (messageId, timestampSeconds, body) -> PrefixedSignature.signWith(key, body);
            }
            case HEX -> {
                HmacSha256 key = WebhookSecret.utf8HmacKey(secrets.get(0));
                yield (messageId, timestampSeconds, body) -> HexSignature.signWith(key, body);
            }
        };
    }

    /** Signs messages with the secrets it was made for ({@link #signer}). */
    @FunctionalInterface
    public interface Signer {
        /** The value of the signature header for this message; see {@link SignatureScheme#sign}. */
        String sign(String messageId, long timestampSeconds, byte[] body);
    }
}
