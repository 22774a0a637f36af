package dev.hookline.signature;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generates secrets and reads the secret formats the schemes use.
 *
 * <ul>
 *   <li>{@code whsec_<base64>}: a symmetric secret. {@code standard} uses the base64-decoded bytes as
 *       the HMAC key (a secret without the prefix is base64-decoded whole); {@code timestamped},
 *       {@code prefixed} and {@code hex} use the whole string's UTF-8 bytes, prefix included, because
 *       that is what those receivers' own snippets do.
 *   <li>{@code whsk_<base64>}: an Ed25519 secret key, the 32-byte private seed of RFC 8032. The
 *       64-byte form (seed followed by public key, as libsodium and Svix store it) is read too; its
 *       public half is ignored and derived again from the seed.
 *   <li>{@code whpk_<base64>}: the raw 32-byte Ed25519 public key, for receivers.
 * </ul>
 */
public final class WebhookSecret {

    static final String HMAC_PREFIX = "whsec_";
    static final String SECRET_KEY_PREFIX = "whsk_";
    static final String PUBLIC_KEY_PREFIX = "whpk_";

    /** 192 bits, the size Standard Webhooks implementations generate; HMAC-SHA256 needs no more. */
    private static final int HMAC_SECRET_BYTES = 24;
    private static final int ED25519_KEY_BYTES = 32;
    /** The fixed DER header of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 key (RFC 8410). */
    private static final byte[] ED25519_SPKI_HEADER = HexFormat.of().parseHex("302a300506032b6570032100");

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecret() {}

    /** A new symmetric secret: {@code whsec_} + base64 of 24 random bytes. */
    public static String generate() {
        return HMAC_PREFIX + Base64.getEncoder().encodeToString(randomBytes(HMAC_SECRET_BYTES));
    }

    /** A new Ed25519 key pair for {@code standard} asymmetric ({@code v1a}) signatures. */
    public static Ed25519KeyPair generateEd25519() {
        String secretKey = SECRET_KEY_PREFIX + Base64.getEncoder().encodeToString(randomBytes(ED25519_KEY_BYTES));
        return new Ed25519KeyPair(secretKey, publicKeyOf(secretKey));
    }

    /**
     * The {@code whpk_} public key that verifies what this {@code whsk_} secret key signs.
     *
     * @throws IllegalArgumentException if {@code secretKey} is not a {@code whsk_} key
     */
    public static String publicKeyOf(String secretKey) {
        byte[] rawPublicKey = derivePublicKey(ed25519Seed(secretKey));
        return PUBLIC_KEY_PREFIX + Base64.getEncoder().encodeToString(rawPublicKey);
    }

    static boolean isEd25519SecretKey(String secret) {
        return secret.startsWith(SECRET_KEY_PREFIX);
    }

    static boolean isEd25519PublicKey(String key) {
        return key.startsWith(PUBLIC_KEY_PREFIX);
    }

    /** The HMAC key of the {@code standard} scheme: base64 after {@code whsec_}, or the whole string without it. */
    static HmacSha256 standardHmacKey(String secret) {
        requireNonBlank(secret);
        String encoded = secret.startsWith(HMAC_PREFIX) ? secret.substring(HMAC_PREFIX.length()) : secret;
        byte[] key = decodeBase64(encoded, "a standard secret must be whsec_ followed by base64");
        if (key.length == 0) {
            throw new IllegalArgumentException("a standard secret must not be empty");
        }
        return new HmacSha256(key);
    }

    /** The HMAC key of the other schemes: the secret string's UTF-8 bytes, exactly as given. */
    static HmacSha256 utf8HmacKey(String secret) {
        requireNonBlank(secret);
        return new HmacSha256(HmacSha256.utf8(secret));
    }

    static PrivateKey ed25519PrivateKey(String secretKey) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, ed25519Seed(secretKey)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK since 15 provides Ed25519", e);
        }
    }

    static PublicKey ed25519PublicKey(String publicKey) {
        requireNonBlank(publicKey);
        if (!isEd25519PublicKey(publicKey)) {
            throw new IllegalArgumentException("an Ed25519 public key must start with " + PUBLIC_KEY_PREFIX);
        }
        byte[] raw = decodeBase64(publicKey.substring(PUBLIC_KEY_PREFIX.length()), "a whpk_ key must be base64");
        if (raw.length != ED25519_KEY_BYTES) {
            throw new IllegalArgumentException("a whpk_ key must hold 32 bytes, not " + raw.length);
        }
        byte[] spki = Arrays.copyOf(ED25519_SPKI_HEADER, ED25519_SPKI_HEADER.length + raw.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_HEADER.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the whpk_ key is not an Ed25519 public key", e);
        }
    }

    private static byte[] ed25519Seed(String secretKey) {
        requireNonBlank(secretKey);
        if (!isEd25519SecretKey(secretKey)) {
            throw new IllegalArgumentException("an Ed25519 secret key must start with " + SECRET_KEY_PREFIX);
        }
        byte[] raw = decodeBase64(secretKey.substring(SECRET_KEY_PREFIX.length()), "a whsk_ key must be base64");
        if (raw.length != ED25519_KEY_BYTES && raw.length != 2 * ED25519_KEY_BYTES) {
            throw new IllegalArgumentException("a whsk_ key must hold a 32-byte seed (or seed + public key), not "
                    + raw.length + " bytes");
        }
        return Arrays.copyOf(raw, ED25519_KEY_BYTES);
    }

    /**
     * The JDK has no "public key of this private key" call for EdDSA, but its key pair generator draws
     * exactly the 32-byte seed from the SecureRandom it is given and derives the public key from it
     * (RFC 8032, 5.1.5). So we hand it our seed, and check it really used it rather than trust that.
     */
    private static byte[] derivePublicKey(byte[] seed) {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK since 15 provides Ed25519", e);
        }
        byte[] usedSeed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(null);
        if (!Arrays.equals(usedSeed, seed)) {
            throw new IllegalStateException("the Ed25519 provider did not derive the key from the given seed");
        }
        byte[] spki = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(spki, spki.length - ED25519_KEY_BYTES, spki.length);
    }

    /** A "random" source that yields the given bytes: only for {@link #derivePublicKey}. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            System.arraycopy(bytes, 0, out, 0, Math.min(bytes.length, out.length));
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] decodeBase64(String encoded, String complaint) {
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(complaint, e);
        }
    }

    private static void requireNonBlank(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a secret must not be null or blank");
        }
    }
}
