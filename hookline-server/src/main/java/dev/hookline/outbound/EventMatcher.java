package dev.hookline.outbound;

import java.util.List;

/** Which messages an endpoint subscribes to: event names with wildcards, and channels. */
final class EventMatcher {
    private EventMatcher() {}

    /**
     * {@code null} subscribes to everything; otherwise each pattern is an exact name, {@code *}, or
     * a prefix ending in {@code .*} ({@code lookup.*} matches {@code lookup.completed} and
     * {@code lookup.batch.done}, not {@code lookup} itself).
     */
    static boolean eventMatches(List<String> patterns, String event) {
        if (patterns == null) {
            return true;
        }
        for (String p : patterns) {
            if (p.equals("*") || p.equals(event)
                    || (p.endsWith(".*") && event.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** An endpoint with channels receives only messages tagged with at least one of them. */
    static boolean channelMatches(List<String> endpointChannels, List<String> messageChannels) {
        if (endpointChannels == null) {
            return true;
        }
        if (messageChannels == null) {
            return false;
        }
        for (String c : messageChannels) {
            if (endpointChannels.contains(c)) {
                return true;
            }
        }
        return false;
    }

    static void validatePattern(String field, String pattern) {
        int star = pattern.indexOf('*');
        if (star >= 0 && !(pattern.equals("*") || (pattern.endsWith(".*") && star == pattern.length() - 1))) {
            throw new dev.hookline.core.Failure.Invalid(field,
                    "'" + pattern + "' is not a valid pattern: use an exact name, '*', or a prefix ending in '.*'");
        }
    }
}
