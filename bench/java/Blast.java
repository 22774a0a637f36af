import dev.hookline.signature.StandardWebhook;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@code count} POSTs with {@code concurrency} in flight (a closed model: each caller sends
 * its next request when the previous is answered) from a process of its own, with Helidon's
 * WebClient built as Hookline's sender built it before it got a client of its own
 * ({@code OutboundHttp}; no proxy, no redirects, no {@code Expect: 100-continue}, 1,024 cached
 * connections). Two kinds of request:
 * <ul>
 *   <li>{@code webhook <secret>}: what Hookline sends an endpoint, as a bare client would: a
 *       ~1 KiB envelope {@code {"id","event","created_at","data"}} signed per request with the
 *       {@code standard} scheme (hookline-signature), with {@code webhook-id},
 *       {@code webhook-timestamp} and {@code webhook-signature}: the baseline of a drain;</li>
 *   <li>{@code message <api key>}: a ~1 KiB message to Hookline's {@code POST /v1/apps/{app}/messages}.</li>
 * </ul>
 * Stops after {@code bound} seconds whatever it reached. Prints
 * {@code ok failed seconds per_second p50_ms p99_ms}; ok means 2xx.
 *
 * <p>With {@code runs} and the receiver's base URL (bench/java/Sink.java) it is a baseline measured
 * the way bench/run measures Hookline: this JVM first warms itself (and its connections) in windows of
 * 2 s until two windows in a row agree on the rate within 10 % while its JIT compiled for less than
 * 10 % of the last window, and not before {@link #MIN_WARM} (at most 60 s: a fresh JVM is far from
 * its steady rate for its first seconds, and two windows can agree on one step of a ramp: one run
 * settled at 15,000 requests/s after 10 s where others climbed to 29,000 by 25 s), then sends {@code count} requests
 * {@code runs} times, resetting the receiver before each and asking it for the rate after (arrivals
 * per second from the 1 % arrival to the last, as a drain is timed). Prints
 * {@code warmup <seconds> <windows> <settled yes|no> <rate,rate,...> <JIT % of the last window>} and then one {@code run <rate>}
 * line per run.
 *
 * <p>Usage: {@code java Blast <url> <count> <concurrency> webhook|message <secret or key> [bound s [runs receiver-url]]}
 */
public final class Blast {
    private static final Duration WARM_BOUND = Duration.ofSeconds(60);
    private static final Duration MIN_WARM = Duration.ofSeconds(20);
    private static final Duration WARM_WINDOW = Duration.ofSeconds(2);

    private final String url;
    private final int concurrency;
    private final boolean webhook;
    private final String secret;
    private final WebClient client = WebClient.builder()
            .proxy(Proxy.noProxy())
            .followRedirects(false)
            .sendExpectContinue(false)
            .connectionCacheSize(1024)
            .build();
    private final String pad = "x".repeat(900);
    private final AtomicLong sent = new AtomicLong(); // numbers every request of this process, so webhook ids never repeat

    private Blast(String url, int concurrency, boolean webhook, String secret) {
        this.url = url;
        this.concurrency = concurrency;
        this.webhook = webhook;
        this.secret = secret;
    }

    /** One batch: ok (2xx) requests, failed ones, seconds taken, and the ok requests' latencies in ns, sorted. */
    private record Batch(long failed, double seconds, long[] latencies) {
        double perSecond() {
            return latencies.length / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        Blast blast = new Blast(url, Integer.parseInt(args[2]), args[3].equals("webhook"), args[4]);
        long bound = Duration.ofSeconds(args.length > 5 ? Long.parseLong(args[5]) : 120).toNanos();
        if (args.length > 7) {
            blast.baseline(count, Integer.parseInt(args[6]), args[7], bound);
            return;
        }
        Batch b = blast.send(count, bound);
        System.out.printf("%d %d %.3f %.0f %.2f %.2f%n", b.latencies().length, b.failed(), b.seconds(), b.perSecond(),
                quantileMs(b.latencies(), 0.50), quantileMs(b.latencies(), 0.99));
    }

    private void baseline(int count, int runs, String receiver, long bound) {
        long warmStart = System.nanoTime();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        List<Double> rates = new ArrayList<>();
        boolean settled = false;
        double jitShare = 0;
        while (!settled && System.nanoTime() - warmStart < WARM_BOUND.toNanos()) {
            long compiled = jit.getTotalCompilationTime();
            Batch window = send(count, WARM_WINDOW.toNanos());
            jitShare = (jit.getTotalCompilationTime() - compiled) / (window.seconds() * 1000);
            rates.add(window.perSecond());
            settled = System.nanoTime() - warmStart >= MIN_WARM.toNanos() && rates.size() >= 2
                    && agree(rates.get(rates.size() - 2), window.perSecond()) && jitShare < 0.10;
        }
        System.out.printf("warmup %.0f %d %s %s %.0f%n", (System.nanoTime() - warmStart) / 1e9, rates.size(), settled ? "yes" : "no",
                String.join(",", rates.stream().map(r -> String.format("%.0f", r)).toList()), jitShare * 100);
        for (int r = 0; r < runs; r++) {
            client.get(receiver + "/reset").request().close();
            send(count, bound);
            String rate = client.get(receiver + "/rate").requestEntity(String.class).trim().split(" ")[0];
            System.out.println("run " + rate);
        }
    }

    /** Two rates within 10 % of the larger: bench/run's test (lib.sh's agree). */
    private static boolean agree(double a, double b) {
        return Math.max(a, b) > 0 && Math.abs(a - b) / Math.max(a, b) <= 0.10;
    }

    private Batch send(int count, long bound) {
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        long[] latencies = new long[count];
        Arrays.fill(latencies, -1);
        long start = System.nanoTime();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                callers.execute(() -> {
                    for (int i; (i = next.getAndIncrement()) < count && System.nanoTime() - start < bound; ) {
                        long t0 = System.nanoTime();
                        if (post(sent.getAndIncrement())) {
                            latencies[i] = System.nanoTime() - t0;
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Batch(failed.get(), seconds, Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray());
    }

    /** One request; true when answered 2xx. */
    private boolean post(long seq) {
        var post = client.post(url).header(HeaderNames.CONTENT_TYPE, "application/json");
        byte[] body;
        if (webhook) {
            String id = "msg_bench" + seq;
            long now = Instant.now().getEpochSecond();
            body = ("{\"id\":\"" + id + "\",\"event\":\"order.created\",\"created_at\":\"" + Instant.now()
                    + "\",\"data\":{\"n\":" + seq + ",\"pad\":\"" + pad + "\"}}").getBytes(StandardCharsets.UTF_8);
            post.header(HeaderNames.create("webhook-id"), id)
                    .header(HeaderNames.create("webhook-timestamp"), Long.toString(now))
                    .header(HeaderNames.create("webhook-signature"), StandardWebhook.sign(secret, id, now, body));
        } else {
            body = ("{\"event\":\"order.created\",\"data\":{\"n\":" + seq + ",\"pad\":\"" + pad + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            post.header(HeaderNames.AUTHORIZATION, "Bearer " + secret);
        }
        try (HttpClientResponse response = post.submit(body)) {
            response.entity().consume();
            return response.status().code() / 100 == 2;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static double quantileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))] / 1e6;
    }
}
