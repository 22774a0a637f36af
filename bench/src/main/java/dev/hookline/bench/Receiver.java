package dev.hookline.bench;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loopback webhook receiver: Helidon WebServer (virtual thread per connection) answering every
 * {@code POST /hook} with 200 and an empty body. It counts requests and distinct {@code webhook-id}s
 * in a {@link Tally} that each measurement replaces, and stamps the moment the tally's target of
 * distinct ids is reached, so "the receiver has seen all M" is timed where it happens.
 */
final class Receiver implements AutoCloseable {
    private static final HeaderName WEBHOOK_ID = HeaderNames.create("webhook-id");

    /** What one measurement's receiver saw. */
    static final class Tally {
        final int target;
        final AtomicLong requests = new AtomicLong();
        final AtomicInteger distinct = new AtomicInteger();
        private final Set<String> ids = ConcurrentHashMap.newKeySet();
        /** {@link System#nanoTime()} when the {@code target}-th distinct id arrived; 0 until then. */
        volatile long completedAtNanos;
        /** {@link System#nanoTime()} when the first request arrived; 0 until then. */
        volatile long firstAtNanos;
        /** Size of the last body received (all bodies of one measurement have the same size). */
        volatile int lastBodyBytes = -1;

        Tally(int target) {
            this.target = target;
        }

        void record(String webhookId, int bodyBytes) {
            if (requests.incrementAndGet() == 1) {
                firstAtNanos = System.nanoTime();
            }
            lastBodyBytes = bodyBytes;
            if (webhookId != null && ids.add(webhookId) && distinct.incrementAndGet() == target) {
                completedAtNanos = System.nanoTime();
            }
        }

        long duplicates() {
            return requests.get() - distinct.get();
        }
    }

    private final WebServer server;
    private volatile Tally tally = new Tally(Integer.MAX_VALUE);

    Receiver() {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .routing(r -> r.post("/hook", (req, res) -> {
                    byte[] body = req.content().as(byte[].class);
                    tally.record(req.headers().first(WEBHOOK_ID).orElse(null), body.length);
                    res.status(Status.OK_200).send();
                }))
                .build()
                .start();
    }

    /** Starts counting afresh for a measurement that expects {@code target} distinct webhook ids. */
    Tally reset(int target) {
        Tally fresh = new Tally(target);
        tally = fresh;
        return fresh;
    }

    String url() {
        return "http://127.0.0.1:" + server.port() + "/hook";
    }

    @Override
    public void close() {
        server.stop();
    }
}
