package dev.hookline.delivery;

import dev.hookline.core.Ids;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.outbound.DeliveryState;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.OperationalEvents;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The deliveries table used as a queue. Claiming leases due rows by pushing their
 * {@code next_attempt_at} past the request's timeout and stamping a lease token; recording an
 * attempt is accepted only while the row still carries that token. So a delivery is in flight on
 * at most one node at a time, and a node that dies leaves rows that simply fall due again.
 */
public final class DeliveryQueue {
    /**
     * Added to an endpoint's timeout to form the lease: covers signing before the request and
     * recording after it. It is also how long a dead node's deliveries wait beyond their timeout
     * before another node takes them over, so it is kept short.
     */
    static final long LEASE_MARGIN_MS = 10_000;

    /** message.attempt.failing is sent when this many attempts of one delivery have failed. */
    static final int FAILING_AFTER_ATTEMPTS = 3;

    private final Database db;
    private final EndpointHealth health;
    private final OperationalEvents operational;

    public DeliveryQueue(Database db, EndpointHealth health, OperationalEvents operational) {
        this.db = db;
        this.health = health;
        this.operational = operational;
    }

    /**
     * Leases up to {@code limit} due deliveries, oldest due first, skipping: disabled endpoints,
     * endpoints whose circuit is open, endpoints in {@code excluded} (saturated or rate-limited on
     * this node), and every delivery of a FIFO endpoint but the one of its oldest pending message.
     */
    List<DeliveryClaim> claim(java.time.Clock clock, int limit, String leaseToken, Collection<String> excluded) {
        String skip = excluded.isEmpty() ? "" : " AND d.endpoint_id NOT IN (" + Sql.placeholders(excluded.size()) + ")";
        String sql = "UPDATE deliveries SET lease_owner = ?,"
                + " next_attempt_at = ? + " + LEASE_MARGIN_MS + " + (SELECT e.timeout_ms FROM endpoints e WHERE e.id = deliveries.endpoint_id)"
                + " WHERE id IN (SELECT d.id FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id"
                + "   WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.enabled = 1"
                + "   AND (e.circuit_open_until IS NULL OR e.circuit_open_until <= ?)"
                + "   AND (e.fifo = 0 OR d.message_id = (SELECT MIN(h.message_id) FROM deliveries h"
                + "        WHERE h.endpoint_id = d.endpoint_id AND h.status = 'pending'))"
                + skip
                + "   ORDER BY d.next_attempt_at LIMIT ?" + db.dialect().lockDueRows() + ")"
                + " RETURNING id, message_id, endpoint_id, app_id, attempts";
        return db.write(c -> {
            // "now" is read here, in the writer: a claim that waited in the write queue must not
            // compute leases that have already run out.
            long now = clock.millis();
            List<Object> params = new ArrayList<>(List.of(leaseToken, now, now, now));
            params.addAll(excluded);
            params.add(limit);
            return Sql.list(c, sql, rs -> new DeliveryClaim(rs.getString("id"), rs.getString("message_id"),
                    rs.getString("endpoint_id"), rs.getString("app_id"), rs.getInt("attempts"), leaseToken), params.toArray());
        });
    }

    /** When the next delivery of an enabled endpoint falls due, or null when none is pending. */
    Long nextDueAt() {
        return db.read(c -> Sql.one(c, "SELECT MIN(d.next_attempt_at) AS due FROM deliveries d"
                + " JOIN endpoints e ON e.id = d.endpoint_id WHERE d.status = 'pending' AND e.enabled = 1",
                rs -> Sql.nullableLong(rs, "due")).orElse(null));
    }

    /**
     * Records one attempt, moves its delivery on and updates the endpoint's health, all in one
     * transaction, if the lease is still ours. When the lease was lost (the row was re-claimed after
     * it expired) nothing is recorded and the answer is false.
     */
    boolean record(DeliveryClaim claim, Endpoint endpoint, SendResult result, AttemptOutcome outcome, long now) {
        String status;
        Long next;
        switch (outcome) {
            case AttemptOutcome.Delivered d -> { status = DeliveryState.DELIVERED; next = null; }
            case AttemptOutcome.RetryLater r -> { status = DeliveryState.PENDING; next = r.atMillis(); }
            case AttemptOutcome.GaveUp g -> { status = DeliveryState.FAILED; next = null; }
            case AttemptOutcome.Gone g -> { status = DeliveryState.FAILED; next = null; }
        }
        boolean[] woke = {false};
        boolean recorded = db.write(c -> {
            int updated = Sql.update(c, "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, lease_owner = NULL,"
                            + " updated_at = ? WHERE id = ? AND lease_owner = ? AND attempts = ?",
                    status, claim.attemptNumber(), next, now, claim.deliveryId(), claim.leaseToken(), claim.attemptsMade());
            if (updated == 0) {
                return false;
            }
            Sql.update(c, "INSERT INTO attempts (id, delivery_id, message_id, endpoint_id, app_id, attempt, succeeded,"
                            + " status_code, response_body, duration_ms, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    Ids.next("att"), claim.deliveryId(), claim.messageId(), claim.endpointId(), claim.appId(),
                    claim.attemptNumber(), result.succeeded(), result.statusCode(), result.responseBody(),
                    result.durationMs(), result.error(), now);
            String disabledBecause = health.record(c, endpoint, result.succeeded(), now);
            if (outcome instanceof AttemptOutcome.Gone) {
                disabledBecause = "the endpoint answered 410 Gone";
                health.disable(c, endpoint.id(), disabledBecause, now);
            }
            if (disabledBecause != null) {
                ObjectNode data = OperationalEvents.about(endpoint);
                data.put("reason", disabledBecause);
                woke[0] |= operational.emit(c, endpoint, OperationalEvents.ENDPOINT_DISABLED, data, now);
            }
            if (outcome instanceof AttemptOutcome.GaveUp || outcome instanceof AttemptOutcome.Gone
                    || (outcome instanceof AttemptOutcome.RetryLater && claim.attemptNumber() == FAILING_AFTER_ATTEMPTS)) {
                ObjectNode data = OperationalEvents.about(endpoint);
                data.put("message_id", claim.messageId());
                data.put("attempts", claim.attemptNumber());
                data.put("last_status_code", result.statusCode());
                data.put("last_error", result.error());
                String type = outcome instanceof AttemptOutcome.RetryLater
                        ? OperationalEvents.ATTEMPT_FAILING : OperationalEvents.ATTEMPT_EXHAUSTED;
                woke[0] |= operational.emit(c, endpoint, type, data, now);
            }
            return true;
        });
        if (woke[0]) {
            operational.wake();
        }
        return recorded;
    }

