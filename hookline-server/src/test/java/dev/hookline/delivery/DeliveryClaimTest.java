package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.core.Fields;
import dev.hookline.core.SecretCipher;
import dev.hookline.core.WakeUp;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointPolicy;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventSchemas;
import dev.hookline.outbound.Fanout;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.outbound.RetryPolicy;
import dev.hookline.store.Database;
import dev.hookline.store.Dialect;
import dev.hookline.store.Sql;
import dev.hookline.testing.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The claim against a real database: it serves ready endpoints first, never reads the rows of an
 * endpoint that cannot be sent to (open circuit, disabled, FIFO head in flight, saturated), keeps
 * FIFO order, and shares itself fairly between a huge backlog and a tiny one. And what it leaves
 * out: rows not yet due, rows another node holds a live lease on, more rows of an endpoint than its
 * free slots, apps at their share; a record from a lease taken back is refused.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class DeliveryClaimTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    private final Backend backend;
    private final Database db;
    private final DeliveryQueue queue;
    private int lease;

    DeliveryClaimTest(Backend backend) throws Exception {
        this.backend = backend;
        String url = backend.newDatabaseUrl();
        db = url == null ? Database.openSqlite(Files.createTempDirectory("hookline-claim")) : Database.openPostgres(url, 1_000);
        queue = new DeliveryQueue(db, new EndpointHealth(EndpointHealth.DEFAULT_DISABLE_AFTER), null);
        db.write(c -> Sql.update(c, "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('app_a', 'A', 0, 0), ('app_b', 'B', 0, 0)"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** An endpoint of {@code app} with {@code pending} deliveries, due one millisecond apart from {@code firstDue}. */
    private void endpoint(String id, String app, boolean fifo, int pending, long firstDue) {
        db.write(c -> {
            Sql.update(c, "INSERT INTO endpoints (id, app_id, url, enabled, timeout_ms, fifo, policy, secret, created_at, updated_at)"
                    + " VALUES (?, ?, 'https://example.com', 1, 5000, ?, '{}', 'x', 0, 0)", id, app, fifo);
            for (int i = 0; i < pending; i++) {
                String msg = String.format("msg_%s_%06d", id, i);
                Sql.update(c, "INSERT INTO messages (id, app_id, event, payload, created_at) VALUES (?, ?, 'e', ?, ?)",
                        msg, app, new byte[] {'{', '}'}, firstDue + i);
                Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)", "dlv_" + msg, msg, id, app, firstDue + i, firstDue + i, firstDue + i);
            }
            DeliveryQueue.refreshHead(c, id, 0);
            return null;
        });
    }

    private List<DeliveryClaim> claim(int limit, Set<String> excluded) {
        return queue.claim(CLOCK, limit, "lease-" + (++lease), excluded, Set.of(), id -> Integer.MAX_VALUE);
    }

    private Long head(String endpoint) {
        return db.read(c -> Sql.one(c, "SELECT next_due_at FROM endpoint_heads WHERE endpoint_id = ?", rs -> Sql.nullableLong(rs, "next_due_at"), endpoint))
                .orElse(null);
    }

    @Test
    void blockedEndpointsHaveNoHeadSoTheClaimNeverReadsTheirBacklog() {
        endpoint("ep_dead", "app_a", false, 3_000, NOW - 3_600_000);
        endpoint("ep_off", "app_a", false, 500, NOW - 3_600_000);
        endpoint("ep_fifo", "app_a", true, 500, NOW - 3_600_000);
        endpoint("ep_ok", "app_b", false, 1, NOW - 1);
        db.write(c -> Sql.update(c, "UPDATE endpoints SET consecutive_failures = 5, circuit_open_until = ? WHERE id = 'ep_dead'", NOW + 30_000));
        db.write(c -> Sql.update(c, "UPDATE endpoints SET enabled = 0 WHERE id = 'ep_off'"));
        // the FIFO endpoint's oldest delivery is in flight: nothing behind it may go
        db.write(c -> Sql.update(c, "UPDATE deliveries SET lease_owner = 'elsewhere', leased_until = ? WHERE id = 'dlv_msg_ep_fifo_000000'",
                NOW + 60_000));
        DeliveryQueue.refreshAllHeads(db);

        // The refresh put the FIFO head early (safe): this claim finds nothing there and sets it right.
        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::endpointId).containsExactly("ep_ok");

        assertThat(head("ep_dead")).isEqualTo(NOW + 30_000);
        assertThat(head("ep_off")).isNull();
        assertThat(head("ep_fifo")).isNull();
        assertThat(head("ep_ok")).isNull(); // claimed just now, its one delivery is in flight

        // Only the endpoints whose head is due are read at all.
        assertThat(readyEndpointsExamined()).isZero();
        endpoint("ep_new", "app_b", false, 1, NOW);
        assertThat(readyEndpointsExamined()).isEqualTo(1);
        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::endpointId).containsExactly("ep_new");
        assertThat(leased("ep_dead") + leased("ep_off")).isZero();
    }

    @Test
    void anEndpointLeftOutAsSaturatedKeepsItsRowsAndTheOthersAreServed() {
        endpoint("ep_busy", "app_a", false, 2_000, NOW - 60_000);
        endpoint("ep_ok", "app_b", false, 3, NOW - 10);

        List<DeliveryClaim> claimed = claim(5, Set.of("ep_busy"));

        assertThat(claimed).extracting(DeliveryClaim::endpointId).containsOnly("ep_ok").hasSize(3);
        assertThat(leased("ep_busy")).isZero();
    }

    @Test
    void aHugeBacklogAndATinyOneShareEveryClaim() {
        endpoint("ep_huge", "app_a", false, 5_000, NOW - 600_000);
        endpoint("ep_tiny", "app_b", false, 1, NOW - 1);

        // the huge backlog is older, yet the tiny endpoint's one delivery goes in the very first claim
        assertThat(claim(2, Set.of())).extracting(DeliveryClaim::endpointId).containsExactlyInAnyOrder("ep_huge", "ep_tiny");
        // and an endpoint served once goes behind those still waiting
        endpoint("ep_late", "app_b", false, 1, NOW - 2);
        assertThat(claim(1, Set.of())).extracting(DeliveryClaim::endpointId).containsExactly("ep_late");
    }

    /** Queues a new message for {@code endpoint} (non-FIFO) as ingest does, created at {@code at}; answers the delivery's id. */
    private String queueMessage(String endpoint, String msg, long at) {
        Endpoint ep = new Endpoint(endpoint, "app_a", null, "https://example.com", true,
                EndpointPolicy.fromJson(Fields.of(JsonNodeFactory.instance.objectNode())), null, Endpoint.Health.NEW, 0, 0);
        return db.write(c -> {
            Sql.update(c, "INSERT INTO messages (id, app_id, event, payload, created_at) VALUES (?, 'app_a', 'e', ?, ?)", msg, new byte[] {'{', '}'}, at);
            DeliveryQueue.enqueue(c, new Message(msg, "app_a", msg, "e", null, new byte[] {'{', '}'}, at), ep);
            return Sql.one(c, "SELECT id FROM deliveries WHERE message_id = ?", rs -> rs.getString("id"), msg).orElseThrow();
        });
    }

    private String headNames(String endpoint) {
        return db.read(c -> Sql.one(c, "SELECT delivery_id FROM endpoint_heads WHERE endpoint_id = ?", rs -> rs.getString("delivery_id"), endpoint))
                .orElse(null);
    }

    @Test
    void aDeliveryToAnEndpointWithNothingElseToClaimIsNamedByItsHeadAndLeasedFromIt() {
        endpoint("ep_a", "app_a", false, 0, NOW);
        String first = queueMessage("ep_a", "msg_1", NOW - 2);
        assertThat(headNames("ep_a")).isEqualTo(first);

        // a second one makes two claimable: the head names neither, and the claim reads the rows
        String second = queueMessage("ep_a", "msg_2", NOW - 1);
        assertThat(headNames("ep_a")).isNull();
        assertThat(head("ep_a")).isEqualTo(NOW - 2);
        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::deliveryId).containsExactly(first, second);
        assertThat(head("ep_a")).isNull();

        // empty again: the next one is named, and leased straight from the head, its rows unread (a
        // row written behind the head's back, due earlier, is not seen)
        String third = queueMessage("ep_a", "msg_3", NOW);
        assertThat(headNames("ep_a")).isEqualTo(third);
        db.write(c -> {
            Sql.update(c, "INSERT INTO messages (id, app_id, event, payload, created_at) VALUES ('msg_unseen', 'app_a', 'e', ?, ?)",
                    new byte[] {'{', '}'}, NOW - 5);
            return Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at,"
                    + " updated_at) VALUES ('dlv_unseen', 'msg_unseen', 'ep_a', 'app_a', 'pending', 0, ?, ?, ?)", NOW - 5, NOW - 5, NOW - 5);
        });
        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::deliveryId).containsExactly(third);
        assertThat(head("ep_a")).isNull();
        assertThat(leased("ep_a")).isEqualTo(3);
    }

    @Test
    void aHeadNamingADeliveryAnotherNodeLeasedMeanwhileLeasesNothing() {
        endpoint("ep_a", "app_a", false, 0, NOW);
        String named = queueMessage("ep_a", "msg_1", NOW - 1);
        // as seen by a claim whose snapshot predates the other node's lease (PostgreSQL, several nodes)
        db.write(c -> Sql.update(c, "UPDATE deliveries SET lease_owner = 'elsewhere', leased_until = ? WHERE id = ?", NOW + 60_000, named));
        assertThat(headNames("ep_a")).isEqualTo(named);

        assertThat(claim(10, Set.of())).isEmpty();
        String owner = db.read(c -> Sql.one(c, "SELECT lease_owner FROM deliveries WHERE id = ?", rs -> rs.getString("lease_owner"), named))
                .orElseThrow();
        assertThat(owner).isEqualTo("elsewhere");
        assertThat(head("ep_a")).isNull(); // read again from the rows: nothing left to claim
    }

    @Test
    void aHeadNamingADeliveryRescheduledMeanwhileLeasesNothingAndWaitsForItsNewTime() {
        endpoint("ep_a", "app_a", false, 0, NOW);
        String named = queueMessage("ep_a", "msg_1", NOW - 1);
        // another node claimed it, was answered 500 and set its retry a minute on (the head, as this claim read it, is older)
        db.write(c -> Sql.update(c, "UPDATE deliveries SET attempts = 1, next_attempt_at = ? WHERE id = ?", NOW + 60_000, named));

        assertThat(claim(10, Set.of())).isEmpty();
        assertThat(head("ep_a")).isEqualTo(NOW + 60_000);
        assertThat(headNames("ep_a")).isNull();
        assertThat(claimAt(NOW + 60_000, 10)).extracting(DeliveryClaim::deliveryId).containsExactly(named);
    }

    @Test
    void aFifoEndpointGivesOnlyItsOldestPendingDeliveryAndTheNextAfterItIsRecorded() {
        endpoint("ep_fifo", "app_a", true, 5, NOW - 10_000);

        List<DeliveryClaim> first = claim(10, Set.of());
        assertThat(first).extracting(DeliveryClaim::messageId).containsExactly("msg_ep_fifo_000000");
        assertThat(claim(10, Set.of())).isEmpty();

        queue.release(Map.of(first.get(0), NOW - 10_000)); // back unattempted: still the head
        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::messageId).containsExactly("msg_ep_fifo_000000");
    }

    @Test
    void anExpiredLeaseIsTakenBackAndItsDeliveryClaimedAgain() {
        endpoint("ep_a", "app_a", false, 1, NOW - 1_000);
        db.write(c -> Sql.update(c, "UPDATE deliveries SET lease_owner = 'a-dead-node', leased_until = ?", NOW - 1));
        db.write(c -> Sql.update(c, "DELETE FROM endpoint_heads"));

        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::deliveryId).containsExactly("dlv_msg_ep_a_000000");
    }

    private List<DeliveryClaim> claimAt(long at, int limit) {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(at), ZoneOffset.UTC);
        return queue.claim(clock, limit, "lease-" + (++lease), Set.of(), Set.of(), id -> Integer.MAX_VALUE);
    }

    /** Records one attempt of {@code claim} as answered with {@code status}, retried after a minute while the policy allows. */
    private boolean answer(DeliveryClaim claim, int status, long at) {
        Endpoint endpoint = new Endpoint(claim.endpointId(), claim.appId(), null, "https://example.com", true,
                EndpointPolicy.fromJson(Fields.of(JsonNodeFactory.instance.objectNode())), null, Endpoint.Health.NEW, 0, 0);
        return queue.record(claim, endpoint, new RetryPolicy.Schedule(List.of(60L, 60L)), new SendResult(status, "", 5, null), at, 0).isPresent();
    }

    @Test
    void aDeliveryNotYetDueIsLeftAndTheHeadWaitsForIt() {
        endpoint("ep_a", "app_a", false, 1, NOW - 1);
        db.write(c -> {
            Sql.update(c, "INSERT INTO messages (id, app_id, event, payload, created_at) VALUES ('msg_later', 'app_a', 'e', ?, ?)",
                    new byte[] {'{', '}'}, NOW);
            Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, next_attempt_at, created_at,"
                    + " updated_at) VALUES ('dlv_later', 'msg_later', 'ep_a', 'app_a', 'pending', 1, ?, ?, ?)", NOW + 10_000, NOW, NOW);
            return null;
        });

        assertThat(claim(10, Set.of())).extracting(DeliveryClaim::messageId).containsExactly("msg_ep_a_000000");
        assertThat(head("ep_a")).isEqualTo(NOW + 10_000);
        assertThat(claimAt(NOW + 9_999, 10)).isEmpty();
        assertThat(claimAt(NOW + 10_000, 10)).extracting(DeliveryClaim::deliveryId).containsExactly("dlv_later");
    }

    @Test
    void aLeaseAnotherNodeHoldsIsLeftAloneUntilItRunsOut() {
        endpoint("ep_a", "app_a", false, 1, NOW - 1_000);
        db.write(c -> Sql.update(c, "UPDATE deliveries SET lease_owner = 'other-node:1', leased_until = ?", NOW + 5_000));

        assertThat(claimAt(NOW + 4_999, 10)).isEmpty();
        assertThat(claimAt(NOW + 5_000, 10)).extracting(DeliveryClaim::deliveryId).containsExactly("dlv_msg_ep_a_000000");
    }

    @Test
    void aFifoEndpointsFailedOldestHoldsBackEveryLaterMessageUntilItsRetryGoesThrough() {
        endpoint("ep_fifo", "app_a", true, 3, NOW - 10_000);

        DeliveryClaim oldest = claim(10, Set.of()).getFirst();
        assertThat(answer(oldest, 500, NOW)).isTrue();

        // The later messages are due, but the oldest waits a minute for its retry: so do they.
        assertThat(head("ep_fifo")).isEqualTo(NOW + 60_000);
        assertThat(claimAt(NOW + 59_999, 10)).isEmpty();
        DeliveryClaim retry = claimAt(NOW + 60_000, 10).getFirst();
        assertThat(retry.messageId()).isEqualTo("msg_ep_fifo_000000");
        assertThat(retry.attemptNumber()).isEqualTo(2);
        assertThat(claimAt(NOW + 60_000, 10)).isEmpty();

        assertThat(answer(retry, 200, NOW + 60_000)).isTrue();
        assertThat(claimAt(NOW + 60_000, 10)).extracting(DeliveryClaim::messageId).containsExactly("msg_ep_fifo_000001");
    }

    @Test
    void anEndpointGivesNoMoreRowsThanItsFreeSlots() {
        endpoint("ep_capped", "app_a", false, 10, NOW - 10_000);

        List<DeliveryClaim> claimed = queue.claim(CLOCK, 10, "lease-x", Set.of(), Set.of(), id -> 3);

        assertThat(claimed).extracting(DeliveryClaim::messageId)
                .containsExactly("msg_ep_capped_000000", "msg_ep_capped_000001", "msg_ep_capped_000002");
        assertThat(leased("ep_capped")).isEqualTo(3);
    }

    @Test
    void anAppAtItsShareIsLeftOutWithAllItsEndpoints() {
        endpoint("ep_a1", "app_a", false, 2, NOW - 10_000);
        endpoint("ep_a2", "app_a", false, 2, NOW - 10_000);
        endpoint("ep_b", "app_b", false, 2, NOW - 1);

        List<DeliveryClaim> claimed = queue.claim(CLOCK, 10, "lease-x", Set.of(), Set.of("app_a"), id -> Integer.MAX_VALUE);

        assertThat(claimed).extracting(DeliveryClaim::endpointId).containsOnly("ep_b").hasSize(2);
        assertThat(leased("ep_a1") + leased("ep_a2")).isZero();
    }

    @Test
    void theFailureThatOpensTheCircuitMovesTheHeadToTheEndOfTheCoolDown() {
        endpoint("ep_flaky", "app_a", false, 3, NOW - 10_000);
        db.write(c -> Sql.update(c, "UPDATE endpoints SET consecutive_failures = ? WHERE id = 'ep_flaky'",
                EndpointHealth.OPEN_AFTER_FAILURES - 1));

        answer(claim(1, Set.of()).getFirst(), 500, NOW);

        assertThat(head("ep_flaky")).isEqualTo(NOW + 30_000); // its other rows were due long ago: the circuit holds them
        assertThat(claimAt(NOW + 29_999, 10)).isEmpty();
        assertThat(claimAt(NOW + 30_000, 10)).extracting(DeliveryClaim::messageId)
                .containsExactly("msg_ep_flaky_000001", "msg_ep_flaky_000002");
    }

    @Test
    void aRecordFromALeaseThatWasTakenBackIsRefusedAndTheNewHolderRecords() {
        endpoint("ep_a", "app_a", false, 1, NOW - 1_000);
        DeliveryClaim first = claim(10, Set.of()).getFirst();
        long expired = NOW + DeliveryQueue.LEASE_MARGIN_MS + 5_000; // the lease: margin + the endpoint's timeout_ms
        DeliveryClaim second = claimAt(expired, 10).getFirst();
        assertThat(second.deliveryId()).isEqualTo(first.deliveryId());

        assertThat(answer(first, 200, expired)).isFalse();
        assertThat(answer(second, 200, expired)).isTrue();
        assertThat(db.read(c -> Sql.one(c, "SELECT COUNT(*) AS n FROM attempts", rs -> rs.getInt("n"))).orElseThrow()).isEqualTo(1);
    }

    /**
     * The heads' invariant under any mix of what happens to deliveries. After every step of a random
     * run (new messages, claims with few free slots, answers that succeed or fail, releases,
     * resends, recoveries, time passing so leases run out, circuits open and close, endpoints are
     * disabled after failing too long), every enabled endpoint with a claimable delivery has a head,
     * and the head is no later than that delivery's due time or now, whichever is later (or the end
     * of an open circuit's cool-down): a due row always has a due head. And at the end, answering every claim
     * with success drains every enabled endpoint: no delivery is stranded without a head.
     */
    @Test
    void aHeadIsNeverLaterThanTheFirstClaimableDeliveryWhateverHappens() {
        for (long seed = 1; seed <= 3; seed++) { // each run its own endpoints; the ones before are drained
            new RandomRun(seed).run(400);
        }
    }

    /** One run of {@link #aHeadIsNeverLaterThanTheFirstClaimableDeliveryWhateverHappens}. */
    private final class RandomRun {
        private final Random random;
        private final long seed;
        private final DeliveryQueue queue;
        private final Map<String, Endpoint> endpoints = new HashMap<>();
        private final List<String[]> sent = new ArrayList<>(); // message id, endpoint id
        private final List<DeliveryClaim> outstanding = new ArrayList<>();
        private final List<String> steps = new ArrayList<>();
        private long now = NOW;
        private int messages;

        RandomRun(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            MessageStore store = new MessageStore(db, CLOCK, new Fanout(new EndpointStore(db, CLOCK, new SecretCipher(new byte[32]),
                    (field, url) -> {}, false)), new EventSchemas(), new WakeUp(), DeliveryQueue::enqueue, n -> {});
            // disabled after 20 minutes of failures, so a run sees endpoints disabled as well as circuits opening
            this.queue = new DeliveryQueue(db, new EndpointHealth(Duration.ofMinutes(20)), new OperationalEvents(store, CLOCK));
            for (int i = 0; i < 6; i++) {
                boolean fifo = i % 3 == 0;
                String id = "ep_" + seed + "_" + i;
                endpoint(id, i % 2 == 0 ? "app_a" : "app_b", fifo, 0, NOW);
                var policy = JsonNodeFactory.instance.objectNode().put("fifo", fifo);
                endpoints.put(id, new Endpoint(id, i % 2 == 0 ? "app_a" : "app_b", null, "https://example.com", true,
                        EndpointPolicy.fromJson(Fields.of(policy)), null, Endpoint.Health.NEW, 0, 0));
            }
        }

        void run(int count) {
            List<String> ids = endpoints.keySet().stream().sorted().toList();
            for (int i = 0; i < count; i++) {
                int dice = random.nextInt(100);
                if (dice < 25) {
                    String msg = String.format("msg_%d_%05d", seed, ++messages);
                    List<String> to = ids.stream().filter(id -> random.nextInt(3) == 0).toList();
                    step("message " + msg + " to " + to);
                    db.write(c -> {
                        Sql.update(c, "INSERT INTO messages (id, app_id, event, payload, created_at) VALUES (?, 'app_a', 'e', ?, ?)",
                                msg, new byte[] {'{', '}'}, now);
                        for (String ep : to) {
                            DeliveryQueue.enqueue(c, new Message(msg, "app_a", msg, "e", null, new byte[] {'{', '}'}, now), endpoints.get(ep));
                            sent.add(new String[] {msg, ep});
                        }
                        return null;
                    });
                } else if (dice < 45) {
                    int limit = 1 + random.nextInt(5);
                    Map<String, Integer> slots = new HashMap<>();
                    ids.forEach(id -> slots.put(id, random.nextInt(4)));
                    List<DeliveryClaim> claimed = queue.claim(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), limit,
                            "lease-" + (++lease), Set.of(), Set.of(), slots::get);
                    step("claim " + limit + " " + slots + " -> " + claimed.stream().map(DeliveryClaim::deliveryId).toList());
                    outstanding.addAll(claimed);
                } else if (dice < 70 && !outstanding.isEmpty()) {
                    DeliveryClaim claim = outstanding.remove(random.nextInt(outstanding.size()));
                    int status = random.nextInt(10) < 5 ? 200 : 500;
                    step("answer " + claim.deliveryId() + " with " + status);
                    queue.record(claim, endpoints.get(claim.endpointId()), new RetryPolicy.Schedule(List.of(1L, 2L)),
                            new SendResult(status, "", 5, null), now, 0);
                } else if (dice < 75 && !outstanding.isEmpty()) {
                    DeliveryClaim claim = outstanding.remove(random.nextInt(outstanding.size()));
                    long due = now + random.nextInt(5_000);
                    step("release " + claim.deliveryId() + " due at +" + (due - now));
                    queue.release(Map.of(claim, due));
                } else if (dice < 80 && !sent.isEmpty()) {
                    String[] pair = sent.get(random.nextInt(sent.size()));
                    step("resend " + pair[0] + " to " + pair[1]);
                    queue.resend(endpoints.get(pair[1]).appId(), pair[0], pair[1], now);
                } else if (dice < 85) {
                    String ep = ids.get(random.nextInt(ids.size()));
                    step("recover " + ep);
                    queue.recover(endpoints.get(ep).appId(), ep, 0, now);
                } else {
                    long by = random.nextInt(40_000);
                    step("time +" + by);
                    now += by;
                }
                checkHeads();
            }
            drain();
        }

        private void step(String what) {
            steps.add(what);
        }

        /** Every enabled endpoint's first claimable delivery has a head no later than its due time or now (or its circuit's reopening). */
        private void checkHeads() {
            List<String> late = db.read(c -> Sql.list(c, "SELECT e.id, e.fifo, e.circuit_open_until, h.next_due_at,"
                    + " (SELECT MIN(d.next_attempt_at) FROM deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending'"
                    + "   AND d.lease_owner IS NULL) AS first_free,"
                    + " (SELECT CASE WHEN d.lease_owner IS NULL THEN d.next_attempt_at END FROM deliveries d"
                    + "   WHERE d.endpoint_id = e.id AND d.status = 'pending' ORDER BY d.message_id LIMIT 1) AS fifo_first"
                    + " FROM endpoints e LEFT JOIN endpoint_heads h ON h.endpoint_id = e.id WHERE e.enabled = 1", rs -> {
                        Long first = Sql.nullableLong(rs, rs.getInt("fifo") == 1 ? "fifo_first" : "first_free");
                        Long head = Sql.nullableLong(rs, "next_due_at");
                        Long circuit = Sql.nullableLong(rs, "circuit_open_until");
                        if (first == null) {
                            return null;
                        }
                        // a claim that served the endpoint and left due rows moved its head to that claim's now
                        long bound = Math.max(Math.max(first, now), circuit == null ? first : circuit);
                        return head != null && head <= bound ? null
                                : rs.getString("id") + ": head " + head + ", first claimable " + first + ", circuit " + circuit;
                    })).stream().filter(java.util.Objects::nonNull).toList();
            assertThat(late).as("seed %d, after: %s", seed, lastSteps()).isEmpty();
            // A head that names a delivery names the endpoint's only claimable one.
            List<String> wrong = db.read(c -> Sql.list(c, "SELECT h.endpoint_id, h.delivery_id, e.fifo,"
                    + " (SELECT COUNT(*) FROM deliveries d WHERE d.endpoint_id = h.endpoint_id AND d.status = 'pending'"
                    + "   AND d.lease_owner IS NULL) AS claimable,"
                    + " (SELECT COUNT(*) FROM deliveries d WHERE d.id = h.delivery_id AND d.status = 'pending'"
                    + "   AND d.lease_owner IS NULL) AS named"
                    + " FROM endpoint_heads h JOIN endpoints e ON e.id = h.endpoint_id WHERE h.delivery_id IS NOT NULL",
                    rs -> rs.getInt("fifo") == 0 && rs.getInt("claimable") == 1 && rs.getInt("named") == 1 ? null
                            : rs.getString("endpoint_id") + " names " + rs.getString("delivery_id") + " of " + rs.getInt("claimable")
                            + " claimable (fifo " + rs.getInt("fifo") + ")"))
                    .stream().filter(java.util.Objects::nonNull).toList();
            assertThat(wrong).as("seed %d, after: %s", seed, lastSteps()).isEmpty();
        }

        private String lastSteps() {
            return String.join("; ", steps.subList(Math.max(0, steps.size() - 8), steps.size()));
        }

        /** Time passes and every claim succeeds until nothing is pending on an enabled endpoint. */
        private void drain() {
            outstanding.clear(); // their leases run out and are taken back
            for (int round = 0; round < 100 && pendingOnEnabled() > 0; round++) {
                now += 11 * 60_000; // past any lease, retry and cool-down
                for (DeliveryClaim claim : queue.claim(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), 1_000,
                        "lease-" + (++lease), Set.of(), Set.of(), id -> Integer.MAX_VALUE)) {
                    queue.record(claim, endpoints.get(claim.endpointId()), RetryPolicy.NONE, new SendResult(200, "", 5, null), now, 0);
                }
                checkHeads();
            }
            assertThat(pendingOnEnabled()).as("seed %d: deliveries left pending on enabled endpoints", seed).isZero();
        }

        private int pendingOnEnabled() {
            return db.read(c -> Sql.one(c, "SELECT COUNT(*) AS n FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id"
                    + " WHERE e.enabled = 1 AND d.status = 'pending'", rs -> rs.getInt("n"))).orElseThrow();
        }
    }

    private int leased(String endpoint) {
        return db.read(c -> Sql.one(c, "SELECT COUNT(*) AS n FROM deliveries WHERE endpoint_id = ? AND lease_owner IS NOT NULL",
                rs -> rs.getInt("n"), endpoint)).orElseThrow();
    }

    /**
     * How many endpoints the claim's first query finds ready, from the database's own account (the
     * actual rows of PostgreSQL's EXPLAIN ANALYZE; on SQLite, whose plan must search the head
     * index rather than scan, the query's rows). Only those endpoints' deliveries are read next.
     */
    private int readyEndpointsExamined() {
        // the claim's own query, its parameters written in (EXPLAIN takes none on PostgreSQL)
        String ready = DeliveryQueue.readySql(db, 0, 0).replaceFirst("\\?", "" + NOW).replaceFirst("\\?", "" + NOW)
                .replaceFirst("\\?", "256");
        if (db.dialect() == Dialect.POSTGRESQL) {
            String plan = db.read(c -> String.join("\n", Sql.list(c, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + ready,
                    rs -> rs.getString(1))));
            // A few endpoint rows may be scanned (the planner's choice on a small table); a delivery row
            // only by its key, the one a head names.
            assertThat(plan.lines().filter(line -> !line.contains("deliveries_pkey")).toList()).noneMatch(line -> line.contains("deliveries"));
            var top = java.util.regex.Pattern.compile("actual rows=(\\d+)").matcher(plan);
            assertThat(top.find()).isTrue();
            return Integer.parseInt(top.group(1));
        }
        String plan = db.read(c -> String.join("\n", Sql.list(c, "EXPLAIN QUERY PLAN " + ready, rs -> rs.getString("detail"))));
        assertThat(plan).contains("USING INDEX endpoint_heads_by_due").doesNotContain("SCAN e").doesNotContain("SCAN h");
        return db.read(c -> Sql.list(c, ready, rs -> rs.getString(1))).size();
    }
}
