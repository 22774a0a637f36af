package dev.hookline.delivery;

import dev.hookline.core.WakeUp;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop: claim → sign → send → record → schedule.
 *
 * <p>One platform thread claims due deliveries in batches ({@link DeliveryQueue#claim}) and starts
 * one virtual thread per claimed delivery; that thread signs ({@link RequestSigner}), sends
 * ({@link WebhookSender}) and records the result ({@link DeliveryQueue#record}, which asks
 * {@link DeliveryLifecycle} what it means for the delivery and the endpoint). Blocking I/O on virtual threads is cheap, so thousands of slow
 * endpoints cost memory, not threads.
 *
 * <p>Invariants:
 * <ul>
 *   <li>At most {@code maxInFlight} requests are under way; the loop claims only as many rows as
 *       it has free slots, so nothing it leased waits behind other work.</li>
 *   <li>The loop sleeps until the next row falls due, and is woken early by {@link #wake()}: the
 *       message store calls it after each commit that creates deliveries, so a new message is
 *       attempted within milliseconds rather than at the next poll.</li>
 *   <li>A failed claim (database busy or down) is retried after a pause; a failed record leaves
 *       the row leased, so it falls due again when the lease ends: at-least-once, never lost.</li>
 *   <li>Fair shares of {@code maxInFlight} ({@link FairShares}): while at most a tenth of the
 *       slots are free, a request may start only if its app and its host are each below their
 *       share (or it is one of their endpoints holding less than their average), so neither one
 *       app fanning out to a thousand endpoints that never answer, nor one host that never answers
 *       many apps, nor one slow endpoint beside a fast one on its host, can make other deliveries
 *       wait for a slot.</li>
 * </ul>
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** One line per attempt, under a name of its own so operators can route or silence it apart. */
    private static final Logger ATTEMPT_LOG = LoggerFactory.getLogger("hookline.attempt");
    private static final int CLAIM_BATCH = 256;
    private static final long IDLE_WAIT_MS = 1_000;
    /** At most this many saturated endpoints are left out of one claim by name. */
    private static final int MAX_EXCLUDED = 500;
    /** How often idle endpoints' gate states are dropped. */
    private static final long SWEEP_EVERY_MS = 10_000;

    private final DeliveryQueue queue;
    private final MessageStore messages;
    private final EndpointStore endpoints;
    private final WebhookSender sender;
    private final Clock clock;
    private final int maxInFlight;
    private final String nodeId;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final FairShares shares;
    private long sweptAt;
    /** Claims whose request is under way, with the host it went to; given back if shutdown has to cut them off. */
    private final Map<DeliveryClaim, String> underWay = new java.util.concurrent.ConcurrentHashMap<>();
    private final EndpointGate gate = new EndpointGate();
    private final AtomicLong claimSequence = new AtomicLong();
    private final WakeUp wakeUp;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    /** Ends requests that outlive their timeout (a receiver trickling bytes defeats per-read timeouts). */
    private final java.util.concurrent.ScheduledThreadPoolExecutor deadlines = deadlineTimer();
    /** A request's hard limit beyond its timeout_ms: well inside the lease, so no other node can take the row meanwhile. */
    private static final long DEADLINE_SLACK_MS = 2_000;
    private final Thread loop;
    private volatile boolean running = true;

    /** Told of each recorded attempt (for metrics): delivered, retrying or failed; the status (null: no response); the duration. */
    @FunctionalInterface
    public interface AttemptObserver {
        void attempted(String outcome, Integer statusCode, long durationMs);
    }

    private final AttemptObserver observer;

    /** {@code wakeUp} is rung by whoever commits new deliveries (the message store). */
    public Dispatcher(DeliveryQueue queue, MessageStore messages, EndpointStore endpoints, SsrfGuard guard, Clock clock,
                      int maxInFlight, String nodeId, WakeUp wakeUp, AttemptObserver observer) {
        this.observer = observer;
        this.wakeUp = wakeUp;
        this.queue = queue;
        this.messages = messages;
        this.endpoints = endpoints;
        this.sender = new WebhookSender(guard);
        this.clock = clock;
        this.maxInFlight = maxInFlight;
        this.shares = new FairShares(maxInFlight);
        this.nodeId = nodeId;
        this.loop = Thread.ofPlatform().name("hookline-dispatcher").unstarted(this::run);
    }

    /** One timer thread; a deadline cancelled when its request ends is dropped at once, not kept until it would have fired. */
    private static java.util.concurrent.ScheduledThreadPoolExecutor deadlineTimer() {
        var timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("hookline-deadlines").daemon(true).factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    public void start() {
        loop.start();
    }

    /** Asks the loop to look for due work now. Cheap and safe to call from any thread. */
    void wake() {
        wakeUp.ring();
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        while (running) {
            try {
                int free = maxInFlight - inFlight.get();
                long now = clock.millis();
                if (now - sweptAt > SWEEP_EVERY_MS) {
                    gate.sweep(now);
                    shares.sweep();
                    sweptAt = now;
                }
                if (free > 0) {
                    int want = Math.min(free, CLAIM_BATCH);
                    List<DeliveryClaim> claims = queue.claim(clock, want, nodeId + ":" + claimSequence.incrementAndGet(),
                            excluded(now, free), shares.appsOverShare(free, MAX_EXCLUDED), gate::freeSlots);
                    if (!claims.isEmpty()) {
                        launch(claims);
                    }
                    if (claims.size() == want) {
                        continue; // more may be due right now
                    }
                }
                pause(free > 0 ? untilNextDue() : IDLE_WAIT_MS);
            } catch (RuntimeException e) {
                log.warn("the dispatcher could not claim work, retrying in 1 s: {}", e.toString());
                pause(IDLE_WAIT_MS);
            }
        }
    }

    /**
     * How long to sleep after a claim that found less than it asked for. Rows that are due yet were
     * not claimed are blocked (open circuit, saturated endpoint, a FIFO queue's later messages), so
     * looking again at once would only rescan them: wait for the next row to fall due, for new work
     * (the bell), or a second.
     */
    private long untilNextDue() {
        Long due = queue.nextDueAt();
        long wait = due == null ? IDLE_WAIT_MS : due - clock.millis();
        return wait <= 0 ? IDLE_WAIT_MS : Math.min(wait, IDLE_WAIT_MS);
    }

    private void pause(long millis) {
        if (!wakeUp.await(millis)) {
            running = false;
        }
    }

    /** Starts a request for each claim its endpoint's limits admit; gives the others back. */
    private void launch(List<DeliveryClaim> claims) {
        Map<String, Message> byId;
        Map<String, EndpointStore.Signable> targets;
        long now = clock.millis();
        try {
            byId = messages.byIds(claims.stream().map(DeliveryClaim::messageId).distinct().toList());
            targets = endpoints.signable(claims.stream().map(DeliveryClaim::endpointId).distinct().toList());
        } catch (RuntimeException e) { // a read failed: give the whole batch back rather than leave it leased
            Map<DeliveryClaim, Long> all = new LinkedHashMap<>();
            claims.forEach(claim -> all.put(claim, now + IDLE_WAIT_MS));
            queue.release(all);
            throw e;
        }
        Map<DeliveryClaim, Long> giveBack = new LinkedHashMap<>();
        for (DeliveryClaim claim : claims) {
            Message message = byId.get(claim.messageId());
            EndpointStore.Signable target = targets.get(claim.endpointId());
            if (message == null || target == null) {
                continue; // deleted since it was claimed; its delivery row went with it
            }
            if (!running) {
                giveBack.put(claim, now);
                continue;
            }
            if (message.payload() == null) { // erased while this row was pending (a resend raced a delete)
                SendResult erased = new SendResult(null, null, 0, "the message content was deleted");
                attempted(claim, erased, queue.record(claim, target.endpoint(), RetryPolicy.NONE, erased, now, 0));
                continue;
            }
            String host = FairShares.hostOf(target.endpoint().url());
            if (!shares.mayStart(claim.appId(), host, claim.endpointId(), maxInFlight - inFlight.get())) {
                shares.heldBack(host, claim.endpointId());
                giveBack.put(claim, now);
                continue;
            }
            switch (gate.admit(target.endpoint(), now)) {
                case EndpointGate.Admission.Saturated s -> giveBack.put(claim, now);
                case EndpointGate.Admission.Throttled t -> giveBack.put(claim, t.atMillis());
                case EndpointGate.Admission.Go go -> {
                    inFlight.incrementAndGet();
                    shares.started(claim.appId(), host, claim.endpointId());
                    underWay.put(claim, host);
                    try {
                        requests.execute(() -> {
                            try {
                                attempt(claim, message, target);
                            } finally {
                                finished(claim);
                            }
                        });
                    } catch (java.util.concurrent.RejectedExecutionException stopping) {
                        finished(claim);
                        giveBack.put(claim, now);
                    }
                }
            }
        }
        // Rows this node leased but will not attempt now go back at once, attempts unspent.
        queue.release(giveBack);
    }

    private void finished(DeliveryClaim claim) {
        String host = underWay.remove(claim);
        gate.release(claim.endpointId());
        if (host != null) {
            shares.finished(claim.appId(), host, claim.endpointId());
        }
        inFlight.decrementAndGet();
        wake();
    }

    /** Endpoints the next claim leaves out: those at their own limits, and those holding the slots of hosts and apps over their share. */
    private List<String> excluded(long now, int free) {
        List<String> closed = gate.closed(now, MAX_EXCLUDED);
        List<String> overShare = shares.endpointsOverShare(free, MAX_EXCLUDED - closed.size());
        if (overShare.isEmpty()) {
            return closed;
        }
        java.util.Set<String> out = new java.util.LinkedHashSet<>(closed);
        out.addAll(overShare);
        return List.copyOf(out);
    }

    private void attempt(DeliveryClaim claim, Message message, EndpointStore.Signable target) {
        SignedRequest request = RequestSigner.sign(message, target.endpoint(), target.secrets(), claim.attemptNumber(), clock.millis());
        Thread self = Thread.currentThread();
        // Interrupting a virtual thread blocked on a socket closes the socket: the request ends, as a timeout.
        var deadline = deadlines.schedule(self::interrupt, request.timeoutMs() + DEADLINE_SLACK_MS, TimeUnit.MILLISECONDS);
        SendResult result;
        try {
            result = sender.send(request);
        } finally {
            deadline.cancel(false);
        }
        boolean cutOff = Thread.interrupted(); // clear it: recording below must not be interrupted
        if (cutOff && !running) {
            return; // shutdown cut this request off; its row is given back, no attempt spent
        }
        if (cutOff && result.statusCode() == null) {
            result = new SendResult(null, null, result.durationMs(), "timed out after " + request.timeoutMs() + " ms");
        }
        long now = clock.millis();
        try {
            var recorded = queue.record(claim, target.endpoint(), target.endpoint().policy().retry(), result, now,
                    java.util.concurrent.ThreadLocalRandom.current().nextDouble(-1, 1));
            attempted(claim, result, recorded);
            if (recorded.isEmpty()) {
                log.warn("delivery {} was re-claimed while attempt {} was under way; its result is dropped",
                        claim.deliveryId(), claim.attemptNumber());
            }
        } catch (RuntimeException e) {
            log.warn("could not record attempt {} of delivery {} ({}); it will be retried when its lease ends",
                    claim.attemptNumber(), claim.deliveryId(), e.toString());
        }
    }

    /**
     * Counts the attempt, once recorded, and writes its one log line: ids, attempt number, status or error, duration and
     * what follows. Never the payload, the response body, the URL or a header (they may hold secrets).
     */
    private void attempted(DeliveryClaim claim, SendResult result, java.util.Optional<DeliveryLifecycle.Transition> recorded) {
        if (recorded.isEmpty()) {
            return;
        }
        DeliveryLifecycle.Transition next = recorded.get();
        String outcome = next.delivered() ? "delivered" : next.nextAttemptAt() != null ? "retrying" : "failed";
        observer.attempted(outcome, result.statusCode(), result.durationMs());
        var line = next.delivered() ? ATTEMPT_LOG.atInfo() : ATTEMPT_LOG.atWarn();
        line = line.setMessage("delivery attempt").addKeyValue("event", "attempt")
                .addKeyValue("app_id", claim.appId()).addKeyValue("message_id", claim.messageId())
                .addKeyValue("endpoint_id", claim.endpointId()).addKeyValue("attempt", claim.attemptNumber())
                .addKeyValue("outcome", outcome).addKeyValue("status", result.statusCode())
                .addKeyValue("duration_ms", result.durationMs());
        if (result.error() != null) {
            line = line.addKeyValue("error", result.error());
        }
        if (next.nextAttemptAt() != null) {
            line = line.addKeyValue("next_attempt_at", dev.hookline.core.Times.format(next.nextAttemptAt()));
        }
        line.log();
    }

    /**
     * Stops claiming, lets requests under way finish until {@code grace} has passed, then
     * interrupts the rest (their rows stay leased and fall due again).
     */
    public void stop(Duration grace) {
        running = false;
        wake();
        try {
            loop.join(Math.max(1, grace.toMillis())); // join(0) would wait forever
            requests.shutdown();
            if (!requests.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} deliveries were still under way at shutdown; they are given back to be retried", inFlight.get());
                requests.shutdownNow();
                // Their rows are due again at once (for another node, or this one's next start). A
                // request cut off now may still have reached its receiver: at-least-once, as ever.
                // The lease token makes this a no-op for any attempt that did get recorded.
                Map<DeliveryClaim, Long> cutOff = new LinkedHashMap<>();
                underWay.keySet().forEach(claim -> cutOff.put(claim, clock.millis()));
                queue.release(cutOff);
            }
            deadlines.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sender.close(); // its idle connections, and the thread that sweeps them
        }
    }

}
