package dev.hookline.testing;

import java.util.Random;

/**
 * A small, seeded mutation fuzzer: it takes a valid input and breaks it the ways attackers and
 * broken clients do — tokens spliced in, ranges cut or repeated, characters swapped for control,
 * surrogate, NUL and right-to-left ones, numbers swapped for ones no double holds, and nesting far
 * past any limit. The same seed gives the same inputs, so a failure names its seed and replays.
 */
public final class Mutator {
    private static final String[] TOKENS = {
        "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "\\udfff", "\\u202e", "null", "true", "false", "-0",
        "1e400", "-1e400", "1e-400", "99999999999999999999999999", "-9223372036854775809", "0.000000000000000000001",
        "\"$in\"", "\"$nin\"", "\"$gt\"", "\"$or\"", "\"$and\"", "\"$exists\"", "\"$bogus\"", "\"data.\"", "\".\"", "\"..\"",
        "\r\n", "\n", "\t", "\u0000", "\u0001", "\u007f", "\u202e", "\ufeff", "é", "\uD83D\uDE42", "%00", "%2F", "../", "#",
        "?", "&", "=", "Host", "Transfer-Encoding", "Content-Length", "webhook-id", "app_", "ep_", "msg_", "whsec_",
        "http://127.0.0.1/", "http://[::1%25lo]/", "https://example.com:65536/", "\"" + "x".repeat(300) + "\"",
    };

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    /** {@code seed} broken in one to four places. */
    public String mutate(String seed) {
        StringBuilder s = new StringBuilder(seed);
        int steps = 1 + random.nextInt(4);
        for (int i = 0; i < steps; i++) {
            int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
            switch (random.nextInt(7)) {
                case 0 -> s.insert(at, pick(TOKENS));
                case 1 -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(8));
                    s.delete(at, end);
                }
                case 2 -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(16));
                    s.insert(at, s.substring(at, end).repeat(1 + random.nextInt(3)));
                }
                case 3 -> {
                    if (!s.isEmpty() && at < s.length()) {
                        s.setCharAt(at, (char) random.nextInt(0x20 + random.nextInt(0xFFFF - 0x20)));
                    }
                }
                case 4 -> s.insert(at, "{\"d\":".repeat(60 + random.nextInt(60)) + "1" + "}".repeat(60 + random.nextInt(60)));
                case 5 -> s.setLength(Math.min(s.length(), at));
                default -> s.insert(at, "[".repeat(1 + random.nextInt(200)));
            }
        }
        return s.toString();
    }

    /** Random bytes, sometimes with a valid JSON object in front. */
    public byte[] bytes(int max) {
        byte[] out = new byte[random.nextInt(max + 1)];
        random.nextBytes(out);
        return out;
    }
}
