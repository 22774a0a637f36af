package dev.hookline.delivery;

import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
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
 * ({@link WebhookSender}), decides what the result means ({@link Rescheduler}) and records it
 * ({@link DeliveryQueue#record}). Blocking I/O on virtual threads is cheap, so thousands of slow
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
 * </ul>
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int CLAIM_BATCH = 256;
    private static final long IDLE_WAIT_MS = 1_000;

    private final DeliveryQueue queue;
    private final MessageStore messages;
    private final EndpointStore endpoints;
    private final WebhookSender sender;
    private final Clock clock;
    private final int maxInFlight;
    private final String nodeId;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong claimSequence = new AtomicLong();
    private final Semaphore wakeUp = new Semaphore(0);
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread loop;
    private volatile boolean running = true;

    public Dispatcher(DeliveryQueue queue, MessageStore messages, EndpointStore endpoints, SsrfGuard guard, Clock clock,
                      int maxInFlight, String nodeId) {
        this.queue = queue;
        this.messages = messages;
        this.endpoints = endpoints;
        this.sender = new WebhookSender(guard);
        this.clock = clock;
        this.maxInFlight = maxInFlight;
        this.nodeId = nodeId;
        this.loop = Thread.ofPlatform().name("hookline-dispatcher").unstarted(this::run);
    }

    public void start() {
        loop.start();
    }

    /** Asks the loop to look for due work now. Cheap and safe to call from any thread. */
    public void wake() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        while (running) {
            try {
                int free = maxInFlight - inFlight.get();
                if (free > 0) {
                    int want = Math.min(free, CLAIM_BATCH);
                    List<DeliveryClaim> claims = queue.claim(clock.millis(), want, nodeId + ":" + claimSequence.incrementAndGet());
                    if (!claims.isEmpty()) {
                        start(claims);
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

    private long untilNextDue() {
        Long due = queue.nextDueAt();
        if (due == null) {
            return IDLE_WAIT_MS;
        }
        // At least a little: a row that is due but was not claimable must not make the loop spin.
        return Math.clamp(due - clock.millis(), 5, IDLE_WAIT_MS);
    }

    private void pause(long millis) {
        try {
            if (wakeUp.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
                wakeUp.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void start(List<DeliveryClaim> claims) {
        Map<String, Message> byId = messages.byIds(claims.stream().map(DeliveryClaim::messageId).distinct().toList());
        Map<String, EndpointStore.Signable> targets = endpoints.signable(claims.stream().map(DeliveryClaim::endpointId).distinct().toList());
        for (DeliveryClaim claim : claims) {
            Message message = byId.get(claim.messageId());
            EndpointStore.Signable target = targets.get(claim.endpointId());
            if (message == null || target == null) {
                continue; // deleted since it was claimed; its delivery row went with it
            }
            inFlight.incrementAndGet();
            requests.execute(() -> {
                try {
                    attempt(claim, message, target);
                } finally {
                    inFlight.decrementAndGet();
                    wake();
                }
            });
        }
    }

    private void attempt(DeliveryClaim claim, Message message, EndpointStore.Signable target) {
        SignedRequest request = RequestSigner.sign(message, target.endpoint(), target.secrets(), claim.attemptNumber(), clock.millis());
        SendResult result = sender.send(request);
        long now = clock.millis();
        AttemptOutcome outcome = Rescheduler.decide(result, target.endpoint().policy().retry(), claim.attemptNumber(), now);
        try {
            if (!queue.record(claim, result, outcome, now)) {
                log.warn("delivery {} was re-claimed while attempt {} was under way; its result is dropped",
                        claim.deliveryId(), claim.attemptNumber());
            }
        } catch (RuntimeException e) {
            log.warn("could not record attempt {} of delivery {} ({}); it will be retried when its lease ends",
                    claim.attemptNumber(), claim.deliveryId(), e.toString());
        }
    }

    /**
     * Stops claiming, lets requests under way finish until {@code grace} has passed, then
     * interrupts the rest (their rows stay leased and fall due again).
     */
    public void stop(Duration grace) {
        running = false;
        wake();
        try {
            loop.join(grace.toMillis());
            requests.shutdown();
            if (!requests.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} deliveries were still under way at shutdown; they will be retried", inFlight.get());
                requests.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
