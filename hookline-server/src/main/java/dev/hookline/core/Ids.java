package dev.hookline.core;

import java.security.SecureRandom;

/**
 * Prefixed, time-ordered identifiers such as {@code msg_01JD3…}: a prefix, an underscore and 26
 * Crockford base-32 characters (48 bits of milliseconds, then 80 bits of randomness).
 *
 * <p>Ids sort in creation order, which is what cursor pagination ({@code ?after=<id>}) and FIFO
 * delivery rely on. Within one millisecond the random part is incremented rather than redrawn, so
 * two ids made by this process never compare out of order.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static long lastMillis;
    private static long randomHigh; // 16 bits
    private static long randomLow;  // 64 bits

    private Ids() {}

    public static String next(String prefix) {
        long millis;
        long high;
        long low;
        synchronized (Ids.class) {
            millis = Math.max(System.currentTimeMillis(), lastMillis);
            if (millis == lastMillis) {
                randomLow++;
                if (randomLow == 0) {
                    randomHigh = (randomHigh + 1) & 0xFFFF;
                }
            } else {
                lastMillis = millis;
                randomHigh = RANDOM.nextInt(0x8000); // leave headroom so increments never wrap
                randomLow = RANDOM.nextLong();
            }
            high = randomHigh;
            low = randomLow;
        }
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits: 16 in high, 64 in low, written as 16 base-32 digits from the right.
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    /** A random URL-safe token with {@code bytes * 8} bits of entropy. */
    public static String token(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
