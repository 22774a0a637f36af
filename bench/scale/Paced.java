import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Posts messages at a fixed rate from a process of its own (an open model: a slow answer does not
 * slow the schedule), ~1 KiB each. The first {@code warm-up} seconds warm this JVM, its connections
 * and the server; after them each message carries its send time in {@code data.sent_us}, which the
 * receiver measures. Prints {@code sent accepted}.
 *
 * <p>Usage: {@code java Paced.java <url of /v1/apps/{app}/messages> <api key> <per second> <warm-up seconds> <seconds>}
 */
public class Paced {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String key = args[1];
        int rate = Integer.parseInt(args[2]);
        int warmUp = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        String pad = "x".repeat(900);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong accepted = new AtomicLong();
        long unmeasured = (long) rate * warmUp;
        long total = unmeasured + (long) rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long n = i;
                pool.execute(() -> {
                    String sent = n < unmeasured ? "" : ",\"sent_us\":" + micros();
                    String body = "{\"event\":\"order.created\",\"data\":{\"n\":" + n + sent + ",\"pad\":\"" + pad + "\"}}";
                    try {
                        var response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 202) {
                            accepted.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // counted as not accepted
                    }
                });
            }
        }
        System.out.println(total + " " + accepted.get());
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
