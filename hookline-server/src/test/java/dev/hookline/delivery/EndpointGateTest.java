package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Fields;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointPolicy;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The per-endpoint gate on its own: concurrency, rate and the half-open probe, with time passed in
 * as a number (no clock, no database, no HTTP). What the dispatcher relies on: a request starts
 * only when the gate says {@code Go}, an endpoint the gate refuses is listed by {@code closed}
 * until it can take a request again, and the gate's memory holds only endpoints that are busy.
 */
class EndpointGateTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EndpointGate.Admission GO = new EndpointGate.Admission.Go();
    private static final EndpointGate.Admission SATURATED = new EndpointGate.Admission.Saturated();

    private final EndpointGate gate = new EndpointGate();

    private static Endpoint endpoint(String id, String policyJson, Endpoint.Health health) {
        try {
            EndpointPolicy policy = EndpointPolicy.fromJson(Fields.of(JSON.readTree(policyJson)));
            return new Endpoint(id, "app_1", null, "https://example.com/hook", true, policy, null, health, NOW, NOW);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Endpoint endpoint(String id, String policyJson) {
        return endpoint(id, policyJson, Endpoint.Health.NEW);
    }

    @Test
    void maxConcurrencyLetsThatManyRequestsStartAndTheNextAfterOneEnds() {
        Endpoint two = endpoint("ep_two", "{\"max_concurrency\": 2}");

        assertThat(gate.admit(two, NOW)).isEqualTo(GO);
        assertThat(gate.admit(two, NOW)).isEqualTo(GO);
        assertThat(gate.admit(two, NOW)).isEqualTo(SATURATED);
        assertThat(gate.closed(NOW, 100)).containsExactly("ep_two");

        gate.release("ep_two");

        assertThat(gate.closed(NOW, 100)).isEmpty();
        assertThat(gate.admit(two, NOW)).isEqualTo(GO);
        assertThat(gate.admit(two, NOW)).isEqualTo(SATURATED);
    }

    @Test
    void anEndpointWithoutLimitsIsNeverRefusedAndNeverListedClosed() {
        Endpoint open = endpoint("ep_free", "{}");

        for (int i = 0; i < 1_000; i++) {
            assertThat(gate.admit(open, NOW)).isEqualTo(GO);
        }

        assertThat(gate.closed(NOW, 100)).isEmpty();
    }

    @Test
    void oneEndpointAtItsCapDoesNotHoldUpAnother() {
        Endpoint slow = endpoint("ep_slow", "{\"max_concurrency\": 1}");
        Endpoint fast = endpoint("ep_fast", "{\"max_concurrency\": 1}");

        assertThat(gate.admit(slow, NOW)).isEqualTo(GO);
        assertThat(gate.admit(slow, NOW)).isEqualTo(SATURATED);

        assertThat(gate.admit(fast, NOW)).isEqualTo(GO);
        gate.release("ep_fast");
        assertThat(gate.admit(fast, NOW)).isEqualTo(GO);
        assertThat(gate.closed(NOW, 100)).containsExactlyInAnyOrder("ep_slow", "ep_fast");
    }

    @Test
    void aLoweredCapHoldsNewRequestsUntilTheOnesInFlightHaveEnded() {
        assertThat(gate.admit(endpoint("ep_1", "{\"max_concurrency\": 3}"), NOW)).isEqualTo(GO);
        assertThat(gate.admit(endpoint("ep_1", "{\"max_concurrency\": 3}"), NOW)).isEqualTo(GO);
        Endpoint lowered = endpoint("ep_1", "{\"max_concurrency\": 1}");

        assertThat(gate.admit(lowered, NOW)).isEqualTo(SATURATED);
        gate.release("ep_1");
        assertThat(gate.admit(lowered, NOW)).isEqualTo(SATURATED); // one still in flight: that is the cap
        gate.release("ep_1");
        assertThat(gate.admit(lowered, NOW)).isEqualTo(GO);
    }

    @Test
    void theRateLimitSpendsOneSecondsWorthThenOneTokenPerTickAndSaysWhenTheNextComes() {
        Endpoint fivePerSecond = endpoint("ep_rate", "{\"rate_limit\": 5}");

        for (int i = 0; i < 5; i++) {
            assertThat(gate.admit(fivePerSecond, NOW)).isEqualTo(GO);
            gate.release("ep_rate");
        }
        assertThat(gate.admit(fivePerSecond, NOW)).isEqualTo(new EndpointGate.Admission.Throttled(NOW + 200));
        assertThat(gate.closed(NOW + 199, 100)).containsExactly("ep_rate");
        assertThat(gate.closed(NOW + 200, 100)).isEmpty();

        assertThat(gate.admit(fivePerSecond, NOW + 200)).isEqualTo(GO);
        gate.release("ep_rate");
        assertThat(gate.admit(fivePerSecond, NOW + 200)).isEqualTo(new EndpointGate.Admission.Throttled(NOW + 400));
    }

    @Test
    void anIdleBucketHoldsOneSecondsWorthNoMore() {
        Endpoint fivePerSecond = endpoint("ep_rate", "{\"rate_limit\": 5}");
        assertThat(gate.admit(fivePerSecond, NOW)).isEqualTo(GO);
        gate.release("ep_rate");

        long muchLater = NOW + 3_600_000;
        for (int i = 0; i < 5; i++) {
            assertThat(gate.admit(fivePerSecond, muchLater)).isEqualTo(GO);
            gate.release("ep_rate");
        }
        assertThat(gate.admit(fivePerSecond, muchLater)).isInstanceOf(EndpointGate.Admission.Throttled.class);
    }

    @Test
    void aThrottledRequestTakesNoSlot() {
        Endpoint limited = endpoint("ep_both", "{\"rate_limit\": 1, \"max_concurrency\": 1}");

        assertThat(gate.admit(limited, NOW)).isEqualTo(GO);
        gate.release("ep_both");
        assertThat(gate.admit(limited, NOW + 500)).isEqualTo(new EndpointGate.Admission.Throttled(NOW + 1_000));

        assertThat(gate.admit(limited, NOW + 1_000)).isEqualTo(GO); // not Saturated: the refusal held nothing
    }

    @Test
    void aCircuitThatHasOpenedLetsOneProbeAtATimeWhateverMaxConcurrencySays() {
        var coolingDown = new Endpoint.Health(EndpointHealth.OPEN_AFTER_FAILURES, NOW + 30_000, NOW - 60_000, null);
        var halfOpen = new Endpoint.Health(EndpointHealth.OPEN_AFTER_FAILURES, NOW - 1, NOW - 60_000, null);

        for (var health : new Endpoint.Health[] {coolingDown, halfOpen}) {
            Endpoint probing = endpoint("ep_probe", "{\"max_concurrency\": 10}", health);
            assertThat(gate.admit(probing, NOW)).isEqualTo(GO);
            assertThat(gate.admit(probing, NOW)).isEqualTo(SATURATED);
            gate.release("ep_probe");
        }
    }

    @Test
    void aSuccessfulProbeClosesTheCircuitAndTheFullCapComesBack() {
        var halfOpen = new Endpoint.Health(EndpointHealth.OPEN_AFTER_FAILURES, NOW - 1, NOW - 60_000, null);
        assertThat(gate.admit(endpoint("ep_1", "{\"max_concurrency\": 3}", halfOpen), NOW)).isEqualTo(GO);
        gate.release("ep_1");

        Endpoint healed = endpoint("ep_1", "{\"max_concurrency\": 3}", Endpoint.Health.NEW);
        for (int i = 0; i < 3; i++) {
            assertThat(gate.admit(healed, NOW)).isEqualTo(GO);
        }
        assertThat(gate.admit(healed, NOW)).isEqualTo(SATURATED);
    }

    @Test
    void freeSlotsSaysHowManyMoreRequestsTheClaimMayTakeForAnEndpoint() {
        Endpoint three = endpoint("ep_three", "{\"max_concurrency\": 3}");
        assertThat(gate.freeSlots("ep_never_seen")).isEqualTo(Integer.MAX_VALUE);

        gate.admit(three, NOW);
        gate.admit(three, NOW);
        assertThat(gate.freeSlots("ep_three")).isEqualTo(1);
        gate.admit(three, NOW);
        assertThat(gate.freeSlots("ep_three")).isZero();
        gate.release("ep_three");
        assertThat(gate.freeSlots("ep_three")).isEqualTo(1);
    }

    @Test
    void theSweepKeepsOnlyEndpointsWithRequestsInFlightOrABucketStillRefilling() {
        for (int i = 0; i < 10_000; i++) {
            Endpoint once = endpoint("ep_" + i, "{}");
            gate.admit(once, NOW);
            gate.release("ep_" + i);
        }
        Endpoint busy = endpoint("ep_busy", "{\"max_concurrency\": 1}");
        Endpoint limited = endpoint("ep_rate", "{\"rate_limit\": 2}");
        assertThat(gate.admit(busy, NOW)).isEqualTo(GO);
        assertThat(gate.admit(limited, NOW)).isEqualTo(GO);
        gate.release("ep_rate");

        gate.sweep(NOW + 999);
        assertThat(gate.size()).isEqualTo(2);

        gate.sweep(NOW + 1_000);
        assertThat(gate.size()).isEqualTo(1);
        assertThat(gate.admit(busy, NOW + 1_000)).isEqualTo(SATURATED); // what is in flight is still counted
        gate.release("ep_busy");
        assertThat(gate.admit(busy, NOW + 1_000)).isEqualTo(GO);
    }

    @Test
    void aSweptBucketComesBackAsFullAsItWouldHaveRefilled() {
        Endpoint twoPerSecond = endpoint("ep_rate", "{\"rate_limit\": 2}");
        gate.admit(twoPerSecond, NOW);
        gate.release("ep_rate");
        gate.admit(twoPerSecond, NOW);
        gate.release("ep_rate");

        gate.sweep(NOW + 500); // half refilled: kept, or the next second could take three
        assertThat(gate.admit(twoPerSecond, NOW + 500)).isEqualTo(GO);
        gate.release("ep_rate");
        assertThat(gate.admit(twoPerSecond, NOW + 500)).isInstanceOf(EndpointGate.Admission.Throttled.class);
    }

    @Test
    void closedListsAtMostTheNumberAsked() {
        for (int i = 0; i < 50; i++) {
            Endpoint one = endpoint("ep_" + i, "{\"max_concurrency\": 1}");
            assertThat(gate.admit(one, NOW)).isEqualTo(GO);
        }

        assertThat(gate.closed(NOW, 10)).hasSize(10);
        assertThat(gate.closed(NOW, 100)).hasSize(50);
    }
}
