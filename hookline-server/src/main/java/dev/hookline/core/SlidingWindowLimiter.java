package dev.hookline.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Arrays;

/**
 * At most {@code limit} events per key in any window of {@code windowMillis}; a refused event is
 * told how long to wait. Counts are per process.
 *
 * <p>Memory is fixed whatever the limit: a key's window is a ring of {@link #BUCKETS} + 1 counters,
 * each covering {@code window / BUCKETS} (rounded up). A bucket that only partly overlaps the window
 * is counted whole, so the limiter errs towards refusing: it never lets more than {@code limit}
 * through in any window, and refuses only when an exact log over the window plus one bucket's width
 * (1/60 of it) would. A refusal's wait ends when the oldest counted bucket's latest event leaves. An
 * exact log of timestamps would hold {@code limit} longs per key: 8 MB for a source allowed a
 * million posts an hour. Keys are bounded too: the least recently used go first, which at worst
 * forgets the recent count of a key idle long enough to be evicted.
 */
public final class SlidingWindowLimiter {
    static final int BUCKETS = 60;
    private static final int MAX_KEYS = 100_000;

    /** Allowed, or refused with how long to wait. */
    public sealed interface Decision {
        record Allowed() implements Decision {}

        record Refused(long retryAfterMillis) implements Decision {}
    }

    private static final Decision ALLOWED = new Decision.Allowed();

    private final Cache<String, Ring> windows = Caffeine.newBuilder()
            .maximumSize(MAX_KEYS)
            .expireAfterAccess(Duration.ofDays(1))
            .build();

    public Decision acquire(String key, int limit, long windowMillis, long nowMillis) {
        Ring ring = windows.get(key, k -> new Ring());
        synchronized (ring) {
            return ring.acquire(limit, windowMillis, nowMillis);
        }
    }

    public void forget(String key) {
        windows.invalidate(key);
    }

    /** Keys counted now (for the {@code hookline_memory_entries} gauge). */
    public long keys() {
        return windows.estimatedSize();
    }

    /**
     * Counters for buckets {@code newest - BUCKETS … newest}, slot {@code index % (BUCKETS + 1)},
     * each with the time of its latest event. A bucket counts whole while its latest event is inside
     * the window, and not at all once that has left: so no event inside the window goes uncounted,
     * and nothing counted is older than the window plus one bucket.
     */
    private static final class Ring {
        private final int[] counts = new int[BUCKETS + 1];
        private final long[] latest = new long[BUCKETS + 1];
        private long newest = Long.MIN_VALUE;
        private long width;

        Decision acquire(int limit, long window, long now) {
            long bucketWidth = Math.max(1, (window + BUCKETS - 1) / BUCKETS);
            if (bucketWidth != width) { // the limit's period changed: start afresh
                Arrays.fill(counts, 0);
                width = bucketWidth;
                newest = Long.MIN_VALUE;
            }
            advanceTo(Math.floorDiv(now, width));
            long since = now - window;
            long total = 0;
            for (int i = 0; i <= BUCKETS; i++) {
                total += latest[i] > since ? counts[i] : 0;
            }
            if (total < limit) {
                int slot = slot(newest); // a clock that stepped back counts in the newest bucket
                counts[slot]++;
                latest[slot] = Math.max(latest[slot], now);
                return ALLOWED;
            }
            // Wait until enough of the oldest buckets have left, each when its latest event leaves.
            for (long k = newest - BUCKETS; k <= newest; k++) {
                int slot = slot(k);
                if (latest[slot] > since && counts[slot] > 0) {
                    total -= counts[slot];
                    if (total < limit) {
                        return new Decision.Refused(latest[slot] + window - now);
                    }
                }
            }
            return new Decision.Refused(window); // a limit of 0 refuses everything
        }

        private void advanceTo(long bucket) {
            if (newest != Long.MIN_VALUE && bucket <= newest) {
                return;
            }
            long cleared = newest == Long.MIN_VALUE ? BUCKETS + 1 : Math.min(bucket - newest, BUCKETS + 1);
            for (long k = bucket - cleared + 1; k <= bucket; k++) {
                counts[slot(k)] = 0;
                latest[slot(k)] = Long.MIN_VALUE;
            }
            newest = bucket;
        }

        private int slot(long bucket) {
            return (int) Math.floorMod(bucket, (long) (BUCKETS + 1));
        }
    }
}
