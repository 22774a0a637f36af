package dev.hookline.delivery;

import dev.hookline.core.Times;
import dev.hookline.outbound.DeliveryState;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.outbound.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one attempt does to its delivery and to its endpoint, decided in one pure function: no
 * database, no clock, no randomness of its own. {@link DeliveryQueue#record} reads the endpoint's
 * current health inside the recording transaction, asks {@link #after}, and writes the
 * {@link Transition} it gets back.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>2xx: delivered; the endpoint's failure streak, open circuit and failing-since are cleared.</li>
 *   <li>410 Gone: the delivery fails for good and the endpoint is disabled.</li>
 *   <li>Anything else: one more failure in a row. At {@link EndpointHealth#OPEN_AFTER_FAILURES} the
 *       circuit opens for a cool-down that doubles with each further failure; an enabled endpoint
 *       failing without a success for {@code disableAfter} is disabled. The delivery is retried
 *       after the policy's next delay (with jitter, and never sooner than a {@code Retry-After} up
 *       to {@link #MAX_RETRY_AFTER_SECONDS}), or fails for good when the policy is spent.</li>
 * </ol>
 * Operational events: {@code endpoint.disabled} when this attempt disabled the endpoint,
 * {@code message.attempt.exhausted} when the delivery failed for good, and
 * {@code message.attempt.failing} when the {@link #FAILING_AFTER_ATTEMPTS}th attempt failed with
 * retries left.
 */
final class DeliveryLifecycle {
    /** Up to ±10% of each delay, so endpoints that failed together do not retry in lockstep. */
    static final double JITTER = 0.10;
    /** A receiver's Retry-After is honoured up to this long; beyond, the retry policy decides. */
    static final long MAX_RETRY_AFTER_SECONDS = 6 * 3600;
    /** message.attempt.failing is sent when this many attempts of one delivery have failed. */
    static final int FAILING_AFTER_ATTEMPTS = 3;

    private DeliveryLifecycle() {}

    /**
     * The outcome of one attempt: the delivery's next status and due time (null once final), the
     * endpoint's health afterwards, the reason it was disabled by this attempt (else null), and the
     * operational events to emit.
     */
    record Transition(String status, Long nextAttemptAt, Endpoint.Health health, String disabledBecause, List<String> events) {
        boolean delivered() {
            return DeliveryState.DELIVERED.equals(status);
        }
    }

    /**
     * @param attemptNumber the attempt just made, from 1
     * @param current the endpoint's health as recorded before this attempt
     * @param enabled whether the endpoint is enabled now
     * @param jitter a number in [-1, 1): how far into the ±{@link #JITTER} band this retry falls
     */
    static Transition after(SendResult result, int attemptNumber, RetryPolicy policy, Endpoint.Health current, boolean enabled,
                            Duration disableAfter, long now, double jitter) {
        if (result.succeeded()) {
            Endpoint.Health healthy = new Endpoint.Health(0, null, null, current.disabledReason());
            return new Transition(DeliveryState.DELIVERED, null, healthy, null, List.of());
        }
        int failures = current.consecutiveFailures() + 1;
        long failingSince = current.failingSince() == null ? now : current.failingSince();
        Long openUntil = failures >= EndpointHealth.OPEN_AFTER_FAILURES ? now + EndpointHealth.coolDownMillis(failures) : null;
        boolean gone = result.statusCode() != null && result.statusCode() == 410;
        String disabledBecause = null;
        if (gone) {
            disabledBecause = "the endpoint answered 410 Gone";
        } else if (enabled && now - failingSince >= disableAfter.toMillis()) {
            disabledBecause = "failing without a success since " + Times.format(failingSince);
        }
        Endpoint.Health health = new Endpoint.Health(failures, openUntil, failingSince,
                disabledBecause != null ? disabledBecause : current.disabledReason());

        List<String> events = new ArrayList<>(2);
        if (disabledBecause != null && enabled) {
            events.add(OperationalEvents.ENDPOINT_DISABLED);
        }
        OptionalLong delay = gone ? OptionalLong.empty() : policy.delayAfter(attemptNumber);
        if (delay.isEmpty()) {
            events.add(OperationalEvents.ATTEMPT_EXHAUSTED);
            return new Transition(DeliveryState.FAILED, null, health, disabledBecause, events);
        }
        long delayMillis = Math.round(delay.getAsLong() * 1000 * (1 + jitter * JITTER));
        if (result.retryAfterSeconds() != null) {
            // The receiver knows when it will be ready; never retry sooner than it asked.
            delayMillis = Math.max(delayMillis, Math.min(result.retryAfterSeconds(), MAX_RETRY_AFTER_SECONDS) * 1000);
        }
        if (attemptNumber == FAILING_AFTER_ATTEMPTS) {
            events.add(OperationalEvents.ATTEMPT_FAILING);
        }
        return new Transition(DeliveryState.PENDING, now + delayMillis, health, disabledBecause, events);
    }
}
