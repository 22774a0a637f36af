package dev.hookline.delivery;

import dev.hookline.outbound.Endpoint;
import java.time.Duration;

/**
 * The circuit breaker and the auto-disable rule.
 *
 * <p>After {@link #OPEN_AFTER_FAILURES} failed attempts in a row an endpoint's circuit opens: for a
 * cool-down (30 s, doubling with each further failure, at most 10 min) none of its deliveries is
 * claimed (its queue head waits for the cool-down to end), so a dead endpoint does not burn through
 * every message's attempts. When the cool-down ends the circuit is half-open: the dispatcher lets
 * one request through; a success closes the circuit, a failure opens it again for longer. An
 * endpoint that has failed without a single success for {@code disableAfter} (default 5 days) is
 * disabled. The transitions themselves are decided by {@link DeliveryLifecycle}.
 */
public final class EndpointHealth {
    public static final int OPEN_AFTER_FAILURES = 5;
    static final long FIRST_COOL_DOWN_MS = 30_000;
    static final long MAX_COOL_DOWN_MS = 10 * 60_000;
    public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);

    /** Where an endpoint's circuit breaker stands. */
    public enum Circuit {
        /** Requests flow. */
        CLOSED,
        /** Cooling down: nothing is sent until {@code circuit_open_until}. */
        OPEN,
        /** The cool-down is over: one request at a time probes whether the endpoint is back. */
        HALF_OPEN
    }

    private final Duration disableAfter;

    public EndpointHealth(Duration disableAfter) {
        this.disableAfter = disableAfter;
    }

    Duration disableAfter() {
        return disableAfter;
    }

    /** The one place that decides the circuit's state, at {@code now} (the injected clock's). */
    public static Circuit circuit(Endpoint.Health health, long now) {
        if (health.circuitOpenUntil() != null && health.circuitOpenUntil() > now) {
            return Circuit.OPEN;
        }
        return health.consecutiveFailures() >= OPEN_AFTER_FAILURES ? Circuit.HALF_OPEN : Circuit.CLOSED;
    }

    static long coolDownMillis(int consecutiveFailures) {
        int doublings = Math.min(consecutiveFailures - OPEN_AFTER_FAILURES, 10);
        return Math.min(FIRST_COOL_DOWN_MS << doublings, MAX_COOL_DOWN_MS);
    }
}
