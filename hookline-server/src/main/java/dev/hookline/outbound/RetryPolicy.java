package dev.hookline.outbound;

import java.util.List;
import java.util.OptionalLong;

/** When to try a failed delivery again, and when to give up. */
public sealed interface RetryPolicy {

    /**
     * Seed 002's schedule: 12 attempts, immediately and then after 1m, 2m, 5m, 10m, 10m, 15m, 30m,
     * 1h, 2h, 4h and 6h (about 14 hours in all).
     */
    RetryPolicy DEFAULT = new Schedule(List.of(60L, 120L, 300L, 600L, 600L, 900L, 1800L, 3600L, 7200L, 14400L, 21600L));

    /** No retry: the first attempt is the last. */
    RetryPolicy NONE = new Schedule(List.of());

    /** The delay in seconds before the next attempt once {@code attemptsMade} have failed; empty when spent. */
    OptionalLong delayAfter(int attemptsMade);

    /** Explicit delays in seconds: n delays mean n + 1 attempts. */
    record Schedule(List<Long> delaysSeconds) implements RetryPolicy {
        public Schedule {
            delaysSeconds = List.copyOf(delaysSeconds);
        }

        @Override
        public OptionalLong delayAfter(int attemptsMade) {
            int index = attemptsMade - 1;
            return index >= 0 && index < delaysSeconds.size() ? OptionalLong.of(delaysSeconds.get(index)) : OptionalLong.empty();
        }
    }

    /** {@code initial × factor^(n-1)} seconds, capped at {@code maxDelaySeconds}, for {@code maxAttempts} attempts. */
    record Exponential(long initialSeconds, double factor, long maxDelaySeconds, int maxAttempts) implements RetryPolicy {
        @Override
        public OptionalLong delayAfter(int attemptsMade) {
            if (attemptsMade < 1 || attemptsMade >= maxAttempts) {
                return OptionalLong.empty();
            }
            double delay = initialSeconds * Math.pow(factor, attemptsMade - 1);
            return OptionalLong.of((long) Math.min(delay, maxDelaySeconds));
        }
    }
}
