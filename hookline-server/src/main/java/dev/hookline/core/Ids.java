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
        putMillis(out, millis);
        // 80 random bits: 16 in high, 64 in low, written as 16 base-32 digits from the right.
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    /**
     * The smallest id with this prefix that could be made at {@code millis}: as an {@code ?after=}
     * cursor it skips everything made before then (a pull consumer that starts "from now").
     */
    public static String floor(String prefix, long millis) {
        char[] out = new char[26];
        java.util.Arrays.fill(out, '0');
        putMillis(out, millis);
        return prefix + "_" + new String(out);
    }

    /** The first 10 characters: 48 bits of milliseconds, most significant first, so ids sort by time. */
    private static void putMillis(char[] out, long millis) {
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
    }

    /** Whether {@code value} has the shape of an id made by {@link #next} with {@code prefix}. */
    public static boolean isId(String prefix, String value) {
        if (value.length() != prefix.length() + 27 || !value.startsWith(prefix) || value.charAt(prefix.length()) != '_') {
            return false;
        }
        for (int i = prefix.length() + 1; i < value.length(); i++) {
            if (java.util.Arrays.binarySearch(ALPHABET, value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A random URL-safe token with {@code bytes * 8} bits of entropy. */
    public static String token(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /**
     * The id's 128 bits written as a UUID, for formats that want one (seed 004's {@code runId}):
     * the same id gives the same UUID. The version (8, "custom") and variant bits are set, so
     * strict UUID parsers accept it; six of the random bits give way to them.
     */
    public static String asUuid(String id) {
        String digits = id.substring(id.indexOf('_') + 1);
        long high = 0;
        long low = 0;
        for (int i = 0; i < digits.length(); i++) {
            int value = java.util.Arrays.binarySearch(ALPHABET, Character.toUpperCase(digits.charAt(i)));
            if (value < 0) {
                throw new IllegalArgumentException("not an id: " + id);
            }
            high = (high << 5) | (low >>> 59);
            low = (low << 5) | value;
        }
        high = (high & ~0xF000L) | 0x8000L;
        low = (low & ~(0xC000L << 48)) | (0x8000L << 48);
        return new java.util.UUID(high, low).toString();
    }
}
