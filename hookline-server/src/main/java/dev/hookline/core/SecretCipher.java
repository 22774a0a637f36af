package dev.hookline.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM under the master key. A sealed value reads
 * {@code v1:<base64(nonce ‖ ciphertext ‖ tag)>}; the version prefix leaves room for key rotation.
 */
public final class SecretCipher {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Sealed values opened at most. */
    private static final int OPENED_MAX = 20_000;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    /**
     * Recently opened values: every claimed delivery needs its endpoint's secret, and a new cipher
     * with its key schedule per delivery cost more than the lookup. A sealed value decrypts to one
     * plaintext only, so an entry can never be stale; it adds no capability to a process that holds
     * the master key anyway.
     */
    private final Cache<String, String> opened = Caffeine.newBuilder().maximumSize(OPENED_MAX).build();

    /** Opened values kept now (for the {@code hookline_memory_entries} gauge). */
    public long openedKept() {
        return opened.estimatedSize();
    }

    public SecretCipher(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), got " + masterKey.length);
        }
        this.key = new SecretKeySpec(masterKey, "AES");
    }

    /**
     * A key of its own for {@code purpose} (HMAC-SHA256 of the purpose under the master key), so one
     * master key serves several uses without a value made for one being accepted by another.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    public String seal(String plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    public String open(String sealedValue) {
        return opened.get(sealedValue, this::decrypt);
    }

    private String decrypt(String sealedValue) {
        if (!sealedValue.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealedValue.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored secret cannot be decrypted: is HOOKLINE_MASTER_KEY the key it was written with?", e);
        }
    }
}