    /**
     * Re-queues, now, the endpoint's deliveries that failed for good since {@code sinceMillis}
     * (after an outage on the receiver's side). Returns how many.
     */
    public int recover(String appId, String endpointId, long sinceMillis, long now) {
        return db.write(c -> {
            db.notifyOnCommit(c, MessageStore.DELIVERIES_CHANNEL);
            return Sql.update(c, "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?"
                    + " WHERE app_id = ? AND endpoint_id = ? AND status = 'failed' AND created_at >= ?",
                    now, now, appId, endpointId, sinceMillis);
        });
    }

    /** Gives leased rows back, each due at the time given, without spending an attempt. */
    void release(Map<DeliveryClaim, Long> dueAt) {
        if (dueAt.isEmpty()) {
            return;
        }
        db.write(c -> {
            for (Map.Entry<DeliveryClaim, Long> e : dueAt.entrySet()) {
                Sql.update(c, "UPDATE deliveries SET lease_owner = NULL, next_attempt_at = ? WHERE id = ? AND lease_owner = ?",
                        e.getValue(), e.getKey().deliveryId(), e.getKey().leaseToken());
            }
            return null;
        });
    }

    /**
     * Makes every leased row due now. Only for a database this process owns alone (the embedded
     * SQLite file, which is locked to one process): leases left by a crash are certainly dead.
     */
    public void releaseAllLeases(long now) {
        db.write(c -> Sql.update(c, "UPDATE deliveries SET lease_owner = NULL, next_attempt_at = ?"
                + " WHERE status = 'pending' AND lease_owner IS NOT NULL", now));
    }

    /**
     * Queues the message for the endpoint again, now, whatever its state (a manual resend). Creates
     * the delivery when the endpoint was not subscribed to the message.
     */
    public DeliveryState resend(String appId, String messageId, String endpointId, long now) {
        return db.write(c -> {
            Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, next_attempt_at,"
                            + " created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)"
                            + " ON CONFLICT (message_id, endpoint_id) DO NOTHING",
                    Ids.next("dlv"), messageId, endpointId, appId, now, now, now);
            // A row in flight keeps its lease: the attempt under way will finish and record itself.
            Sql.update(c, "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?"
                    + " WHERE message_id = ? AND endpoint_id = ? AND lease_owner IS NULL", now, now, messageId, endpointId);
            db.notifyOnCommit(c, MessageStore.DELIVERIES_CHANNEL);
            return Sql.one(c, "SELECT " + DeliveryState.COLUMNS + " FROM deliveries WHERE message_id = ? AND endpoint_id = ?",
                    DeliveryState::read,
                    messageId, endpointId).orElseThrow();
        });
    }

    public Page<Attempt> attemptsOfMessage(String appId, String messageId, PageRequest page) {
        return db.read(c -> Page.of(Sql.list(c, "SELECT * FROM attempts WHERE app_id = ? AND message_id = ? AND id > ? ORDER BY id LIMIT ?",
                DeliveryQueue::attemptRow, appId, messageId, page.afterOrStart(), page.limit() + 1), page.limit(), Attempt::id));
    }

    /** An endpoint's attempts, optionally only the successful ({@code true}) or failed ({@code false}) ones. */
    public Page<Attempt> attemptsOfEndpoint(String appId, String endpointId, Boolean succeeded, PageRequest page) {
        Integer flag = succeeded == null ? null : (succeeded ? 1 : 0);
        return db.read(c -> Page.of(Sql.list(c, "SELECT * FROM attempts WHERE app_id = ? AND endpoint_id = ? AND id > ?"
                        + " AND (CAST(? AS INTEGER) IS NULL OR succeeded = ?) ORDER BY id LIMIT ?",
                DeliveryQueue::attemptRow, appId, endpointId, page.afterOrStart(), flag, flag, page.limit() + 1), page.limit(), Attempt::id));
    }

    private static Attempt attemptRow(ResultSet rs) throws SQLException {
        return new Attempt(rs.getString("id"), rs.getString("message_id"), rs.getString("endpoint_id"), rs.getInt("attempt"),
                rs.getInt("succeeded") == 1, Sql.nullableInt(rs, "status_code"), rs.getString("response_body"),
                rs.getLong("duration_ms"), rs.getString("error"), rs.getLong("created_at"));
    }

}
