package dev.hookline.outbound;

/** How a message is put on the wire. */
public enum PayloadFormat {
    /** {@code {"id","event","created_at","data"}} */
    ENVELOPE,
    /** the envelope with {@code data}'s members in place of {@code data}: {@code {"event", ...data}} */
    MERGED,
    /** the producer's {@code data}, byte for byte */
    RAW;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
