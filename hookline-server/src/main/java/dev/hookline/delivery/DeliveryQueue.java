package dev.hookline.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Ids;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.core.Times;
import dev.hookline.outbound.DeliveryState;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.Fanout;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageFilter;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.outbound.RetryPolicy;
import dev.hookline.store.Database;
import dev.hookline.store.Dialect;
import dev.hookline.store.GroupCommitWriter.Lane;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries table used as a queue, and the only code that writes it.
 *
 * <p>A delivery is {@code pending} (due at {@code next_attempt_at}), {@code delivered} or
 * {@code failed}. A pending row may be leased: {@code lease_owner} names the claim and
 * {@code leased_until} when the lease runs out. Recording an attempt is accepted only while the row
 * still carries the claim's lease, so a delivery is in flight on at most one node at a time, and a
 * node that dies leaves leases that {@link #claim} takes back once they run out.
 *
 * <p>Each endpoint's queue has a head, {@code endpoint_heads.next_due_at}: when its next delivery may be
 * claimed, or no row when none may (nothing pending, disabled, a FIFO endpoint whose oldest delivery
 * is in flight). While its circuit is open the head waits for the cool-down to end. The claim reads
 * endpoints by head first and only then their due rows, so an endpoint that is down, disabled,
 * saturated or FIFO-blocked costs nothing per claim whatever its backlog; and since a claimed
 * endpoint's head moves to "now", endpoints with due work take turns (no backlog starves another).
 *
 * <p>Invariant: a head is never later than the endpoint's first claimable delivery, or than the
 * last claim that served the endpoint and left due rows behind (it moved the head to its "now");
 * nor than the end of an open circuit's cool-down when that is later. It may be earlier: a claim
 * that then finds nothing sets it right. So a due row always has a due head. Every write below that makes a row
 * claimable, or changes what the head depends on, refreshes or lowers the head in the same
 * transaction. A head may also name the endpoint's one claimable delivery ({@code delivery_id}, see
 * the V20 migration): set when a delivery is queued for an endpoint that had no head, cleared by
 * every other write of the head. The claim then leases that delivery without reading the endpoint's
 * rows: with thousands of endpoints each getting a delivery now and then, the usual case. Heads are
 * a table of their own (see the V19 migration): an endpoint that gets a delivery now and then has
 * its head set and cleared once each, and those writes land on the few pages of the endpoints with
 * work waiting, not on the wide rows of every endpoint.
 *
 * <p>Lock order (PostgreSQL, several nodes): a write batch runs many units, so two nodes' batches
 * can take the same rows in opposite orders. A transaction that writes an endpoint's head holds the
 * endpoint's row first: the claim locks the endpoint rows of the heads it reads, skipping those
 * locked; every other head write first locks the endpoint row ({@link Dialect#lockForWrite}). So
 * no one waits for a head while holding it, whose holder already holds the endpoint. (This lock is
 * also what keeps a new delivery from losing its head: a claim or a record that empties the queue
 * and an enqueue that lowers the head take turns on the endpoint row.) And the endpoint rows
 * themselves are taken in one order: a write that will wait for some names them to its batch
 * ({@link Database#write(Lane, Collection, dev.hookline.store.GroupCommitWriter.Work)}: an ingest its
 * targets, a record its endpoint and, when it failed, the operational app's), which locks them all,
 * sorted, before its first unit; the claim, which names none, waits for none (it skips what is
 * locked, expired leases included). Two nodes fanning 600 messages out to two apps of ten endpoints
 * while recording attempts met 46 deadlocks before (each a batch held for PostgreSQL's deadlock
 * timeout, a second), none after (MultiNodeTest).
 */
public final class DeliveryQueue {
    /** Endpoint state changes, under one logger name with the API's enable and disable (EndpointStore). */
    private static final Logger ENDPOINT_LOG = LoggerFactory.getLogger("hookline.endpoint");
    /**
     * Added to an endpoint's timeout to form the lease: covers signing before the request and
     * recording after it. It is also how long a dead node's deliveries wait beyond their timeout
     * before another node takes them over, so it is kept short.
     */
    static final long LEASE_MARGIN_MS = 10_000;
    /** Expired leases taken back per claim at most. */
    private static final int REAP_BATCH = 500;

    private final Database db;
    private final EndpointHealth health;
    private final OperationalEvents operational;

    public DeliveryQueue(Database db, EndpointHealth health, OperationalEvents operational) {
        this.db = db;
        this.health = health;
        this.operational = operational;
    }

    /**
     * Queues {@code message} for {@code endpoint}, due when the message was created, inside the
     * caller's write ({@link MessageStore.Enqueue}). A delivery that already exists is left alone.
     */
    public static void enqueue(Connection c, Message message, Endpoint endpoint) throws SQLException {
        // A pull endpoint's delivery is never due: it waits, pending, until it is pulled (DeliveryFeed),
        // and with no due time it never becomes the endpoint's head, so no claim ever reads it.
        Long due = endpoint.policy().pull() ? null : message.createdAt();
        // Routing may have read the endpoint before this write: queue only for one still there and enabled.
        String deliveryId = Ids.next("dlv");
        int inserted = Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, next_attempt_at,"
                        + " created_at, updated_at) SELECT CAST(? AS TEXT), CAST(? AS TEXT), e.id, e.app_id, 'pending', 0,"
                        + " CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT) FROM endpoints e WHERE e.id = ? AND e.enabled = 1"
                        + " ON CONFLICT (message_id, endpoint_id) DO NOTHING",
                deliveryId, message.id(), due, message.createdAt(), message.createdAt(), endpoint.id());
        if (inserted == 0 || due == null) {
            return;
        }
        if (endpoint.policy().fifo()) {
            refreshHead(c, endpoint.id(), 0); // the new row is the last in line: the head moves only if the queue was empty
        } else {
            lowerHead(c, endpoint.id(), message.createdAt(), deliveryId);
        }
    }

    /**
     * The claim's first query: endpoints whose head is due, earliest first, leaving out as many
     * endpoints and apps as given (parameters: now, now, the endpoints, the apps, the limit). The
     * heads drive the join (CROSS JOIN keeps SQLite, which has no statistics here, from starting
     * at the endpoints), so its cost follows the ready endpoints, not all of them.
     */
    static String readySql(Database db, int excludedEndpoints, int excludedApps) {
        return "SELECT e.id, e.fifo, e.timeout_ms, h.delivery_id, d.message_id, d.app_id, d.attempts"
                + " FROM endpoint_heads h CROSS JOIN endpoints e LEFT JOIN deliveries d ON d.id = h.delivery_id"
                + " WHERE e.id = h.endpoint_id AND h.next_due_at <= ? AND e.enabled = 1"
                + " AND (e.circuit_open_until IS NULL OR e.circuit_open_until <= ?)"
                + (excludedEndpoints == 0 ? "" : " AND e.id NOT IN (" + Sql.placeholders(excludedEndpoints) + ")")
                + (excludedApps == 0 ? "" : " AND e.app_id NOT IN (" + Sql.placeholders(excludedApps) + ")")
                + " ORDER BY h.next_due_at LIMIT ?" + db.dialect().lockRows("e");
    }

    /** A row the claim may lease. */
    private record Candidate(String deliveryId, String messageId, String appId, int attempts, long dueAt) {}

    /**
     * An endpoint whose head is due; {@code only}, the one delivery it may claim, when its head names it
     * (its due time is the claim's now: the head, due, stands for it).
     */
    private record Ready(String id, boolean fifo, int timeoutMs, Candidate only) {
        static Ready read(ResultSet rs, long now) throws SQLException {
            String only = rs.getString("delivery_id");
            return new Ready(rs.getString("id"), rs.getInt("fifo") == 1, rs.getInt("timeout_ms"), only == null ? null
                    : new Candidate(only, rs.getString("message_id"), rs.getString("app_id"), rs.getInt("attempts"), now));
        }
    }

    /**
     * Leases up to {@code limit} due deliveries, a fair share from each ready endpoint (at most
     * {@code freeSlots} of it; FIFO endpoints only their oldest pending delivery), leaving out
     * endpoints in {@code excludedEndpoints} and apps in {@code excludedApps} (at their limits on
     * this node). Takes back expired leases first.
     */
    List<DeliveryClaim> claim(Clock clock, int limit, String leaseToken, Collection<String> excludedEndpoints,
                              Collection<String> excludedApps, ToIntFunction<String> freeSlots) {
        String readySql = readySql(db, excludedEndpoints.size(), excludedApps.size());
        return db.write(Lane.DELIVERIES, c -> {
            // "now" is read here, in the writer: a claim that waited in the write queue must not
            // compute leases that have already run out.
            long now = clock.millis();
            reapExpiredLeases(c, now);
            List<Object> params = new ArrayList<>(List.of(now, now));
            params.addAll(excludedEndpoints);
            params.addAll(excludedApps);
            params.add(limit);
            List<Ready> ready = Sql.list(c, readySql, rs -> Ready.read(rs, now), params.toArray());
            List<DeliveryClaim> claimed = new ArrayList<>();
            // The non-FIFO endpoints' writes go as batches at the end (one round trip each on
            // PostgreSQL): with many endpoints ready, each has a row or two, so the writes outnumber the reads.
            List<Object[]> leases = new ArrayList<>();
            List<DeliveryClaim> leased = new ArrayList<>(); // the claim each of those leases makes, in the same order
            List<Object[]> namedLeases = new ArrayList<>();
            List<DeliveryClaim> named = new ArrayList<>(); // likewise, for the deliveries heads named
            List<Object[]> headsCleared = new ArrayList<>();
            List<Object[]> headsMoved = new ArrayList<>();
            int share = Math.max(1, (limit + ready.size() - 1) / Math.max(1, ready.size()));
            int promised = 0; // deliveries in claimed, leased and named together
            for (Ready endpoint : ready) {
                int take = Math.min(Math.min(share, limit - promised), freeSlots.applyAsInt(endpoint.id()));
                if (take <= 0) {
                    continue;
                }
                long leasedUntil = now + LEASE_MARGIN_MS + endpoint.timeoutMs();
                if (endpoint.fifo()) {
                    for (Candidate row : Sql.list(c, "SELECT id, message_id, app_id, attempts, next_attempt_at FROM deliveries"
                            + " WHERE endpoint_id = ? AND status = 'pending' AND lease_owner IS NULL AND next_attempt_at <= ? AND message_id ="
                            + " (SELECT MIN(h.message_id) FROM deliveries h WHERE h.endpoint_id = ? AND h.status = 'pending')"
                            + db.dialect().lockRows(), DeliveryQueue::candidate, endpoint.id(), now, endpoint.id())) {
                        claimed.add(lease(c, row, endpoint.id(), leaseToken, leasedUntil));
                        promised++;
                    }
                    setHead(c, endpoint.id(), true, true, null, now);
                    continue;
                }
                if (endpoint.only() != null) { // its one claimable delivery, due by its head: its rows need no reading
                    Candidate row = endpoint.only();
                    namedLeases.add(new Object[] {leaseToken, leasedUntil, row.deliveryId(), row.attempts(), now});
                    named.add(new DeliveryClaim(row.deliveryId(), row.messageId(), endpoint.id(), row.appId(), row.attempts(), leaseToken));
                    promised++;
                    continue;
                }
                // One row more than it takes: the first one left (due now or later) is the new head.
                List<Candidate> rows = Sql.list(c, "SELECT id, message_id, app_id, attempts, next_attempt_at FROM deliveries"
                        + " WHERE endpoint_id = ? AND status = 'pending' AND lease_owner IS NULL ORDER BY next_attempt_at LIMIT ?"
                        + db.dialect().lockRows(), DeliveryQueue::candidate, endpoint.id(), take + 1);
                Long head = null;
                for (Candidate row : rows) {
                    if (row.dueAt() <= now && promised < limit && take-- > 0) {
                        leases.add(new Object[] {leaseToken, leasedUntil, row.deliveryId()});
                        leased.add(new DeliveryClaim(row.deliveryId(), row.messageId(), endpoint.id(), row.appId(), row.attempts(), leaseToken));
                        promised++;
                    } else {
                        // Served: to the back of the line, behind endpoints still waiting since before now.
                        head = Math.max(row.dueAt(), now);
                        break;
                    }
                }
                if (head == null) {
                    headsCleared.add(new Object[] {endpoint.id()});
                } else {
                    headsMoved.add(new Object[] {endpoint.id(), head});
                }
            }
            Sql.batch(c, LEASE, leases);
            claimed.addAll(leased);
            Sql.batch(c, CLEAR_HEAD, headsCleared);
            Sql.batch(c, SET_HEAD, headsMoved);
            // A named delivery is leased only as the head's query saw it: on PostgreSQL that query's
            // snapshot may predate another node's commit (which leased it, or recorded an attempt and
            // set it later). The head of one leased is cleared unless a delivery queued since renamed
            // it; the head of one that was not is read again from the rows (the endpoint is locked).
            int[] taken = Sql.batch(c, LEASE_NAMED, namedLeases);
            List<Object[]> namedHeadsCleared = new ArrayList<>();
            for (int i = 0; i < taken.length; i++) {
                DeliveryClaim claim = named.get(i);
                if (taken[i] != 0) {
                    claimed.add(claim);
                    namedHeadsCleared.add(new Object[] {claim.endpointId(), claim.deliveryId()});
                } else {
                    refreshHead(c, claim.endpointId(), 0);
                }
            }
            Sql.batch(c, CLEAR_NAMED_HEAD, namedHeadsCleared);
            return claimed;
        });
    }

    private static Candidate candidate(ResultSet rs) throws SQLException {
        return new Candidate(rs.getString("id"), rs.getString("message_id"), rs.getString("app_id"), rs.getInt("attempts"),
                rs.getLong("next_attempt_at"));
    }

    private static final String LEASE = "UPDATE deliveries SET lease_owner = ?, leased_until = ? WHERE id = ?";
    /** {@link #LEASE} for a delivery a head named: only while it is as the head's query saw it, free and due. */
    private static final String LEASE_NAMED = LEASE + " AND status = 'pending' AND lease_owner IS NULL AND attempts = ?"
            + " AND next_attempt_at <= ?";
    private static final String CLEAR_HEAD = "DELETE FROM endpoint_heads WHERE endpoint_id = ?";
    /** Clears the head that named the delivery just leased, unless a delivery queued since has made it name none. */
    private static final String CLEAR_NAMED_HEAD = "DELETE FROM endpoint_heads WHERE endpoint_id = ? AND delivery_id = ?";
    private static final String SET_HEAD = "INSERT INTO endpoint_heads (endpoint_id, next_due_at) VALUES (?, ?)"
            + " ON CONFLICT (endpoint_id) DO UPDATE SET next_due_at = excluded.next_due_at, delivery_id = NULL";

    private static DeliveryClaim lease(Connection c, Candidate row, String endpointId, String leaseToken, long leasedUntil) throws SQLException {
        Sql.update(c, LEASE, leaseToken, leasedUntil, row.deliveryId());
        return new DeliveryClaim(row.deliveryId(), row.messageId(), endpointId, row.appId(), row.attempts(), leaseToken);
    }

    /**
     * Leases whose holder died (or overran) become claimable again. The claim names no endpoint to its
     * batch ({@link Database#write(Lane, Collection, dev.hookline.store.GroupCommitWriter.Work)}), so it waits for none:
     * a row whose endpoint another transaction holds is left for a later claim.
     */
    private void reapExpiredLeases(Connection c, long now) throws SQLException {
        List<String[]> expired = Sql.list(c, "SELECT d.id, d.endpoint_id FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id"
                        + " WHERE d.lease_owner IS NOT NULL AND d.leased_until <= ? ORDER BY d.leased_until LIMIT " + REAP_BATCH
                        + db.dialect().lockRows("d", "e"),
                rs -> new String[] {rs.getString("id"), rs.getString("endpoint_id")}, now);
        Set<String> endpoints = new LinkedHashSet<>();
        for (String[] row : expired) {
            Sql.update(c, "UPDATE deliveries SET lease_owner = NULL, leased_until = NULL WHERE id = ?", row[0]);
            endpoints.add(row[1]);
        }
        for (String endpoint : endpoints) {
            refreshHead(c, endpoint, 0);
        }
    }

    /** When the next endpoint's head falls due, or null when none has one (a disabled endpoint has none). */
    Long nextDueAt() {
        return db.read(c -> Sql.one(c, "SELECT MIN(next_due_at) AS due FROM endpoint_heads", rs -> Sql.nullableLong(rs, "due")).orElse(null));
    }

    /**
     * Records one attempt, moves its delivery on, updates the endpoint's health and emits the
     * operational events of the {@link DeliveryLifecycle.Transition}, all in one transaction, if the
     * lease is still ours, and answers that transition. When the lease was lost (the row was taken
     * back after it ran out and re-claimed) nothing is recorded and the answer is empty.
     * Endpoint state changes (circuit opened or closed, disabled) are logged once committed.
     */
    Optional<DeliveryLifecycle.Transition> record(DeliveryClaim claim, Endpoint endpoint, RetryPolicy retry, SendResult result,
                                                  long now, double jitter) {
        // a failure may report itself to the operational app's endpoints, whose rows queueing locks
        List<String> locked = new ArrayList<>(List.of(claim.endpointId()));
        if (!result.succeeded() && operational != null) {
            locked.addAll(operational.endpointsFor(endpoint));
        }
        Recorded recorded = db.write(Lane.DELIVERIES, locked, c -> {
            if (result.succeeded()) {
                return recordSuccess(c, claim, endpoint, result, now);
            }
            var current = Sql.one(c, "SELECT enabled, consecutive_failures, circuit_open_until, failing_since, disabled_reason"
                    + " FROM endpoints WHERE id = ?", rs -> new Object[] {rs.getInt("enabled") == 1, new Endpoint.Health(
                            rs.getInt("consecutive_failures"), Sql.nullableLong(rs, "circuit_open_until"), Sql.nullableLong(rs, "failing_since"),
                            rs.getString("disabled_reason"))}, endpoint.id());
            if (current.isEmpty()) {
                return null; // the endpoint was deleted, and its deliveries with it
            }
            boolean enabled = (Boolean) current.get()[0];
            Endpoint.Health before = (Endpoint.Health) current.get()[1];
            // Content erased while this attempt was under way: nothing left to retry with, so this
            // attempt is the last (the erase itself ended the rows that were not in flight).
            boolean erased = Sql.one(c, "SELECT payload IS NULL AS erased FROM messages WHERE id = ?",
                    rs -> rs.getBoolean("erased"), claim.messageId()).orElse(true);
            var next = DeliveryLifecycle.after(result, claim.attemptNumber(), erased ? RetryPolicy.NONE : retry, before, enabled,
                    health.disableAfter(), now, jitter);
            if (!moveOn(c, claim, next, result, now)) {
                return null;
            }
            if (next.disabledBecause() != null) {
                Sql.update(c, "UPDATE endpoints SET enabled = 0, updated_at = CASE WHEN updated_at >= ? THEN updated_at + 1 ELSE ? END"
                        + " WHERE id = ?", now, now, endpoint.id());
                Fanout.changed(c, endpoint.appId()); // no new message goes to it from now on
            }
            boolean healthChanged = !next.health().equals(before);
            if (healthChanged) {
                Endpoint.Health h = next.health();
                Sql.update(c, "UPDATE endpoints SET consecutive_failures = ?, circuit_open_until = ?, failing_since = ?, disabled_reason = ?"
                        + " WHERE id = ?", h.consecutiveFailures(), h.circuitOpenUntil(), h.failingSince(), h.disabledReason(), endpoint.id());
            }
            if (healthChanged || endpoint.policy().fifo() || next.disabledBecause() != null) {
                refreshHead(c, endpoint.id(), 0);
            } else if (next.nextAttemptAt() != null) {
                lowerHead(c, endpoint.id(), next.nextAttemptAt(), null);
            }
            boolean woke = false;
            for (String type : next.events()) {
                ObjectNode data = OperationalEvents.about(endpoint);
                if (type.equals(OperationalEvents.ENDPOINT_DISABLED)) {
                    data.put("reason", next.disabledBecause());
                } else {
                    data.put("message_id", claim.messageId());
                    data.put("attempts", claim.attemptNumber());
                    data.put("last_status_code", result.statusCode());
                    data.put("last_error", result.error());
                }
                woke |= operational.emit(c, endpoint, type, data, now);
            }
            boolean opened = next.health().circuitOpenUntil() != null && EndpointHealth.circuit(before, now) != EndpointHealth.Circuit.OPEN;
            return new Recorded(next, enabled && next.disabledBecause() != null, opened, false, woke);
        });
        if (recorded == null) {
            return Optional.empty();
        }
        if (recorded.woke()) {
            operational.wake(); // the operational events' deliveries are committed now
        }
        logStateChange(endpoint, recorded);
        return Optional.of(recorded.next());
    }

    /**
     * The common case, in three statements: a success needs no read of the endpoint's health (it
     * heals whatever it was), and a leased row was never part of the head, so a non-FIFO head stays.
     * Whether it closed a circuit is judged by the health read when the row was claimed: for a
     * half-open circuit's probe (one request at a time) that is still the current one.
     */
    private Recorded recordSuccess(Connection c, DeliveryClaim claim, Endpoint endpoint, SendResult result, long now) throws SQLException {
        var next = DeliveryLifecycle.after(result, claim.attemptNumber(), RetryPolicy.NONE, Endpoint.Health.NEW, true,
                health.disableAfter(), now, 0);
        if (!moveOn(c, claim, next, result, now)) {
            return null;
        }
        int healed = Sql.update(c, "UPDATE endpoints SET consecutive_failures = 0, circuit_open_until = NULL, failing_since = NULL"
                + " WHERE id = ? AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)", endpoint.id());
        if (healed > 0 || endpoint.policy().fifo()) {
            refreshHead(c, endpoint.id(), 0);
        }
        boolean closed = healed > 0 && endpoint.health().consecutiveFailures() >= EndpointHealth.OPEN_AFTER_FAILURES;
        return new Recorded(next, false, false, closed, false);
    }

    /** Moves the delivery on and logs the attempt, if the lease is still the claim's; false when it was lost. */
    private static boolean moveOn(Connection c, DeliveryClaim claim, DeliveryLifecycle.Transition next, SendResult result, long now)
            throws SQLException {
        int updated = Sql.update(c, "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, lease_owner = NULL,"
                        + " leased_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND attempts = ?",
                next.status(), claim.attemptNumber(), next.nextAttemptAt(), now, claim.deliveryId(), claim.leaseToken(), claim.attemptsMade());
        if (updated == 0) {
            return false;
        }
        Sql.update(c, "INSERT INTO attempts (id, delivery_id, message_id, endpoint_id, app_id, attempt, succeeded,"
                        + " status_code, response_body, duration_ms, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Ids.next("att"), claim.deliveryId(), claim.messageId(), claim.endpointId(), claim.appId(),
                claim.attemptNumber(), result.succeeded(), result.statusCode(), result.responseBody(),
                result.durationMs(), result.error(), now);
        return true;
    }

    /** One log line per change an operator must see: a circuit opening or closing, an endpoint disabled. */
    private static void logStateChange(Endpoint endpoint, Recorded r) {
        Endpoint.Health after = r.next().health();
        if (r.disabled()) {
            ENDPOINT_LOG.atWarn().setMessage("endpoint disabled").addKeyValue("event", "endpoint_disabled")
                    .addKeyValue("app_id", endpoint.appId()).addKeyValue("endpoint_id", endpoint.id())
                    .addKeyValue("reason", r.next().disabledBecause()).log();
        }
        if (r.circuitOpened()) {
            ENDPOINT_LOG.atWarn().setMessage("circuit opened").addKeyValue("event", "circuit_opened")
                    .addKeyValue("app_id", endpoint.appId()).addKeyValue("endpoint_id", endpoint.id())
                    .addKeyValue("consecutive_failures", after.consecutiveFailures())
                    .addKeyValue("open_until", Times.format(after.circuitOpenUntil())).log();
        }
        if (r.circuitClosed()) {
            ENDPOINT_LOG.atInfo().setMessage("circuit closed").addKeyValue("event", "circuit_closed")
                    .addKeyValue("app_id", endpoint.appId()).addKeyValue("endpoint_id", endpoint.id()).log();
        }
    }

    /** What {@link #record} wrote: the transition, the endpoint state changes it made, whether it queued operational events. */
    private record Recorded(DeliveryLifecycle.Transition next, boolean disabled, boolean circuitOpened, boolean circuitClosed,
                            boolean woke) {}

    /**
     * Re-queues, now, the endpoint's deliveries that failed for good since {@code sinceMillis}
     * (after an outage on the receiver's side). Returns how many.
     */
    public int recover(String appId, String endpointId, long sinceMillis, long now) {
        return db.write(Lane.REQUESTS, List.of(endpointId), c -> {
            db.notifyOnCommit(c, MessageStore.DELIVERIES_CHANNEL);
            int recovered = Sql.update(c, "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?"
                    + " WHERE app_id = ? AND endpoint_id = ? AND status = 'failed' AND created_at >= ?",
                    now, now, appId, endpointId, sinceMillis);
            refreshHead(c, endpointId, 0);
            return recovered;
        });
    }

    /** Gives leased rows back, each due at the time given, without spending an attempt. */
    void release(Map<DeliveryClaim, Long> dueAt) {
        if (dueAt.isEmpty()) {
            return;
        }
        Set<String> endpoints = new LinkedHashSet<>();
        dueAt.keySet().forEach(claim -> endpoints.add(claim.endpointId()));
        db.write(Lane.DELIVERIES, endpoints, c -> {
            for (Map.Entry<DeliveryClaim, Long> e : dueAt.entrySet()) {
                Sql.update(c, "UPDATE deliveries SET lease_owner = NULL, leased_until = NULL, next_attempt_at = ?"
                        + " WHERE id = ? AND lease_owner = ?", e.getValue(), e.getKey().deliveryId(), e.getKey().leaseToken());
            }
            for (String endpoint : endpoints) {
                refreshHead(c, endpoint, 0);
            }
            return null;
        });
    }

    /**
     * Makes every leased row due now. Only for a database this process owns alone (the embedded
     * SQLite file, which is locked to one process): leases left by a crash are certainly dead.
     */
    public void releaseAllLeases(long now) {
        db.write(c -> Sql.update(c, "UPDATE deliveries SET lease_owner = NULL, leased_until = NULL, next_attempt_at = ?"
                + " WHERE status = 'pending' AND lease_owner IS NOT NULL", now));
    }

    /**
     * Sets every endpoint's head from its deliveries, while nothing else writes the database: at
     * start-up on SQLite (after leases were released), and after a copy to PostgreSQL. Never while
     * other nodes run: it takes head rows without their endpoints' (see the lock order above). FIFO
     * heads may come out early, which the first claim corrects.
     */
    public static void refreshAllHeads(Database db) {
        db.write(c -> {
            Sql.update(c, "DELETE FROM endpoint_heads");
            return Sql.update(c, "INSERT INTO endpoint_heads (endpoint_id, next_due_at)"
                    + " SELECT id, CASE WHEN circuit_open_until > due THEN circuit_open_until ELSE due END FROM"
                    + " (SELECT e.id, e.circuit_open_until, (SELECT MIN(d.next_attempt_at) FROM deliveries d"
                    + "   WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.lease_owner IS NULL) AS due"
                    + "  FROM endpoints e WHERE e.enabled = 1) heads WHERE due IS NOT NULL");
        });
    }

    /**
     * Queues the message for the endpoint again, now, whatever its state (a manual resend). Creates
     * the delivery when the endpoint was not subscribed to the message.
     */
    public DeliveryState resend(String appId, String messageId, String endpointId, long now) {
        return db.write(Lane.REQUESTS, List.of(endpointId), c -> {
            Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, next_attempt_at,"
                            + " created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)"
                            + " ON CONFLICT (message_id, endpoint_id) DO NOTHING",
                    Ids.next("dlv"), messageId, endpointId, appId, now, now, now);
            // A row in flight keeps its lease: the attempt under way will finish and record itself.
            Sql.update(c, "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?"
                    + " WHERE message_id = ? AND endpoint_id = ? AND lease_owner IS NULL", now, now, messageId, endpointId);
            refreshHead(c, endpointId, 0);
            db.notifyOnCommit(c, MessageStore.DELIVERIES_CHANNEL);
            return Sql.one(c, "SELECT " + DeliveryState.COLUMNS + " FROM deliveries WHERE message_id = ? AND endpoint_id = ?",
                    DeliveryState::read, messageId, endpointId).orElseThrow();
        });
    }

    /**
     * Sets the endpoint's head from its deliveries: its first claimable delivery's due time (for a
     * FIFO endpoint, its oldest pending delivery's, unless that one is in flight), not before
     * {@code notBefore}, and not before its circuit closes; null when it has none or is disabled.
     */
    public static void refreshHead(Connection c, String endpointId, long notBefore) throws SQLException {
        var endpoint = Sql.one(c, "SELECT enabled, fifo, circuit_open_until FROM endpoints WHERE id = ?" + Dialect.of(c).lockForWrite(),
                rs -> new Object[] {rs.getInt("enabled") == 1, rs.getInt("fifo") == 1, Sql.nullableLong(rs, "circuit_open_until")}, endpointId);
        if (endpoint.isEmpty()) {
            return;
        }
        setHead(c, endpointId, (Boolean) endpoint.get()[0], (Boolean) endpoint.get()[1], (Long) endpoint.get()[2], notBefore);
    }

    /** {@link #refreshHead} for an endpoint whose flags the caller has just read. */
    private static void setHead(Connection c, String endpointId, boolean enabled, boolean fifo, Long circuitOpenUntil, long notBefore)
            throws SQLException {
        Long due = null;
        if (enabled && fifo) {
            due = Sql.one(c, "SELECT next_attempt_at, lease_owner FROM deliveries WHERE endpoint_id = ? AND status = 'pending'"
                            + " ORDER BY message_id LIMIT 1",
                    rs -> rs.getString("lease_owner") == null ? rs.getLong("next_attempt_at") : null, endpointId).orElse(null);
        } else if (enabled) {
            due = Sql.one(c, "SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE endpoint_id = ? AND status = 'pending'"
                    + " AND lease_owner IS NULL", rs -> Sql.nullableLong(rs, "due"), endpointId).orElse(null);
        }
        if (due != null) {
            due = Math.max(due, notBefore);
            if (circuitOpenUntil != null) {
                due = Math.max(due, circuitOpenUntil);
            }
        }
        writeHead(c, endpointId, due);
    }

    /** Sets the endpoint's head to {@code due}; null removes it. */
    private static void writeHead(Connection c, String endpointId, Long due) throws SQLException {
        if (due == null) {
            Sql.update(c, CLEAR_HEAD, endpointId);
        } else {
            Sql.update(c, SET_HEAD, endpointId, due);
        }
    }

    /**
     * A delivery due at {@code due} moves a non-FIFO endpoint's head earlier if it was later. An
     * endpoint with no head had nothing it could claim, so a new delivery, {@code deliveryId}, is its
     * only claimable one, and its new head names it (null names none); a head that named another
     * names none from now on.
     */
    private static void lowerHead(Connection c, String endpointId, long due, String deliveryId) throws SQLException {
        Sql.update(c, "INSERT INTO endpoint_heads (endpoint_id, next_due_at, delivery_id)"
                + " SELECT id, CASE WHEN circuit_open_until > ? THEN circuit_open_until ELSE ? END, CAST(? AS TEXT) FROM endpoints"
                + " WHERE id = ? AND enabled = 1" + Dialect.of(c).lockForWrite()
                + " ON CONFLICT (endpoint_id) DO UPDATE SET delivery_id = NULL, next_due_at = CASE"
                + " WHEN endpoint_heads.next_due_at > excluded.next_due_at THEN excluded.next_due_at ELSE endpoint_heads.next_due_at END"
                + " WHERE endpoint_heads.next_due_at > excluded.next_due_at OR endpoint_heads.delivery_id IS NOT NULL",
                due, due, deliveryId, endpointId);
    }

    /** An endpoint's deliveries by state: waiting, being sent now (leased), delivered, failed for good. */
    public record Counts(long pending, long sending, long delivered, long failed) {}

    private static final String COUNTS = "SUM(CASE WHEN status = 'pending' AND lease_owner IS NULL THEN 1 ELSE 0 END) AS pending,"
            + " SUM(CASE WHEN status = 'pending' AND lease_owner IS NOT NULL THEN 1 ELSE 0 END) AS sending,"
            + " SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END) AS delivered,"
            + " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed";

    private static Counts counts(ResultSet rs) throws SQLException {
        return new Counts(rs.getLong("pending"), rs.getLong("sending"), rs.getLong("delivered"), rs.getLong("failed"));
    }

    /**
     * An endpoint's deliveries made from {@code since} to {@code until} (epoch millis, both included), by
     * state. Delivery ids sort by creation time, so the window is an id range of the endpoint's index:
     * the count reads the deliveries in it, however many older ones the endpoint has.
     */
    public Counts countsOfEndpoint(String appId, String endpointId, long since, long until) {
        return db.read(c -> Sql.one(c, ENDPOINT_COUNTS, DeliveryQueue::counts,
                endpointId, Ids.floor("dlv", since), Ids.floor("dlv", until + 1), appId).orElseThrow());
    }

    static final String ENDPOINT_COUNTS = "SELECT " + COUNTS + " FROM deliveries WHERE endpoint_id = ? AND id >= ? AND id < ? AND app_id = ?";

    /** Each message's deliveries by state (a page of the message list: read by the deliveries' message index). */
    public Map<String, Counts> countsOfMessages(String appId, Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        List<Object> params = new ArrayList<>(messageIds);
        params.add(appId);
        return db.read(c -> {
            Map<String, Counts> out = new HashMap<>();
            for (var row : Sql.list(c, "SELECT message_id, " + COUNTS + " FROM deliveries WHERE message_id IN ("
                    + Sql.placeholders(messageIds.size()) + ") AND app_id = ? GROUP BY message_id",
                    rs -> Map.entry(rs.getString("message_id"), counts(rs)), params.toArray())) {
                out.put(row.getKey(), row.getValue());
            }
            return out;
        });
    }

    /** One message's attempts (the Svix API's view): {@link #attempts} with only that filter. */
    public Page<Attempt> attemptsOfMessage(String appId, String messageId, PageRequest page) {
        return attempts(appId, MessageFilter.ANY.withMessage(messageId), page);
    }

    /** An endpoint's attempts, optionally only the successful ({@code true}) or failed ({@code false}) ones. */
    public Page<Attempt> attemptsOfEndpoint(String appId, String endpointId, Boolean succeeded, PageRequest page) {
        MessageFilter filter = new MessageFilter(null, null, endpointId, succeeded == null ? null : succeeded ? "succeeded" : "failed",
                null, null, null);
        return attempts(appId, filter, page);
    }

    /**
     * The app's attempt log in the page's order, narrowed by {@code filter}: its message, endpoint,
     * status ({@code succeeded} or {@code failed}), time window (of the attempt), and the message's
     * event or channel (which join the messages table).
     */
    public Page<Attempt> attempts(String appId, MessageFilter filter, PageRequest page) {
        StringBuilder sql = new StringBuilder("SELECT a.* FROM attempts a");
        if (filter.onMessageContent()) {
            sql.append(" JOIN messages m ON m.id = a.message_id");
        }
        // With a message or an endpoint named, its own index is the narrow one; compared bare, app_id
        // would let SQLite (which keeps no statistics here) take the app's index and walk every
        // attempt of the app: 151 ms instead of 2 for one message of a 210,000-attempt app.
        boolean narrower = filter.messageId() != null || filter.endpointId() != null;
        sql.append(narrower ? " WHERE a.app_id || '' = ? AND " : " WHERE a.app_id = ? AND ").append(page.cursorSql("a.id"));
        List<Object> params = new ArrayList<>(List.of(appId, page.afterOrStart()));
        if (filter.messageId() != null) {
            sql.append(" AND a.message_id = ?");
            params.add(filter.messageId());
        }
        if (filter.endpointId() != null) {
            sql.append(" AND a.endpoint_id = ?");
            params.add(filter.endpointId());
        }
        if (filter.status() != null) {
            sql.append(" AND a.succeeded = ?");
            params.add(filter.status().equals("succeeded") ? 1 : 0);
        }
        filter.appendWindow(sql, params, "a.created_at");
        filter.appendContent(sql, params, "m");
        sql.append(page.orderSql("a.id"));
        params.add(page.limit() + 1);
        return db.read(c -> Page.of(Sql.list(c, sql.toString(), DeliveryQueue::attemptRow, params.toArray()), page.limit(), Attempt::id));
    }

    private static Attempt attemptRow(ResultSet rs) throws SQLException {
        return new Attempt(rs.getString("id"), rs.getString("message_id"), rs.getString("endpoint_id"), rs.getInt("attempt"),
                rs.getInt("succeeded") == 1, Sql.nullableInt(rs, "status_code"), rs.getString("response_body"),
                rs.getLong("duration_ms"), rs.getString("error"), rs.getLong("created_at"));
    }
}
