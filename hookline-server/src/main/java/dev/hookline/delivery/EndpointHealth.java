package dev.hookline.delivery;

import dev.hookline.core.Times;
import dev.hookline.outbound.Endpoint;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The circuit breaker and the auto-disable rule, applied inside the transaction that records an
 * attempt.
 *
 * <p>After {@link #OPEN_AFTER_FAILURES} failed attempts in a row an endpoint's circuit opens: for a
 * cool-down (30 s, doubling with each further failure, at most 10 min) none of its deliveries is
 * claimed, so a dead endpoint does not burn through every message's attempts. When the cool-down
 * ends the circuit is half-open: the dispatcher lets one request through; a success closes the
 * circuit, a failure opens it again for longer. An endpoint that has failed without a single success
 * for {@code disableAfter} (default 5 days) is disabled.
 */
public final class EndpointHealth {
    public static final int OPEN_AFTER_FAILURES = 5;
    static final long FIRST_COOL_DOWN_MS = 30_000;
    static final long MAX_COOL_DOWN_MS = 10 * 60_000;
    public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);

    private final Duration disableAfter;

    public EndpointHealth(Duration disableAfter) {
        this.disableAfter = disableAfter;
    }

    /** Whether the dispatcher should send at most one request (a probe) to this endpoint. */
    static boolean halfOpen(Endpoint.Health health) {
        return health.consecutiveFailures() >= OPEN_AFTER_FAILURES;
    }

    static long coolDownMillis(int consecutiveFailures) {
        int doublings = Math.min(consecutiveFailures - OPEN_AFTER_FAILURES, 10);
        return Math.min(FIRST_COOL_DOWN_MS << doublings, MAX_COOL_DOWN_MS);
    }

    /**
     * Updates the endpoint's health after an attempt. Returns the reason when this failure made
     * Hookline disable the endpoint, else null.
     */
    String record(Connection c, Endpoint endpoint, boolean succeeded, long now) throws SQLException {
        if (succeeded) {
            Sql.update(c, "UPDATE endpoints SET consecutive_failures = 0, circuit_open_until = NULL, failing_since = NULL"
                    + " WHERE id = ? AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)", endpoint.id());
            return null;
        }
        // Read the row's current state: other attempts to the same endpoint commit in between.
        var current = Sql.one(c, "SELECT consecutive_failures, failing_since, enabled FROM endpoints WHERE id = ?",
                rs -> new long[] {rs.getInt(1), rs.getObject(2) == null ? now : rs.getLong(2), rs.getInt(3)}, endpoint.id());
        if (current.isEmpty()) {
            return null; // deleted meanwhile
        }
        int failures = (int) current.get()[0] + 1;
        long failingSince = current.get()[1];
        Long openUntil = failures >= OPEN_AFTER_FAILURES ? now + coolDownMillis(failures) : null;
        Sql.update(c, "UPDATE endpoints SET consecutive_failures = ?, failing_since = ?, circuit_open_until = ? WHERE id = ?",
                failures, failingSince, openUntil, endpoint.id());
        if (current.get()[2] == 1 && now - failingSince >= disableAfter.toMillis()) {
            String reason = "failing without a success since " + Times.format(failingSince);
            disable(c, endpoint.id(), reason, now);
            return reason;
        }
        return null;
    }

    void disable(Connection c, String endpointId, String reason, long now) throws SQLException {
        Sql.update(c, "UPDATE endpoints SET enabled = 0, disabled_reason = ?,"
                + " updated_at = CASE WHEN updated_at >= ? THEN updated_at + 1 ELSE ? END WHERE id = ?", reason, now, now, endpointId);
    }
}
