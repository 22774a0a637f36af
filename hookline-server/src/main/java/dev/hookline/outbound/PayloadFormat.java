package dev.hookline.outbound;

/** How a message is put on the wire. */
public enum PayloadFormat {
    /** {@code {"id","event","created_at","data"}} */
    ENVELOPE,
    /** the producer's {@code data}, byte for byte */
    RAW;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
