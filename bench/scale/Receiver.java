import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scale benchmark's receiver, in a process of its own: answers every webhook 200 at once and,
 * for bodies carrying {@code "sent_us":<epoch microseconds>}, records how long after that the
 * webhook arrived. {@code GET /stats} answers {@code count p50_ms p99_ms max_ms} for what arrived
 * since the last {@code GET /reset}.
 *
 * <p>Usage: {@code java Receiver.java <port>}
 */
public class Receiver {
    private static final Object LOCK = new Object();
    private static long[] latencies = new long[1 << 16];
    private static int n;
    private static final AtomicLong requests = new AtomicLong();

    public static void main(String[] args) throws Exception {
        // The JDK server keeps only 200 idle keep-alive connections by default and closes the rest,
        // which a client pooling ~1,000 connections then finds dead: keep them all.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long now = micros();
            requests.incrementAndGet();
            String text = new String(body, StandardCharsets.UTF_8);
            int at = text.indexOf("\"sent_us\":"); // only measured messages carry it
            if (at >= 0) {
                int start = at + 10;
                int end = start;
                while (end < text.length() && Character.isDigit(text.charAt(end))) {
                    end++;
                }
                record(now - Long.parseLong(text.substring(start, end)));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/stats", exchange -> {
            String out;
            synchronized (LOCK) {
                long[] sorted = Arrays.copyOf(latencies, n);
                Arrays.sort(sorted);
                out = n == 0 ? "0 0 0 0" : n + " " + ms(sorted[(int) (n * 0.50)]) + " " + ms(sorted[Math.min(n - 1, (int) (n * 0.99))])
                        + " " + ms(sorted[n - 1]);
            }
            out += " " + requests.get() + "\n";
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/reset", exchange -> {
            synchronized (LOCK) {
                n = 0;
            }
            requests.set(0);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    private static void record(long micros) {
        synchronized (LOCK) {
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = micros;
        }
    }

    private static String ms(long micros) {
        return String.format("%.2f", micros / 1000.0);
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
