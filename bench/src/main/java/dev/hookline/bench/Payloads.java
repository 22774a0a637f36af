package dev.hookline.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The bytes every benchmark sends. All messages of a run have the same size (sequence numbers are
 * zero-padded), so the baseline can send bodies exactly as long as the deliveries Hookline makes.
 */
final class Payloads {
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final String EVENT = "invoice.paid";
    private static final String NOTE = "x".repeat(96);

    private Payloads() {}

    /** The producer's {@code data}: a small invoice-like object (about 200 bytes). */
    static String data(int seq) {
        return String.format("{\"invoice\":\"in_%010d\",\"customer\":\"cus_%010d\",\"amount\":4200,\"currency\":\"EUR\",\"note\":\"%s\"}",
                seq, seq % 997, NOTE);
    }

    /** The body of {@code POST /v1/apps/{app}/messages}, with the producer's idempotency key. */
    static byte[] message(String run, int seq) {
        return String.format("{\"event\":\"%s\",\"id\":\"%s-%08d\",\"data\":%s}", EVENT, run, seq, data(seq))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A delivery body of the shape (and size) Hookline sends by default: the envelope around {@code data}. */
    static byte[] envelope(String messageId, long createdAtMillis, int seq) {
        return String.format("{\"id\":\"%s\",\"event\":\"%s\",\"created_at\":\"%s\",\"data\":%s}",
                messageId, EVENT, RFC3339.format(Instant.ofEpochMilli(createdAtMillis)), data(seq))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** An id shaped like Hookline's: {@code msg_} and 26 characters. */
    static String messageId(int seq) {
        return String.format("msg_BASE%022d", seq);
    }
}
