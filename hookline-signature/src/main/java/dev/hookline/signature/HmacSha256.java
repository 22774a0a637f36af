package dev.hookline.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with one key over the concatenation of some byte arrays: the one MAC every HMAC scheme
 * uses. Build it once per key and keep it: it is safe to share between threads.
 *
 * <p>It holds a {@link Mac} initialised with the key and never used, and each call works on a clone
 * of it. Looking a Mac up in the providers and initialising it costs more than cloning one, and
 * neither a shared Mac (not thread-safe) nor one per thread (the server signs on a new virtual thread
 * per delivery, so a thread-local one would never be reused) would do.
 */
final class HmacSha256 {
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;
    private final Mac prototype;

    HmacSha256(byte[] key) {
        this.key = key.clone();
        this.prototype = initialised(key);
    }

    byte[] mac(byte[]... parts) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            mac = initialised(key); // a provider whose Mac cannot be cloned: slower, still right
        }
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    private static Mac initialised(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
