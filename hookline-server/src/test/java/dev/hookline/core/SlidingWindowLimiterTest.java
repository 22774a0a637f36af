package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.SlidingWindowLimiter.Decision;
import dev.hookline.testing.RetainedHeap;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlidingWindowLimiterTest {
    private static final long MINUTE = 60_000;

    private final SlidingWindowLimiter limiter = new SlidingWindowLimiter();

    @Test
    void theThirtyFirstInAMinuteIsRefusedAndToldWhenTheFirstLeaves() {
        long start = 1_000_000_123L;
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.acquire("src", 30, MINUTE, start + i * 100)).as("request %d", i + 1).isInstanceOf(Decision.Allowed.class);
        }
        Decision refused = limiter.acquire("src", 30, MINUTE, start + 3_000);
        assertThat(refused).isInstanceOf(Decision.Refused.class);
        long wait = ((Decision.Refused) refused).retryAfterMillis();
        // the whole burst sits in one bucket, which leaves with its latest request
        assertThat(wait).isBetween(MINUTE - 3_000, MINUTE);
        assertThat(limiter.acquire("src", 30, MINUTE, start + 3_000 + wait)).isInstanceOf(Decision.Allowed.class);
        // other keys have their own window
        assertThat(limiter.acquire("other", 30, MINUTE, start + 3_000)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void theWaitEndsWhenTheOldestRequestLeavesAndNotBefore() {
        long t0 = 7 * MINUTE; // requests in three different one-second buckets
        assertThat(limiter.acquire("src", 3, MINUTE, t0)).isInstanceOf(Decision.Allowed.class);
        assertThat(limiter.acquire("src", 3, MINUTE, t0 + 10_000)).isInstanceOf(Decision.Allowed.class);
        assertThat(limiter.acquire("src", 3, MINUTE, t0 + 20_000)).isInstanceOf(Decision.Allowed.class);

        Decision refused = limiter.acquire("src", 3, MINUTE, t0 + 30_000);
        assertThat(refused).isEqualTo(new Decision.Refused(30_000));
        assertThat(limiter.acquire("src", 3, MINUTE, t0 + 59_999)).isEqualTo(new Decision.Refused(1));
        assertThat(limiter.acquire("src", 3, MINUTE, t0 + MINUTE)).isInstanceOf(Decision.Allowed.class);
        // the second request leaves next: 10 s later
        assertThat(limiter.acquire("src", 3, MINUTE, t0 + MINUTE + 1)).isEqualTo(new Decision.Refused(9_999));
    }

    @Test
    void aLongIdleKeyStartsAfresh() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("src", 5, MINUTE, i);
        }
        assertThat(limiter.acquire("src", 5, MINUTE, 10)).isInstanceOf(Decision.Refused.class);
        assertThat(limiter.acquire("src", 5, MINUTE, 10 * MINUTE)).isInstanceOf(Decision.Allowed.class);
        limiter.forget("src");
        assertThat(limiter.acquire("src", 1, MINUTE, 10 * MINUTE + 1)).isInstanceOf(Decision.Allowed.class);
    }

    /**
     * A source allowed ten million posts an hour, taking three million of them: an exact log would
     * retain 24 MB of timestamps (more, boxed); the ring retains the same few hundred bytes as at a
     * limit of 30. Bounded at 4 MiB of retained heap, for the whole limiter.
     */
    @Test
    void memoryPerKeyIsFixedWhateverItsLimit() {
        long before = RetainedHeap.bytes();
        long hour = 60 * MINUTE;
        for (int i = 0; i < 3_000_000; i++) {
            if (!(limiter.acquire("busy", 10_000_000, hour, i) // one a millisecond: 50 minutes, inside the hour
                    instanceof Decision.Allowed)) {
                throw new AssertionError("post " + i + " refused under its limit");
            }
        }
        long grown = RetainedHeap.bytes() - before;
        System.out.printf("SlidingWindowLimiterTest: 3,000,000 posts under a limit of 10,000,000 an hour; retained heap grown by %s%n",
                RetainedHeap.mib(grown));
        assertThat(limiter.keys()).isEqualTo(1);
        assertThat(grown).as("retained heap grown by %s", RetainedHeap.mib(grown)).isLessThan(4L * 1024 * 1024);
    }

    /** Against an exact log on random arrival times: never more than the limit in any window, never far below it. */
    @Test
    void neverLetsMoreThanTheLimitThroughInAnyWindowAndRefusesAtMostOneBucketEarly() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            int limit = 1 + random.nextInt(40);
            long window = 1_000 + random.nextInt(120_000);
            long width = (window + SlidingWindowLimiter.BUCKETS - 1) / SlidingWindowLimiter.BUCKETS;
            String key = "k" + round;
            ArrayDeque<Long> allowed = new ArrayDeque<>(); // the allowed times of the last window + width
            long now = random.nextInt(1_000_000);
            for (int i = 0; i < 2_000; i++) {
                now += random.nextInt(random.nextBoolean() ? 10 : (int) (3 * window / limit) + 1);
                while (!allowed.isEmpty() && allowed.peekFirst() <= now - window - width) {
                    allowed.pollFirst();
                }
                Decision decision = limiter.acquire(key, limit, window, now);
                if (decision instanceof Decision.Allowed) {
                    allowed.addLast(now);
                    long since = now - window;
                    assertThat(allowed.stream().filter(t -> t > since).count()).as("allowed in the window ending %d", now)
                            .isLessThanOrEqualTo(limit);
                } else {
                    long wait = ((Decision.Refused) decision).retryAfterMillis();
                    assertThat(wait).isPositive().isLessThanOrEqualTo(window);
                    // an exact limiter over the window plus one bucket would refuse too
                    assertThat(allowed.size()).as("refused at %d", now).isGreaterThanOrEqualTo(limit);
                }
            }
        }
    }
}
