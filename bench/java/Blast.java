import dev.hookline.signature.StandardWebhook;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@code count} POSTs with {@code concurrency} in flight (a closed model: each caller sends
 * its next request when the previous is answered) from a process of its own, with Helidon's
 * WebClient built as Hookline's sender builds it (no proxy, no redirects, no
 * {@code Expect: 100-continue}, 1,024 cached connections). Two kinds of request:
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
 * <p>Usage: {@code java Blast <url> <count> <concurrency> webhook|message <secret or key> [bound s]}
 */
public final class Blast {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        boolean webhook = args[3].equals("webhook");
        String secret = args[4];
        long bound = Duration.ofSeconds(args.length > 5 ? Long.parseLong(args[5]) : 120).toNanos();
        String pad = "x".repeat(900);
        WebClient client = WebClient.builder()
                .proxy(Proxy.noProxy())
                .followRedirects(false)
                .sendExpectContinue(false)
                .connectionCacheSize(1024)
                .build();
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        long[] latencies = new long[count];
        Arrays.fill(latencies, -1);
        long start = System.nanoTime();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                callers.execute(() -> {
                    for (int seq; (seq = next.getAndIncrement()) < count && System.nanoTime() - start < bound; ) {
                        long t0 = System.nanoTime();
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
                            if (response.status().code() / 100 == 2) {
                                latencies[seq] = System.nanoTime() - t0;
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        System.out.printf("%d %d %.3f %.0f %.2f %.2f%n", ok.length, failed.get(), seconds, ok.length / seconds,
                quantileMs(ok, 0.50), quantileMs(ok, 0.99));
    }

    private static double quantileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))] / 1e6;
    }
}
