package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.outbound.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The delivery lifecycle as a table: (result, attempt, policy, health, now) → transition. No database. */
class DeliveryLifecycleTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final Duration FIVE_DAYS = Duration.ofDays(5);
    private static final RetryPolicy THREE_RETRIES = new RetryPolicy.Schedule(List.of(60L, 120L, 300L));
    private static final Endpoint.Health HEALTHY = Endpoint.Health.NEW;

    private static DeliveryLifecycle.Transition after(SendResult result, int attempt, Endpoint.Health health) {
        return DeliveryLifecycle.after(result, attempt, THREE_RETRIES, health, true, FIVE_DAYS, NOW, 0);
    }

    private static SendResult status(int code) {
        return new SendResult(code, "", 12, null);
    }

    @ParameterizedTest(name = "{0} is a success")
    @CsvSource({"200", "201", "202", "204", "299"})
    void every2xxDeliversAndHealsTheEndpoint(int code) {
        var failing = new Endpoint.Health(7, NOW - 1, NOW - 60_000, null);

        var t = after(status(code), 2, failing);

        assertThat(t.status()).isEqualTo("delivered");
        assertThat(t.nextAttemptAt()).isNull();
        assertThat(t.health()).isEqualTo(HEALTHY);
        assertThat(t.events()).isEmpty();
    }

    @ParameterizedTest(name = "{0} is retried")
    @CsvSource({"100", "199", "300", "302", "400", "401", "404", "408", "429", "500", "502", "503", "504"})
    void everyOtherStatusIsRetriedAfterThePolicysDelay(int code) {
        var t = after(status(code), 1, HEALTHY);

        assertThat(t.status()).isEqualTo("pending");
        assertThat(t.nextAttemptAt()).isEqualTo(NOW + 60_000);
        assertThat(t.health()).isEqualTo(new Endpoint.Health(1, null, NOW, null));
    }

    @Test
    void noResponseAtAllIsAFailureToo() {
        var t = after(new SendResult(null, null, 30_000, "timed out after 30000 ms"), 2, HEALTHY);

        assertThat(t.status()).isEqualTo("pending");
        assertThat(t.nextAttemptAt()).isEqualTo(NOW + 120_000);
    }

    @ParameterizedTest(name = "jitter {0} gives {1} ms")
    @CsvSource({"-1, 54000", "0, 60000", "0.5, 63000", "0.999, 65994"})
    void jitterMovesTheDelayByUpToTenPercent(double jitter, long delay) {
        var t = DeliveryLifecycle.after(status(500), 1, THREE_RETRIES, HEALTHY, true, FIVE_DAYS, NOW, jitter);

        assertThat(t.nextAttemptAt() - NOW).isEqualTo(delay);
    }

    @ParameterizedTest(name = "Retry-After {0} s on a 60 s delay waits {1} s")
    @CsvSource({"5, 60", "600, 600", "21600, 21600", "86400, 21600"})
    void aRetryAfterIsHonouredWhenLaterThanTheDelayUpToSixHours(long retryAfter, long waited) {
        var t = after(new SendResult(503, "", 5, null, retryAfter), 1, HEALTHY);

        assertThat(t.nextAttemptAt() - NOW).isEqualTo(waited * 1000);
    }

    @Test
    void theLastAttemptFailsForGoodWhateverRetryAfterSays() {
        var t = after(new SendResult(503, "", 5, null, 10L), 4, HEALTHY);

        assertThat(t.status()).isEqualTo("failed");
        assertThat(t.nextAttemptAt()).isNull();
        assertThat(t.events()).containsExactly(OperationalEvents.ATTEMPT_EXHAUSTED);
    }

    @Test
    void a410FailsTheDeliveryForGoodAndDisablesTheEndpointEvenWithRetriesLeft() {
        var t = after(status(410), 1, HEALTHY);

        assertThat(t.status()).isEqualTo("failed");
        assertThat(t.disabledBecause()).contains("410");
        assertThat(t.health().disabledReason()).contains("410");
        assertThat(t.events()).containsExactly(OperationalEvents.ENDPOINT_DISABLED, OperationalEvents.ATTEMPT_EXHAUSTED);
    }

    @Test
    void a410FromAnEndpointAlreadyDisabledDoesNotReportItDisabledAgain() {
        var t = DeliveryLifecycle.after(status(410), 1, THREE_RETRIES, HEALTHY, false, FIVE_DAYS, NOW, 0);

        assertThat(t.events()).containsExactly(OperationalEvents.ATTEMPT_EXHAUSTED);
    }

    @Test
    void theThirdFailedAttemptWithRetriesLeftReportsFailing() {
        assertThat(after(status(500), 2, HEALTHY).events()).isEmpty();
        assertThat(after(status(500), 3, HEALTHY).events()).containsExactly(OperationalEvents.ATTEMPT_FAILING);
    }

    @ParameterizedTest(name = "failure number {0} opens the circuit for {1} s")
    @CsvSource({"4, -1", "5, 30", "6, 60", "7, 120", "9, 480", "10, 600", "30, 600"})
    void theCircuitOpensAtFiveFailuresInARowForADoublingCoolDown(int failures, long seconds) {
        var before = new Endpoint.Health(failures - 1, null, NOW - 1_000, null);

        var t = after(status(500), 1, before);

        assertThat(t.health().consecutiveFailures()).isEqualTo(failures);
        assertThat(t.health().circuitOpenUntil()).isEqualTo(seconds < 0 ? null : NOW + seconds * 1000);
        assertThat(EndpointHealth.circuit(t.health(), NOW)).isEqualTo(seconds < 0 ? EndpointHealth.Circuit.CLOSED : EndpointHealth.Circuit.OPEN);
    }

    @Test
    void theCircuitIsHalfOpenOnceTheCoolDownEnds() {
        var open = new Endpoint.Health(5, NOW + 30_000, NOW - 1_000, null);

        assertThat(EndpointHealth.circuit(open, NOW + 29_999)).isEqualTo(EndpointHealth.Circuit.OPEN);
        assertThat(EndpointHealth.circuit(open, NOW + 30_000)).isEqualTo(EndpointHealth.Circuit.HALF_OPEN);
        assertThat(EndpointHealth.circuit(HEALTHY, NOW)).isEqualTo(EndpointHealth.Circuit.CLOSED);
    }

    @Test
    void anEndpointFailingWithoutASuccessForTheWholeSpanIsDisabled() {
        var justShort = new Endpoint.Health(40, null, NOW - FIVE_DAYS.toMillis() + 1, null);
        var fiveDays = new Endpoint.Health(40, null, NOW - FIVE_DAYS.toMillis(), null);

        assertThat(after(status(500), 1, justShort).disabledBecause()).isNull();
        var t = after(status(500), 1, fiveDays);
        assertThat(t.disabledBecause()).startsWith("failing without a success since ");
        assertThat(t.status()).isEqualTo("pending"); // kept, to be sent once the endpoint is enabled again
        assertThat(t.events()).containsExactly(OperationalEvents.ENDPOINT_DISABLED);
    }

    @Test
    void theFirstFailureStartsTheFailingSpanAndLaterOnesKeepIt() {
        assertThat(after(status(500), 1, HEALTHY).health().failingSince()).isEqualTo(NOW);
        assertThat(after(status(500), 1, new Endpoint.Health(2, null, NOW - 5_000, null)).health().failingSince()).isEqualTo(NOW - 5_000);
    }
}
