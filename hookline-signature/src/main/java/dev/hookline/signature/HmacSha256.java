package dev.hookline.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 over the concatenation of some byte arrays: the one MAC every HMAC scheme uses. */
final class HmacSha256 {

    private HmacSha256() {}

    /**
     * A fresh {@link Mac} per call: a cached one would have to be per thread, and with one virtual
     * thread per delivery a thread-local cache is never reused. Provider lookup costs less than the MAC.
     */
    static byte[] mac(byte[] key, byte[]... parts) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
