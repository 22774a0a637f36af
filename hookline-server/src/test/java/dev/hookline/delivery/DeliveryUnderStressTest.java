package dev.hookline.delivery;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.hookline.core.Times;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.Receivers;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What receivers do under stress, and what Hookline does about it: signals, limits, breakers, order. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class DeliveryUnderStressTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShiftableClock clock = new ShiftableClock();
    private final Receivers receivers = new Receivers();
    private final Backend backend;
    private TestServer server;

    DeliveryUnderStressTest(Backend backend) {
        this.backend = backend;
        this.server = new TestServer(backend, clock);
    }

    @AfterEach
    void tearDown() {
        receivers.close(); // first, so requests still under way end at once
        server.close();
    }

    private String endpoint(String app, Receiver r, String extra) {
        return server.createEndpoint(app, "{\"url\":\"" + r.url() + "\"" + extra + "}").text("/id");
    }

    private JsonNode endpointView(String app, String ep) {
        return server.get("/v1/apps/" + app + "/endpoints/" + ep).body();
    }

    /** Registers an operational endpoint and returns its signing secret. */
    private String registerOperational(Receiver r) {
        var created = server.post("/v1/operational-webhooks/endpoints", "{\"url\":\"" + r.url() + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.text("/secret");
    }

    private static List<String> events(Receiver r) {
        List<String> out = new ArrayList<>();
        for (Receiver.Request req : r.requests()) {
            try {
                out.add(JSON.readTree(req.body()).get("event").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @Test
    void aRetryAfterOn503IsHonoured() {
        Receiver busy = receivers.start().answering(503).withResponseHeader("Retry-After", "5");
        String app = server.createApp("Acme");
        endpoint(app, busy, ",\"retry\":{\"schedule\":[1]}");
        String msg = server.send(app, "order.created", "{}");

        JsonNode delivery = Await.value("the retry to be scheduled", WAIT,
                () -> server.get("/v1/apps/" + app + "/messages/" + msg).json("/deliveries/0"), d -> d.get("attempts").asInt() == 1);

        long attemptedAt = Times.parseMillis(server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").text("/data/0/created_at"));
        long next = Times.parseMillis(delivery.get("next_attempt_at").asText());
        assertThat(next - attemptedAt).isGreaterThanOrEqualTo(5_000); // the schedule said 1 s; the receiver asked for 5
    }

    @Test
    void a410DisablesTheEndpointAndTellsTheOperationalEndpoint() throws Exception {
        Receiver gone = receivers.start().alwaysAnswering(410);
        Receiver ops = receivers.start();
        String opsSecret = registerOperational(ops);
        String app = server.createApp("Acme");
        String ep = endpoint(app, gone, "");
        String msg = server.send(app, "order.created", "{}");

        Await.until("the delivery to fail", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        JsonNode view = endpointView(app, ep);
        assertThat(view.get("enabled").asBoolean()).isFalse();
        assertThat(view.at("/health/disabled_reason").asText()).contains("410");
        assertThat(gone.count()).isEqualTo(1);

        Await.until("endpoint.disabled and message.attempt.exhausted", WAIT, () -> ops.count() == 2);
        assertThat(events(ops)).containsExactlyInAnyOrder("endpoint.disabled", "message.attempt.exhausted");
        for (Receiver.Request r : ops.requests()) {
            new Webhook(opsSecret).verify(r.bodyText(), r.headers());
            assertThat(JSON.readTree(r.body()).at("/data/endpoint_id").asText()).isEqualTo(ep);
        }
        // operational endpoints are not an app anyone can see or post to
        assertThat(server.get("/v1/apps").raw().body()).doesNotContain("app_operational");
        assertThat(server.post("/v1/apps/app_operational/messages", "{\"event\":\"x.y\",\"data\":{}}").status()).isEqualTo(404);
    }

    @Test
    void aRedirectIsAFailedAttemptAndIsNotFollowed() {
        Receiver elsewhere = receivers.start();
        Receiver redirecting = receivers.start().alwaysAnswering(302).withResponseHeader("Location", elsewhere.url());
        String app = server.createApp("Acme");
        endpoint(app, redirecting, ",\"retry\":{\"schedule\":[]}");
        String msg = server.send(app, "order.created", "{}");

        Await.until("the delivery to fail", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        JsonNode attempt = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").json("/data/0");
        assertThat(attempt.get("status_code").asInt()).isEqualTo(302);
        assertThat(attempt.get("status").asText()).isEqualTo("failed");
        assertThat(elsewhere.count()).isZero();
    }

    @Test
    void consecutiveFailuresOpenTheCircuitAndAHalfOpenProbeClosesIt() {
        Receiver flaky = receivers.start().alwaysAnswering(500);
        String app = server.createApp("Acme");
        String ep = endpoint(app, flaky, ",\"max_concurrency\":1,\"retry\":{\"schedule\":[1,1,1,1,1,1,1,1,1,1]}");
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            messages.add(server.send(app, "order.created", "{\"n\":" + i + "}"));
        }

        Await.until("the circuit to open", WAIT, () -> "open".equals(endpointView(app, ep).at("/health/circuit").asText()));
        // five failures opened it; the other deliveries wait with their attempts unspent
        assertThat(flaky.count()).isEqualTo(EndpointHealth.OPEN_AFTER_FAILURES);
        assertThat(endpointView(app, ep).at("/health/consecutive_failures").asInt()).isEqualTo(5);

        flaky.alwaysAnswering(200);
        clock.advance(Duration.ofSeconds(31)); // the cool-down is over: half-open, one probe at a time

        Await.until("every message delivered", WAIT,
                () -> messages.stream().allMatch(m -> "delivered".equals(server.deliveryStatus(app, m))));
        assertThat(endpointView(app, ep).at("/health/circuit").asText()).isEqualTo("closed");
        assertThat(endpointView(app, ep).at("/health/consecutive_failures").asInt()).isZero();
    }

    @Test
    void anEndpointFailingWithoutSuccessForTheConfiguredSpanIsDisabledAndReEnablingIsReported() throws Exception {
        server.close();
        server = new TestServer(backend, clock, s -> s.withAutoDisableAfter(Duration.ofHours(1)));
        Receiver dead = receivers.start().alwaysAnswering(500);
        Receiver ops = receivers.start();
        registerOperational(ops);
        String app = server.createApp("Acme");
        String ep = endpoint(app, dead, ",\"max_concurrency\":1,\"retry\":{\"schedule\":[1,1,3600,3600]}");
        server.send(app, "order.created", "{}");

        // Three failures a second apart, the fourth attempt an hour later: still within the span, so still enabled.
        Await.until("message.attempt.failing after the third failure", WAIT, () -> events(ops).contains("message.attempt.failing"));
        assertThat(endpointView(app, ep).get("enabled").asBoolean()).isTrue();
        // The span passes (on the server's clock, not the machine's: a loaded machine cannot make
        // the retries straddle it); the next failure disables the endpoint.
        clock.advance(Duration.ofHours(2)); // past the fourth attempt, due in an hour ±10 % jitter
        Await.until("the endpoint to be disabled", WAIT, () -> !endpointView(app, ep).get("enabled").asBoolean());
        assertThat(endpointView(app, ep).at("/health/disabled_reason").asText()).startsWith("failing without a success since");
        Await.until("endpoint.disabled", WAIT, () -> events(ops).contains("endpoint.disabled"));

        assertThat(server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"enabled\":true}").json("/health/disabled_reason").isNull()).isTrue();
        Await.until("endpoint.enabled", WAIT, () -> events(ops).contains("endpoint.enabled"));
    }

    @Test
    void recoverRequeuesTheFailedDeliveriesSinceATime() {
        Receiver down = receivers.start().alwaysAnswering(500);
        String app = server.createApp("Acme");
        String ep = endpoint(app, down, ",\"retry\":{\"schedule\":[]}");
        String since = Times.format(clock.millis() - 60_000);
        List<String> messages = List.of(server.send(app, "a.b", "{}"), server.send(app, "a.b", "{}"), server.send(app, "a.b", "{}"));
        Await.until("all three to fail", WAIT, () -> messages.stream().allMatch(m -> "failed".equals(server.deliveryStatus(app, m))));

        down.alwaysAnswering(200);
        var recovered = server.post("/v1/apps/" + app + "/endpoints/" + ep + "/recover", "{\"since\":\"" + since + "\"}");

        assertThat(recovered.status()).isEqualTo(202);
        assertThat(recovered.json("/recovered").asInt()).isEqualTo(3);
        Await.until("all three delivered", WAIT, () -> messages.stream().allMatch(m -> "delivered".equals(server.deliveryStatus(app, m))));
        assertThat(server.post("/v1/apps/" + app + "/endpoints/" + ep + "/recover", "{\"since\":\"yesterday\"}").status()).isEqualTo(422);
    }

    @Test
    void aSlowEndpointWithAThousandQueuedDoesNotHoldUpAFastOne() throws Exception {
        Receiver slow = receivers.start().holding(); // answers nothing until released
        Receiver fast = receivers.start();
        String app = server.createApp("Acme");
        endpoint(app, slow, ",\"events\":[\"slow.*\"],\"max_concurrency\":2");
        endpoint(app, fast, ",\"events\":[\"fast.*\"]");
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 1000; i++) {
                pool.execute(() -> server.send(app, "slow.tick", "{}"));
            }
        }

        for (int i = 0; i < 20; i++) {
            server.send(app, "fast.tick", "{\"n\":" + i + "}");
        }

        // Every fast delivery arrives while the slow endpoint still holds its first two requests.
        Await.until("all fast deliveries", WAIT, () -> fast.count() == 20);
        assertThat(slow.count()).isEqualTo(2);
        assertThat(slow.maxConcurrent()).isEqualTo(2);
        slow.release();
    }

    @Test
    void aRateLimitSpacesRequestsOut() {
        Receiver limited = receivers.start();
        String app = server.createApp("Acme");
        endpoint(app, limited, ",\"rate_limit\":5");
        for (int i = 0; i < 15; i++) {
            server.send(app, "a.b", "{}");
        }

        Await.until("all 15", WAIT, () -> limited.count() == 15);
        List<Receiver.Request> got = limited.requests();
        // A bucket of 5 refilled at 5 a second: 15 requests take at least 2 seconds; a limiter that
        // admitted fewer (one a second, say) would take 10.
        assertThat(got.getLast().receivedAtMillis() - got.getFirst().receivedAtMillis()).isBetween(1_800L, 6_000L);
    }

    @Test
    void aFifoEndpointReceivesMessagesInCreationOrderThroughRandomFailures() throws Exception {
        Random random = new Random(42);
        AtomicInteger failuresInARow = new AtomicInteger();
        Receiver picky = receivers.start().answeringBy(n -> {
            // fail about a third of the time, never more than three times in a row (the breaker is not under test)
            boolean fail = failuresInARow.get() < 3 && random.nextInt(3) == 0;
            failuresInARow.set(fail ? failuresInARow.get() + 1 : 0);
            return fail ? 500 : 200;
        });
        String app = server.createApp("Acme");
        endpoint(app, picky, ",\"fifo\":true,\"retry\":{\"schedule\":[0,0,0,0,0,0,0,0,0,0]}");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            sent.add(server.send(app, "a.b", "{\"n\":" + i + "}"));
        }

        Await.until("all 25 delivered", WAIT, () -> sent.stream().allMatch(m -> "delivered".equals(server.deliveryStatus(app, m))));
        List<Integer> order = picky.requests().stream().map(r -> sent.indexOf(r.header("webhook-id"))).toList();
        assertThat(order).isSorted(); // retries repeat a message; nothing overtakes it
        assertThat(order).containsAll(java.util.stream.IntStream.range(0, 25).boxed().toList());
        assertThat(picky.count()).isGreaterThan(25); // some failed and were retried in place
    }

    @Test
    void aHostThatResolvesToAPrivateAddressAtConnectTimeIsRefused() {
        server.close();
        AtomicInteger lookups = new AtomicInteger();
        Receiver internal = receivers.start();
        // public when registered, the receiver's loopback address when Hookline connects: DNS rebinding
        server = new TestServer(backend, clock, s -> s.withAllowPrivateTargets(false), host -> host.equals("rebind.test")
                ? new InetAddress[] {InetAddress.getByName(lookups.incrementAndGet() == 1 ? "93.184.216.34" : "127.0.0.1")}
                : InetAddress.getAllByName(host));
        String app = server.createApp("Acme");
        server.createEndpoint(app, "{\"url\":\"" + internal.url().replace("127.0.0.1", "rebind.test") + "\",\"retry\":{\"schedule\":[]}}");
        String msg = server.send(app, "a.b", "{}");

        Await.until("the delivery to fail", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
        assertThat(server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").text("/data/0/error"))
                .contains("private or reserved address").doesNotContain("127.0.0.1"); // refused, without saying where it pointed
        assertThat(internal.count()).isZero();
    }

    /** A loopback server that answers with {@code head}, then one {@code filler} byte every 300 ms, forever. */
    private static java.net.ServerSocket trickling(String head, char filler) throws java.io.IOException {
        java.net.ServerSocket trickle = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!trickle.isClosed()) {
                try {
                    java.net.Socket socket = trickle.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            socket.getInputStream().read(new byte[8192]);
                            var out = socket.getOutputStream();
                            out.write(head.getBytes());
                            while (true) {
                                out.write(filler);
                                out.flush();
                                Thread.sleep(300); // the trickle itself, not synchronisation
                            }
                        } catch (java.io.IOException | InterruptedException closed) {
                            // Hookline hung up: the point of the tests
                        }
                    });
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        return trickle;
    }

    @Test
    void aStatusLineThatTricklesInIsCutOffAtTheDeadline() throws Exception {
        // no single read waits long enough to time out, so only a deadline on the whole request ends it
        try (java.net.ServerSocket trickle = trickling("HTTP/1.1 2", '0')) {
            String app = server.createApp("Acme");
            server.createEndpoint(app, "{\"url\":\"http://127.0.0.1:" + trickle.getLocalPort() + "/\",\"timeout_ms\":1000,"
                    + "\"retry\":{\"schedule\":[]}}");
            String msg = server.send(app, "a.b", "{}");

            Await.until("the attempt to be cut off", WAIT, () -> "failed".equals(server.deliveryStatus(app, msg)));
            JsonNode attempt = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").json("/data/0");
            assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
            assertThat(attempt.get("status_code").isNull()).isTrue();
        }
    }

    @Test
    void aSuccessWhoseBodyTricklesInCountsOnceTheDeadlinePasses() throws Exception {
        try (java.net.ServerSocket trickle = trickling("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", 'x')) {
            String app = server.createApp("Acme");
            server.createEndpoint(app, "{\"url\":\"http://127.0.0.1:" + trickle.getLocalPort() + "/\",\"timeout_ms\":1000}");
            String msg = server.send(app, "a.b", "{}");

            Await.until("the delivery", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
            JsonNode attempt = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").json("/data/0");
            assertThat(attempt.get("status_code").asInt()).isEqualTo(200);
            assertThat(attempt.get("response_body").asText()).matches("x+"); // what arrived before the deadline
        }
    }
}
