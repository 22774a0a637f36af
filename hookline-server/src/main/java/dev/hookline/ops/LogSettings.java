package dev.hookline.ops;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code HOOKLINE_LOG_LEVEL} and {@code HOOKLINE_LOG_FORMAT}, checked before the first line is logged
 * and handed to {@code logback.xml} as system properties. Logback itself would take a misspelt level
 * as DEBUG and a misspelt format as "no output at all", so a bad value stops the start instead.
 */
public final class LogSettings {
    static final String FORMAT_PROPERTY = "hookline.log.format";
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogSettings() {}

    /** Reads both variables from {@code env}; throws IllegalArgumentException, with the accepted values, on a bad one. */
    public static void apply(Map<String, String> env) {
        String level = value(env, "HOOKLINE_LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
        if (level.equals("WARNING")) {
            level = "WARN";
        }
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("HOOKLINE_LOG_LEVEL must be one of trace, debug, info, warn, error, off (got '"
                    + env.get("HOOKLINE_LOG_LEVEL") + "')");
        }
        String format = value(env, "HOOKLINE_LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("HOOKLINE_LOG_FORMAT must be json or text (got '" + env.get("HOOKLINE_LOG_FORMAT") + "')");
        }
        System.setProperty("hookline.log.level", level);
        System.setProperty(FORMAT_PROPERTY, format);
    }

    /** Whether lines are JSON ({@code HOOKLINE_LOG_FORMAT=json}), for what is printed outside the logger. */
    public static boolean json() {
        return "json".equals(System.getProperty(FORMAT_PROPERTY));
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
