package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** When the next attempt comes and when the policy is spent, decided without a server. */
class RetryPolicyTest {

    @Test
    void theDefaultIsSeed002sTwelveAttempts() {
        long[] expected = {60, 120, 300, 600, 600, 900, 1800, 3600, 7200, 14400, 21600};
        for (int made = 1; made <= expected.length; made++) {
            assertThat(RetryPolicy.DEFAULT.delayAfter(made)).as("after attempt %d", made).hasValue(expected[made - 1]);
        }
        assertThat(RetryPolicy.DEFAULT.delayAfter(12)).as("the twelfth attempt is the last").isEmpty();
        assertThat(RetryPolicy.DEFAULT.delayAfter(0)).isEmpty();
        assertThat(RetryPolicy.NONE.delayAfter(1)).isEmpty();
    }

    @Test
    void aScheduleOfNDelaysGivesNPlusOneAttempts() {
        RetryPolicy schedule = new RetryPolicy.Schedule(List.of(5L, 7L));
        assertThat(schedule.delayAfter(1)).hasValue(5);
        assertThat(schedule.delayAfter(2)).hasValue(7);
        assertThat(schedule.delayAfter(3)).isEmpty();
    }

    @Test
    void anExponentialPolicyGrowsByItsFactorUpToItsCapForItsAttempts() {
        RetryPolicy exponential = new RetryPolicy.Exponential(10, 3.0, 200, 6);
        assertThat(exponential.delayAfter(0)).isEmpty();
        assertThat(exponential.delayAfter(1)).hasValue(10);
        assertThat(exponential.delayAfter(2)).hasValue(30);
        assertThat(exponential.delayAfter(3)).hasValue(90);
        assertThat(exponential.delayAfter(4)).as("capped").hasValue(200);
        assertThat(exponential.delayAfter(5)).hasValue(200);
        assertThat(exponential.delayAfter(6)).as("the sixth attempt is the last").isEqualTo(OptionalLong.empty());
    }
}
