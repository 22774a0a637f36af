package dev.hookline.delivery;

import dev.hookline.outbound.RetryPolicy;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/** Decides what an attempt's result means for its delivery: done, again later, given up, or gone. */
final class RetryScheduler {
    /** Up to ±10% of each delay, so endpoints that failed together do not retry in lockstep. */
    static final double JITTER = 0.10;
    /** A receiver's Retry-After is honoured up to this long; beyond, the retry policy decides. */
    static final long MAX_RETRY_AFTER_SECONDS = 6 * 3600;

    private RetryScheduler() {}

    static AttemptOutcome decide(SendResult result, RetryPolicy policy, int attemptNumber, long nowMillis) {
        if (result.succeeded()) {
            return new AttemptOutcome.Delivered();
        }
        if (result.statusCode() != null && result.statusCode() == 410) {
            return new AttemptOutcome.Gone();
        }
        OptionalLong delay = policy.delayAfter(attemptNumber);
        if (delay.isEmpty()) {
            return new AttemptOutcome.GaveUp();
        }
        double jitter = 1 + ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
        long delayMillis = Math.round(delay.getAsLong() * 1000 * jitter);
        if (result.retryAfterSeconds() != null) {
            // The receiver knows when it will be ready; never retry sooner than it asked.
            delayMillis = Math.max(delayMillis, Math.min(result.retryAfterSeconds(), MAX_RETRY_AFTER_SECONDS) * 1000);
        }
        return new AttemptOutcome.RetryLater(nowMillis + delayMillis);
    }
}
