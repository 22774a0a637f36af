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
     * The value of the signature header for this scheme.
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
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        return switch (this) {
            case STANDARD -> secrets.stream()
                    .map(secret -> StandardWebhook.sign(secret, messageId, timestampSeconds, body))
                    .collect(Collectors.joining(" "));
            case TIMESTAMPED -> TimestampedSignature.sign(secrets, timestampSeconds, body);
            case PREFIXED -> PrefixedSignature.sign(secrets.get(0), body);
            case HEX -> HexSignature.sign(secrets.get(0), body);
        };
    }
}
