package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.Receivers;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work of one kind, of one app or for one host cannot crowd out another's: the write lanes and fair shares of the in-flight cap. */
class DeliveryFairnessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Receivers receivers = new Receivers();
    private TestServer server;

    @AfterEach
    void tearDown() {
        receivers.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void ingestFillingTheWriteQueueNeverMakesAFinishedDeliveryBeSentAgain() throws Exception {
        server = new TestServer(new ShiftableClock(), s -> s.withWriteQueueCapacity(8));
        Receiver receiver = receivers.start();
        String quiet = server.createApp("Quiet");
        server.createEndpoint(quiet, "{\"url\":\"" + receiver.url() + "\"}");
        String noisy = server.createApp("Noisy");
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        List<String> sent = new ArrayList<>();
        ExecutorService flood = Executors.newFixedThreadPool(24);
        try {
            for (int t = 0; t < 24; t++) {
                flood.execute(() -> {
                    while (flooding.get()) {
                        if (server.post("/v1/apps/" + noisy + "/messages", "{\"event\":\"noise\",\"data\":{}}").status() == 503) {
                            refused.incrementAndGet();
                        }
                    }
                });
            }
            Await.until("the write queue to refuse work", WAIT, () -> refused.get() > 0);
            for (int i = 0; i < 60; i++) {
                while (true) { // our own producer retries its 503s, as producers do
                    var r = server.post("/v1/apps/" + quiet + "/messages", "{\"event\":\"order.created\",\"id\":\"o-" + i + "\",\"data\":{}}");
                    if (r.status() == 202 || r.status() == 200) {
                        sent.add(r.text("/id"));
                        break;
                    }
                }
            }
            Await.until("every quiet message delivered", WAIT, () -> sent.stream().allMatch(m -> "delivered".equals(server.deliveryStatus(quiet, m))));
        } finally {
            flooding.set(false);
            flood.shutdown();
        }
        // Each was recorded the first time: none was sent again after its lease ran out.
        assertThat(receiver.requests().stream().map(r -> r.header("webhook-id")).collect(Collectors.toList()))
                .hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(refused.get()).isPositive();
    }

    @Test
    void anAppFanningOutToEndpointsThatNeverAnswerLeavesSlotsForAnotherApp() {
        server = new TestServer(new ShiftableClock(), s -> s.withMaxInFlight(20));
        Receiver hanging = receivers.start().holding();
        Receiver fast = receivers.start();
        String greedy = server.createApp("Greedy");
        for (int i = 0; i < 30; i++) {
            server.createEndpoint(greedy, "{\"url\":\"" + hanging.url() + "?n=" + i + "\",\"timeout_ms\":120000}");
        }
        String other = server.createApp("Other");
        server.createEndpoint(other, "{\"url\":\"" + fast.url() + "\"}");

        server.send(greedy, "order.created", "{}");
        Await.until("the greedy app to take what it may", WAIT, () -> hanging.count() >= 18);
        String msg = server.send(other, "order.created", "{}");

        // Delivered while every greedy request is still held open (120 s timeouts): not after them.
        Await.until("the other app's delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(other, msg)));
        assertThat(fast.count()).isEqualTo(1);
        assertThat(hanging.count()).isLessThan(20);
        hanging.release();
    }

    /**
     * One receiver, two paths: a slow endpoint of one app holds as many requests as it may on the
     * receiver's host, and a fast endpoint of another app on the same host is delivered to at once,
     * not when the slow requests end (shares by host alone held it back with them).
     */
    @Test
    void aSlowEndpointDoesNotHoldBackAFastOneOnTheSameHost() {
        server = new TestServer(new ShiftableClock(), s -> s.withMaxInFlight(20));
        Receiver receiver = receivers.start().holding("/hook/slow");
        String slowApp = server.createApp("Slow");
        server.createEndpoint(slowApp, "{\"url\":\"" + receiver.url() + "/slow\",\"timeout_ms\":120000}");
        String fastApp = server.createApp("Fast");
        server.createEndpoint(fastApp, "{\"url\":\"" + receiver.url() + "/fast\"}");

        for (int i = 0; i < 30; i++) {
            server.send(slowApp, "order.created", "{}");
        }
        Await.until("the slow endpoint to take what it may", WAIT, () -> receiver.requests().size() >= 18);
        String msg = server.send(fastApp, "order.created", "{}");

        Await.until("the fast endpoint's delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(fastApp, msg)));
        assertThat(receiver.requests()).filteredOn(r -> r.target().startsWith("/hook/fast")).hasSize(1);
        assertThat(receiver.requests()).as("requests the slow endpoint holds").filteredOn(r -> r.target().startsWith("/hook/slow"))
                .hasSizeLessThan(20);
        receiver.release();
    }

    /**
     * Thirty apps, one endpoint each, all on one host that never answers: each app holds a single
     * request, so app shares alone would let them take every slot. The host's share leaves room.
     */
    @Test
    void aHostThatNeverAnswersManyAppsLeavesSlotsForAnotherHost() {
        server = new TestServer(new ShiftableClock(), s -> s.withMaxInFlight(20));
        Receiver hanging = receivers.start().holding();
        Receiver fast = receivers.start();
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String app = server.createApp("Tenant " + i);
            server.createEndpoint(app, "{\"url\":\"" + hanging.url() + "?tenant=" + i + "\",\"timeout_ms\":120000}");
            apps.add(app);
        }
        String other = server.createApp("Other");
        server.createEndpoint(other, "{\"url\":\"" + fast.url() + "\"}");

        apps.forEach(app -> server.send(app, "order.created", "{}"));
        Await.until("the hanging host to take what it may", WAIT, () -> hanging.count() >= 18);
        String msg = server.send(other, "order.created", "{}");

        Await.until("the other host's delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(other, msg)));
        assertThat(fast.count()).isEqualTo(1);
        assertThat(hanging.count()).as("requests the hanging host holds").isLessThan(20);
        hanging.release();
    }
}
