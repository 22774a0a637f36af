package dev.hookline.delivery;

import dev.hookline.outbound.RetryPolicy;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/** Decides what an attempt's result means for its delivery: done, again later, or given up. */
final class Rescheduler {
    /** Up to ±10% of each delay, so endpoints that failed together do not retry in lockstep. */
    static final double JITTER = 0.10;

    private Rescheduler() {}

    static AttemptOutcome decide(SendResult result, RetryPolicy policy, int attemptNumber, long nowMillis) {
        if (result.succeeded()) {
            return new AttemptOutcome.Delivered();
        }
        OptionalLong delay = policy.delayAfter(attemptNumber);
        if (delay.isEmpty()) {
            return new AttemptOutcome.GaveUp();
        }
        double jitter = 1 + ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
        return new AttemptOutcome.RetryLater(nowMillis + Math.round(delay.getAsLong() * 1000 * jitter));
    }
}
