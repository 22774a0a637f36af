package dev.hookline.core;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} events per key in any window of {@code windowMillis}: the (limit+1)-th
 * inside the window is refused, with the wait until the oldest event leaves it. An exact sliding
 * log, bounded by {@code limit} timestamps per key. Counts are per process.
 */
public final class SlidingWindowLimiter {

    /** Allowed, or refused with how long to wait. */
    public sealed interface Decision {
        record Allowed() implements Decision {}

        record Refused(long retryAfterMillis) implements Decision {}
    }

    private static final Decision ALLOWED = new Decision.Allowed();

    private final Map<String, ArrayDeque<Long>> windows = new ConcurrentHashMap<>();

    public Decision acquire(String key, int limit, long windowMillis, long nowMillis) {
        ArrayDeque<Long> log = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (log) {
            while (!log.isEmpty() && log.peekFirst() <= nowMillis - windowMillis) {
                log.pollFirst();
            }
            if (log.size() >= limit) {
                return new Decision.Refused(log.peekFirst() + windowMillis - nowMillis);
            }
            log.addLast(nowMillis);
            return ALLOWED;
        }
    }

    public void forget(String key) {
        windows.remove(key);
    }
}
