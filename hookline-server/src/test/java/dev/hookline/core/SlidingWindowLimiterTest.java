package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.SlidingWindowLimiter.Decision;
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
