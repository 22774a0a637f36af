package dev.hookline.ops;

import dev.hookline.core.Ids;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges what is older than the retention window: message payloads (the record stays, the data
 * goes, and only once none of the message's deliveries is pending), attempts, and inbound events;
 * and, after the longer record retention, whole messages with their deliveries, then the rows of
 * deleted endpoints none of those reference any more, so no table grows without bound. A message
 * with a delivery still pending is never removed, however old.
 *
 * <p>Work is done in batches of {@link #BATCH} rows, each its own small transaction, so the single
 * writer never holds one long purge while deliveries wait to record their attempts: a batch is one
 * unit among the requests of a group commit, adding a millisecond or two to that commit. With 500
 * rows a batch, ingest at a fixed 500 msg/s answered in 10 ms (p50) while a purge ran, against 3 ms
 * without; with 100, in 4-7 ms, and the purge still went at ~40,000 rows/s (docs/benchmarks-scale.md,
 * scenario 4, has the figures of record). A run goes on until a table has nothing older left, so
 * the purge keeps up with any inflow the writer can take; an earlier cap of 200 batches a minute
 * purged at most 1,700 rows a second per table, less than one busy node writes. On PostgreSQL,
 * batches committed beside the group commit, on a connection of their own, were tried and measured
 * worse (bench/scale scenario 4: ingest p99 at ~460 msg/s 96-103 ms while purging, against 32 ms with
 * nothing to purge; in the group commit, at 064a252, 67 ms against 47): the purge then runs flat out
 * beside ingest instead of taking turns with it in the writer.
 */
public final class RetentionJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    static final int BATCH = 100;

    private final Database db;
    private final Clock clock;
    private final Duration retention;
    private final Duration recordRetention; // null: message records are kept forever
    private volatile boolean closed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hookline-retention").daemon(true).factory());

    private final Metrics metrics;

    public RetentionJob(Database db, Clock clock, Duration retention, Duration recordRetention, Metrics metrics) {
        this.metrics = metrics;
        this.db = db;
        this.clock = clock;
        this.retention = retention;
        this.recordRetention = recordRetention;
    }

    /** Runs now and then every {@code interval}. */
    public RetentionJob start(Duration interval) {
        timer.scheduleWithFixedDelay(this::runSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void runSafely() {
        try {
            long[] purged = run();
            String[] tables = {"message_payloads", "attempts", "inbound_events", "messages", "deleted_endpoints"};
            for (int i = 0; i < tables.length; i++) {
                metrics.count("hookline_retention_purged_rows", "rows purged by retention, by what they held", "table", tables[i], purged[i]);
            }
            if (purged[0] + purged[1] + purged[2] > 0) {
                log.info("retention purged {} message payloads, {} attempts and {} inbound events older than {}",
                        purged[0], purged[1], purged[2], retention);
            }
            if (purged[3] > 0) {
                log.info("retention removed {} messages older than {} with their deliveries", purged[3], recordRetention);
            }
            if (purged[4] > 0) {
                log.info("retention removed {} deleted endpoints whose deliveries and attempts are all gone", purged[4]);
            }
        } catch (RuntimeException e) {
            log.warn("retention run failed; it will run again: {}", e.toString());
        }
    }

    /** One pass; returns how many payloads, attempts, inbound events, whole messages and deleted endpoints' rows went. */
    long[] run() {
        long before = clock.millis() - retention.toMillis();
        long payloads = purge("UPDATE messages SET payload = NULL WHERE id IN (SELECT m.id FROM messages m"
                + " WHERE m.created_at < ? AND m.payload IS NOT NULL AND NOT EXISTS"
                + " (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.status = 'pending') LIMIT " + BATCH + ")", before);
        long attempts = purge("DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE created_at < ? LIMIT " + BATCH + ")", before);
        long inbound = purge("DELETE FROM inbound_events WHERE id IN (SELECT id FROM inbound_events WHERE received_at < ? LIMIT "
                + BATCH + ")", before);
        long records = recordRetention == null ? 0 : purgeRecords(clock.millis() - recordRetention.toMillis());
        long tombstones = purgeDeletedEndpoints(before);
        return new long[] {payloads, attempts, inbound, records, tombstones};
    }

    /**
     * Deletes messages created before {@code before} that have no pending delivery; their deliveries and
     * any attempts left go by the foreign keys' cascade. Walks the primary key (message ids begin with
     * their creation time) from a cursor, so messages kept because a delivery is still pending are read
     * once a run, not once a batch.
     */
    private long purgeRecords(long before) {
        String bound = Ids.floor("msg", before + 1);
        String cursor = "";
        long total = 0;
        while (!closed) {
            String from = cursor;
            List<String> ids = db.read(c -> Sql.list(c, "SELECT id FROM messages WHERE id > ? AND id < ? ORDER BY id LIMIT " + BATCH,
                    rs -> rs.getString(1), from, bound));
            if (ids.isEmpty()) {
                break;
            }
            Object[] params = new Object[ids.size() + 1];
            ids.toArray(params);
            params[ids.size()] = before;
            total += db.write(c -> Sql.update(c, "DELETE FROM messages WHERE id IN (" + Sql.placeholders(ids.size()) + ")"
                    + " AND created_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id AND d.status = 'pending')",
                    params));
            cursor = ids.getLast();
        }
        return total;
    }

    /**
     * Deletes the rows of endpoints deleted before {@code before} that no delivery or attempt
     * references any more: the row stays after a delete only so that history keeps its endpoint.
     * Found on a reader (the endpoints table has no index on deletion, and a scan has no place in
     * the writer), deleted in the writer, which checks again that nothing references them.
     */
    private long purgeDeletedEndpoints(long before) {
        String unreferenced = " NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.endpoint_id = endpoints.id)"
                + " AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.endpoint_id = endpoints.id)";
        long total = 0;
        while (!closed) {
            List<String> ids = db.read(c -> Sql.list(c, "SELECT id FROM endpoints WHERE deleted_at < ? AND" + unreferenced
                    + " LIMIT " + BATCH, rs -> rs.getString(1), before));
            if (ids.isEmpty()) {
                break;
            }
            total += db.write(c -> Sql.update(c, "DELETE FROM endpoints WHERE id IN (" + Sql.placeholders(ids.size()) + ") AND"
                    + unreferenced, ids.toArray()));
            if (ids.size() < BATCH) {
                break;
            }
        }
        return total;
    }

    private long purge(String sql, long before) {
        long total = 0;
        int n;
        do {
            n = db.write(c -> Sql.update(c, sql, before));
            total += n;
        } while (n == BATCH && !closed);
        return total;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
