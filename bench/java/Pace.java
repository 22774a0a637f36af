import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Posts ~1 KiB messages at a fixed rate from a process of its own (an open model: a slow answer
 * does not slow the schedule), then asks the receiver (bench/java/Sink.java) when each arrived and
 * prints how long after its {@code 202} each message reached the receiver.
 *
 * <p>The first {@code warm-up} seconds warm this JVM, its connections and the server and are not
 * measured; after them message N carries {@code "probe":N}, the receiver stamps its arrival, and
 * this process stamps when it sent N and when N's {@code 202} came back. Prints one line, of the
 * measured messages: {@code sent accepted received accepted_to_received_p50 p99 p99.9 sent_to_received_p50 p99 p99.9
 * post_p50 post_p99} (milliseconds). A delivery that arrived before its {@code 202} reached this
 * process (the dispatcher is woken by the commit, before the answer is written) counts as 0.
 *
 * <p>Usage: {@code java Pace <url of /v1/apps/{app}/messages> <api key> <per second> <warm-up s>
 * <measured s> <receiver base url>}
 */
public final class Pace {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String key = args[1];
        int rate = Integer.parseInt(args[2]);
        long unmeasured = (long) rate * Integer.parseInt(args[3]);
        long total = unmeasured + (long) rate * Integer.parseInt(args[4]);
        String receiver = args[5];
        String pad = "x".repeat(900);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Long, long[]> stamps = new ConcurrentHashMap<>(); // probe -> {sent, accepted} in epoch µs
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long wait = start + i * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long n = i;
                pool.execute(() -> {
                    boolean measured = n >= unmeasured;
                    String body = "{\"event\":\"order.created\",\"data\":{" + (measured ? "\"probe\":" + n + "," : "")
                            + "\"pad\":\"" + pad + "\"}}";
                    long sent = Sink.micros();
                    try {
                        var response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 202 && measured) {
                            stamps.put(n, new long[] {sent, Sink.micros()});
                        }
                    } catch (Exception e) {
                        // counted as not accepted
                    }
                });
            }
        }
        Map<Long, Long> arrivals = awaitArrivals(http, receiver, stamps.size(), Duration.ofSeconds(30));
        long[] acceptedToReceived = new long[stamps.size()];
        long[] sentToReceived = new long[stamps.size()];
        long[] post = new long[stamps.size()];
        int received = 0;
        int k = 0;
        for (var e : stamps.entrySet()) {
            long[] s = e.getValue();
            post[k++] = s[1] - s[0];
            Long at = arrivals.get(e.getKey());
            if (at != null) {
                acceptedToReceived[received] = Math.max(0, at - s[1]);
                sentToReceived[received++] = at - s[0];
            }
        }
        long[] a = Arrays.copyOf(acceptedToReceived, received);
        long[] s = Arrays.copyOf(sentToReceived, received);
        System.out.println(total - unmeasured + " " + stamps.size() + " " + received + " " + ms(a, 0.50) + " " + ms(a, 0.99) + " "
                + ms(a, 0.999) + " " + ms(s, 0.50) + " " + ms(s, 0.99) + " " + ms(s, 0.999) + " " + ms(post, 0.50) + " "
                + ms(post, 0.99));
    }

    /** Polls the receiver until it has seen {@code expected} probes or {@code bound} passes; returns probe -> arrival µs. */
    private static Map<Long, Long> awaitArrivals(HttpClient http, String receiver, int expected, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<Long, Long> arrivals = new HashMap<>();
        while (true) {
            arrivals.clear();
            String text = http.send(HttpRequest.newBuilder(URI.create(receiver + "/probes")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    String[] parts = line.split(" ");
                    arrivals.put(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                }
            }
            if (arrivals.size() >= expected || System.nanoTime() > deadline) {
                return arrivals;
            }
            Thread.sleep(200); // polling another process: there is nothing to wait on here
        }
    }

    private static String ms(long[] micros, double quantile) {
        if (micros.length == 0) {
            return "NaN";
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return String.format("%.2f", sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1))] / 1000.0);
    }
}
