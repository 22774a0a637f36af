import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/run's webhook receiver, in a process of its own: Helidon WebServer (the server Hookline's own
 * API runs on, one virtual thread per connection) answering {@code POST /hook} with 200 at once and
 * {@code POST /slow} with 200 after holding the request {@code hold} seconds.
 *
 * <p>It stamps every arrival (epoch microseconds), so a rate can be taken over the steady part of a
 * run rather than from a start-up moment ({@code GET /rate}); counts distinct {@code webhook-id}s (a
 * duplicate delivery would show); and for bodies carrying {@code "probe":N} (bench/java/Pace.java's
 * measured messages) keeps when probe N arrived ({@code GET /probes}). {@code GET /stats} answers
 * {@code requests distinct first_us last_us slow_open slow_max_open slow_done}; {@code GET /reset}
 * forgets all that. An endpoint URL may carry {@code ?to=<tag>}: {@code GET /count?to=<tag>} answers how
 * many requests that tag has had since this process started ({@code /reset} leaves these counts alone,
 * so a script can wait for one endpoint's whole backlog while others' deliveries come and go).
 *
 * <p>Usage: {@code java -cp <hookline.jar and its lib/> Sink <port> <hold seconds>}
 */
public final class Sink {
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger slowOpen = new AtomicInteger();
    private final AtomicInteger slowMaxOpen = new AtomicInteger();
    private final AtomicLong slowDone = new AtomicLong();
    private final Object lock = new Object();
    private long[] arrivals = new long[1 << 20];
    private int arrived;
    private final ConcurrentHashMap<Long, Long> probes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> tags = new ConcurrentHashMap<>();
    private final long holdMillis;

    private Sink(long holdMillis) {
        this.holdMillis = holdMillis;
    }

    public static void main(String[] args) {
        Sink sink = new Sink(Long.parseLong(args[1]) * 1000);
        WebServer.builder()
                .host("127.0.0.1")
                .port(Integer.parseInt(args[0]))
                .backlog(8192)
                .routing(r -> r
                        .post("/hook", sink::hook)
                        .post("/slow", sink::slow)
                        .get("/stats", sink::stats)
                        .get("/rate", sink::rate)
                        .get("/probes", sink::probes)
                        .get("/count", sink::count)
                        .get("/reset", sink::reset))
                .build()
                .start();
    }

    private void hook(ServerRequest req, ServerResponse res) {
        record(req);
        res.status(Status.OK_200).send();
    }

    /** A slow endpoint: the request stays open {@code hold} seconds, as a struggling receiver's would. */
    private void slow(ServerRequest req, ServerResponse res) throws InterruptedException {
        slowMaxOpen.accumulateAndGet(slowOpen.incrementAndGet(), Math::max);
        try {
            req.content().consume();
            Thread.sleep(holdMillis);
            res.status(Status.OK_200).send();
        } finally {
            slowOpen.decrementAndGet();
            slowDone.incrementAndGet();
        }
    }

    private void record(ServerRequest req) {
        byte[] body = req.content().as(byte[].class);
        long now = micros();
        requests.incrementAndGet();
        req.headers().first(HeaderNames.create("webhook-id")).ifPresent(ids::add);
        String tag = req.query().first("to").orElse("");
        if (!tag.isEmpty()) {
            tags.computeIfAbsent(tag, t -> new AtomicLong()).incrementAndGet();
        }
        synchronized (lock) {
            if (arrived == arrivals.length) {
                arrivals = Arrays.copyOf(arrivals, arrived * 2);
            }
            arrivals[arrived++] = now;
        }
        long probe = probeOf(body);
        if (probe >= 0) {
            probes.put(probe, now);
        }
    }

    /** N from {@code "probe":N} in the body, or -1: a scan, since parsing every body as JSON would cost more than the rest. */
    private static long probeOf(byte[] body) {
        byte[] key = "\"probe\":".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + key.length < body.length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (body[i + k] != key[k]) {
                    continue outer;
                }
            }
            long n = 0;
            int j = i + key.length;
            while (j < body.length && body[j] >= '0' && body[j] <= '9') {
                n = n * 10 + (body[j++] - '0');
            }
            return n;
        }
        return -1;
    }

    private void stats(ServerRequest req, ServerResponse res) {
        long first;
        long last;
        synchronized (lock) {
            first = arrived == 0 ? 0 : Arrays.stream(arrivals, 0, arrived).min().orElse(0);
            last = arrived == 0 ? 0 : Arrays.stream(arrivals, 0, arrived).max().orElse(0);
        }
        res.send(requests.get() + " " + ids.size() + " " + first + " " + last + " " + slowOpen.get() + " "
                + slowMaxOpen.get() + " " + slowDone.get() + "\n");
    }

    /**
     * Arrivals per second from the arrival at {@code skip} (a fraction, default 0.01) of the run to the
     * last: what the sender sustained once under way, without the moment it took to start. Answers
     * {@code rate seconds arrivals}.
     */
    private void rate(ServerRequest req, ServerResponse res) {
        double skip = Double.parseDouble(req.query().first("skip").orElse("0.01"));
        long[] sorted;
        synchronized (lock) {
            sorted = Arrays.copyOf(arrivals, arrived);
        }
        Arrays.sort(sorted);
        int n = sorted.length;
        int from = Math.min(Math.max(0, n - 2), (int) (n * skip));
        double seconds = n < 2 ? 0 : (sorted[n - 1] - sorted[from]) / 1e6;
        double rate = seconds <= 0 ? 0 : (n - 1 - from) / seconds;
        res.send(String.format("%.0f %.3f %d%n", rate, seconds, n));
    }

    private void count(ServerRequest req, ServerResponse res) {
        AtomicLong n = tags.get(req.query().first("to").orElse(""));
        res.send((n == null ? 0 : n.get()) + "\n");
    }

    private void probes(ServerRequest req, ServerResponse res) {
        StringBuilder out = new StringBuilder();
        probes.forEach((n, at) -> out.append(n).append(' ').append(at).append('\n'));
        res.send(out.toString());
    }

    private void reset(ServerRequest req, ServerResponse res) {
        synchronized (lock) {
            arrived = 0;
        }
        ids.clear();
        probes.clear();
        requests.set(0);
        slowMaxOpen.set(slowOpen.get());
        slowDone.set(0);
        res.status(Status.NO_CONTENT_204).send();
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
