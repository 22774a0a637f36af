package dev.hookline.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Every time Hookline shows is RFC 3339 UTC with milliseconds: {@code 2026-11-23T18:21:45.123Z}. */
public final class Times {
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    public static String format(long epochMillis) {
        return RFC3339.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses a time this class formatted (or any RFC 3339 time). */
    public static long parseMillis(String value) {
        return java.time.OffsetDateTime.parse(value).toInstant().toEpochMilli();
    }

    public static long parse(String field, String value) {
        try {
            return java.time.OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new Failure.Invalid(field, "must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
    }
}
