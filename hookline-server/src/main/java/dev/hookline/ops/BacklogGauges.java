package dev.hookline.ops;

import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.time.Clock;

/**
 * The gauges read from the database: deliveries waiting (due now, scheduled later), the age of the
 * oldest due one, endpoints with an open circuit, disabled endpoints. On PostgreSQL they count the
 * whole cluster's rows, the same on every node.
 *
 * <p>Read at most once per {@link #REFRESH_MILLIS}, on scrape: counting the backlog costs a pass
 * over the pending rows' index, which a scrape every few seconds from several scrapers must not
 * multiply. A failed read shows as NaN (the database is down: the health route says so too).
 */
public final class BacklogGauges {
    static final long REFRESH_MILLIS = 5_000;

    private final Database db;
    private final Clock clock;
    private Snapshot last;
    private long readAt = Long.MIN_VALUE;

    private record Snapshot(double due, double scheduled, double oldestDueAgeSeconds, double circuitsOpen, double disabled) {
        static final Snapshot UNKNOWN = new Snapshot(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private BacklogGauges(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Registers the gauges on {@code metrics}. */
    public static void register(Metrics metrics, Database db, Clock clock) {
        BacklogGauges g = new BacklogGauges(db, clock);
        String backlog = "deliveries waiting to be attempted: due now (or overdue), or scheduled for later";
        metrics.gauge("hookline_backlog_deliveries", backlog, "state", "due", () -> g.snapshot().due());
        metrics.gauge("hookline_backlog_deliveries", backlog, "state", "scheduled", () -> g.snapshot().scheduled());
        metrics.gauge("hookline_oldest_due_delivery_age_seconds", "how long the oldest due delivery not in flight has been due (0 when none)",
                () -> g.snapshot().oldestDueAgeSeconds());
        metrics.gauge("hookline_endpoints_circuit_open", "endpoints whose circuit breaker is open now", () -> g.snapshot().circuitsOpen());
        metrics.gauge("hookline_endpoints_disabled", "endpoints that are disabled (by Hookline or through the API)", () -> g.snapshot().disabled());
    }

    private synchronized Snapshot snapshot() {
        long now = clock.millis();
        if (last == null || now - readAt >= REFRESH_MILLIS) {
            last = read(now);
            readAt = now;
        }
        return last;
    }

    private Snapshot read(long now) {
        try {
            return db.read(c -> {
                long due = count(c, "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?", now);
                long scheduled = count(c, "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending' AND next_attempt_at > ?", now);
                // Walks the due index from its oldest row, past the few leased (in flight) ones.
                Long oldest = Sql.one(c, "SELECT next_attempt_at FROM deliveries WHERE status = 'pending' AND lease_owner IS NULL"
                        + " AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1", rs -> rs.getLong("next_attempt_at"), now).orElse(null);
                long open = count(c, "SELECT COUNT(*) AS n FROM endpoints WHERE circuit_open_until > ?", now);
                long disabled = count(c, "SELECT COUNT(*) AS n FROM endpoints WHERE enabled = 0 AND deleted_at IS NULL", null);
                return new Snapshot(due, scheduled, oldest == null ? 0 : (now - oldest) / 1000.0, open, disabled);
            });
        } catch (RuntimeException e) {
            return Snapshot.UNKNOWN;
        }
    }

    private static long count(java.sql.Connection c, String sql, Long now) throws java.sql.SQLException {
        return now == null ? Sql.one(c, sql, rs -> rs.getLong("n")).orElse(0L) : Sql.one(c, sql, rs -> rs.getLong("n"), now).orElse(0L);
    }
}
