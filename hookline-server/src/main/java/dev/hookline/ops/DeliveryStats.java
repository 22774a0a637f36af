package dev.hookline.ops;

import dev.hookline.outbound.OperationalEvents;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an operator checks first: attempts over time, success rate, latency, the queue and the
 * endpoints in trouble — for all apps, one app, or one endpoint. Read-only queries over the same
 * tables the dispatcher writes; the time range is bounded by the period, so a long history costs
 * only what the period covers (attempts are indexed by age).
 */
public final class DeliveryStats {
    /** The windows a dashboard offers, each cut into buckets small enough for a readable chart. */
    public enum Period {
        HOUR(Duration.ofHours(1), Duration.ofMinutes(1)),
        DAY(Duration.ofDays(1), Duration.ofMinutes(15)),
        WEEK(Duration.ofDays(7), Duration.ofHours(2));

        final long spanMillis;
        final long bucketMillis;

        Period(Duration span, Duration bucket) {
            this.spanMillis = span.toMillis();
            this.bucketMillis = bucket.toMillis();
        }

        public long bucketMillis() {
            return bucketMillis;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The period named {@code value} (hour, day, week), or null. */
        public static Period named(String value) {
            for (Period p : values()) {
                if (p.label().equals(value)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** Which attempts, deliveries and endpoints count: null fields mean "all". */
    public record Scope(String appId, String endpointId) {}

    public record Bucket(long start, long succeeded, long failed) {}

    /** Latency percentiles in milliseconds (null without attempts), over {@code sampled} attempts. */
    public record Latency(Long p50, Long p95, Long p99, int sampled) {}

    /** Pending deliveries: all of them, those due and waiting for a sender, those being sent now. */
    public record Queue(long pending, long due, long inFlight, Long oldestDueAt) {}

    /** An endpoint with its circuit open, disabled, or failing now. */
    public record Troubled(String id, String appId, String url, boolean enabled, Long circuitOpenUntil, int consecutiveFailures,
                           Long failingSince, String disabledReason) {}

    public record EndpointTally(String endpointId, long succeeded, long failed, Long lastFailureAt) {}

    public record Report(Period period, long since, List<Bucket> series, Latency latency, Queue queue, long endpoints,
                         long disabled, long circuitOpen, List<Troubled> troubled, List<EndpointTally> byEndpoint) {
        public long succeeded() {
            return series.stream().mapToLong(Bucket::succeeded).sum();
        }

        public long failed() {
            return series.stream().mapToLong(Bucket::failed).sum();
        }
    }

    /** Latency percentiles are taken over at most this many of the period's attempts, the most recent. */
    static final int LATENCY_SAMPLE = 10_000;

    /** At most this many troubled endpoints are listed (the counts cover them all). */
    static final int TROUBLED_LIMIT = 20;

    private final Database db;

    public DeliveryStats(Database db) {
        this.db = db;
    }

    public Report report(Period period, Scope scope, long now) {
        long lastBucket = Math.floorDiv(now, period.bucketMillis);
        int buckets = (int) (period.spanMillis / period.bucketMillis);
        long since = (lastBucket - buckets + 1) * period.bucketMillis;
        return db.read(c -> {
            Filter attempts = Filter.of(scope, "created_at >= ?", since);
            long[][] counts = new long[buckets][2];
            for (long[] row : Sql.list(c, "SELECT (created_at - ?) / ? AS bucket, succeeded, COUNT(*) AS n FROM attempts WHERE "
                    + attempts.where + " GROUP BY bucket, succeeded",
                    rs -> new long[] {rs.getLong("bucket"), rs.getInt("succeeded"), rs.getLong("n")},
                    attempts.params(since, period.bucketMillis))) {
                int b = (int) row[0];
                if (b >= 0 && b < buckets) { // an attempt stamped a moment after "now" belongs to no bucket shown
                    counts[b][row[1] == 1 ? 0 : 1] += row[2];
                }
            }
            List<Bucket> series = new ArrayList<>(buckets);
            for (int b = 0; b < buckets; b++) {
                series.add(new Bucket(since + b * period.bucketMillis, counts[b][0], counts[b][1]));
            }
            return new Report(period, since, series, latency(c, attempts), queue(c, scope, now),
                    endpointCount(c, scope, "1 = 1"), endpointCount(c, scope, "enabled = 0"),
                    endpointCount(c, scope, "enabled = 1 AND circuit_open_until > " + now), troubled(c, scope, now),
                    scope.appId() == null ? List.of() : byEndpoint(c, attempts));
        });
    }

    /**
     * Percentiles of the period's most recent {@link #LATENCY_SAMPLE} attempts, read newest first by the
     * attempts' age index and ranked here: the cost stays bounded however many attempts the period holds
     * (ranking all of a busy week in SQL took seconds per percentile), and recent attempts are the
     * ones an operator is asking about.
     */
    private static Latency latency(Connection c, Filter attempts) throws SQLException {
        List<Long> durations = new ArrayList<>(Sql.list(c, "SELECT duration_ms FROM attempts WHERE " + attempts.where
                + " ORDER BY created_at DESC LIMIT " + LATENCY_SAMPLE, rs -> rs.getLong(1), attempts.params()));
        if (durations.isEmpty()) {
            return new Latency(null, null, null, 0);
        }
        durations.sort(null);
        return new Latency(rank(durations, 0.50), rank(durations, 0.95), rank(durations, 0.99), durations.size());
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} of them at or below it. */
    private static long rank(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static Queue queue(Connection c, Scope scope, long now) throws SQLException {
        Filter pending = Filter.of(scope, "status = 'pending'");
        long total = Sql.one(c, "SELECT COUNT(*) FROM deliveries WHERE " + pending.where, rs -> rs.getLong(1), pending.params()).orElse(0L);
        Filter leased = Filter.of(scope, "status = 'pending' AND lease_owner IS NOT NULL");
        long inFlight = Sql.one(c, "SELECT COUNT(*) FROM deliveries WHERE " + leased.where, rs -> rs.getLong(1), leased.params()).orElse(0L);
        Filter due = Filter.of(scope, "status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= ?", now);
        return Sql.one(c, "SELECT COUNT(*) AS n, MIN(next_attempt_at) AS oldest FROM deliveries WHERE " + due.where,
                rs -> new Queue(total, rs.getLong("n"), inFlight, Sql.nullableLong(rs, "oldest")), due.params()).orElseThrow();
    }

    private static long endpointCount(Connection c, Scope scope, String condition) throws SQLException {
        Filter f = Filter.ofEndpoints(scope, condition);
        return Sql.one(c, "SELECT COUNT(*) FROM endpoints WHERE " + f.where, rs -> rs.getLong(1), f.params()).orElse(0L);
    }

    private static List<Troubled> troubled(Connection c, Scope scope, long now) throws SQLException {
        Filter f = Filter.ofEndpoints(scope, "(enabled = 0 OR circuit_open_until > ? OR consecutive_failures > 0)", now);
        return Sql.list(c, "SELECT id, app_id, url, enabled, circuit_open_until, consecutive_failures, failing_since, disabled_reason"
                + " FROM endpoints WHERE " + f.where + " ORDER BY enabled, consecutive_failures DESC, id LIMIT " + TROUBLED_LIMIT,
                rs -> new Troubled(rs.getString("id"), rs.getString("app_id"), rs.getString("url"), rs.getInt("enabled") == 1,
                        Sql.nullableLong(rs, "circuit_open_until"), rs.getInt("consecutive_failures"),
                        Sql.nullableLong(rs, "failing_since"), rs.getString("disabled_reason")), f.params());
    }

    private static List<EndpointTally> byEndpoint(Connection c, Filter attempts) throws SQLException {
        return Sql.list(c, "SELECT endpoint_id, SUM(succeeded) AS ok, COUNT(*) AS n,"
                + " MAX(CASE WHEN succeeded = 0 THEN created_at END) AS last_failure FROM attempts WHERE " + attempts.where
                + " GROUP BY endpoint_id ORDER BY endpoint_id",
                rs -> new EndpointTally(rs.getString("endpoint_id"), rs.getLong("ok"), rs.getLong("n") - rs.getLong("ok"),
                        Sql.nullableLong(rs, "last_failure")), attempts.params());
    }

    /** A WHERE clause narrowed to the scope, with its parameters in order. */
    private record Filter(String where, List<Object> values) {
        static Filter of(Scope scope, String condition, Object... values) {
            return build(scope, condition, "endpoint_id", values);
        }

        /** The endpoints table names its own id {@code id}; the operational app's endpoints are not a customer's. */
        static Filter ofEndpoints(Scope scope, String condition, Object... values) {
            Filter f = build(scope, condition, "id", values);
            List<Object> all = new ArrayList<>(f.values);
            all.add(OperationalEvents.APP_ID);
            return new Filter(f.where + " AND app_id <> ? AND deleted_at IS NULL", all); // a deleted endpoint's row is only history
        }

        private static Filter build(Scope scope, String condition, String endpointColumn, Object... values) {
            StringBuilder where = new StringBuilder(condition);
            List<Object> all = new ArrayList<>(List.of(values));
            if (scope.appId() != null) {
                where.append(" AND app_id = ?");
                all.add(scope.appId());
            }
            if (scope.endpointId() != null) {
                where.append(" AND ").append(endpointColumn).append(" = ?");
                all.add(scope.endpointId());
            }
            return new Filter(where.toString(), all);
        }

        /** The parameters, after {@code leading} ones that come before the WHERE clause's. */
        Object[] params(Object... leading) {
            List<Object> all = new ArrayList<>(List.of(leading));
            all.addAll(values);
            return all.toArray();
        }
    }
}
