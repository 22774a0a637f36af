import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // asks the receiver, once
        Poster poster = new Poster(uri, key);
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
                        if (poster.post(body) == 202 && measured) {
                            stamps.put(n, new long[] {sent, Sink.micros()});
                        }
                    } catch (IOException e) {
                        // counted as not accepted
                    }
                });
            }
        }
        poster.close();
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

    /**
     * POSTs over plain HTTP/1.1 keep-alive connections, one request at a time on each, opening
     * another when all are busy (and when the server closes one): the least a client can do per request. {@code java.net.http}'s
     * client cost about 650 µs of CPU per request here, its JIT included (a third of the 2 cores at
     * 1,000 requests/s, counted from /proc), all of it taken from the server it measures.
     */
    static final class Poster implements AutoCloseable {
        /** A request gives up (not accepted) after this long connecting, or waiting for a byte of its answer. */
        private static final int TIMEOUT_MILLIS = 30_000;

        private final String host;
        private final int port;
        private final byte[] head;
        private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
        private final Queue<Connection> all = new ConcurrentLinkedQueue<>();

        Poster(URI uri, String key) {
            host = uri.getHost();
            port = uri.getPort();
            head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
        }

        /** Sends one POST and answers its status once the whole response is read. */
        int post(String body) throws IOException {
            Connection c = idle.poll();
            if (c == null) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
                c = new Connection(socket);
                all.add(c);
            }
            try {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                c.out.write(head);
                c.out.write((bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                c.out.write(bytes);
                c.out.flush();
                int status = c.readResponse();
                if (c.closing) {
                    c.socket.close(); // the server ends this connection: the next request opens another
                } else {
                    idle.add(c);
                }
                return status;
            } catch (IOException | RuntimeException e) { // a broken or unreadable answer: this connection is done
                c.socket.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            for (Connection c : all) {
                c.socket.close();
            }
        }
    }

    /** One keep-alive connection: its response reader handles Content-Length and chunked bodies. */
    private static final class Connection {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        boolean closing; // the last response said "Connection: close"

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(Poster.TIMEOUT_MILLIS);
            out = new BufferedOutputStream(socket.getOutputStream(), 2048);
            in = new BufferedInputStream(socket.getInputStream(), 4096);
        }

        int readResponse() throws IOException {
            String status = line();
            long length = 0;
            boolean chunked = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && h.toLowerCase().contains("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("Connection") && h.toLowerCase().contains("close")) {
                    closing = true;
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) { } // trailers
            } else {
                skip(length);
            }
            return Integer.parseInt(status.split(" ")[1]);
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int ch; (ch = in.read()) != '\n'; ) {
                if (ch < 0) {
                    throw new IOException("connection closed");
                }
                if (ch != '\r') {
                    b.append((char) ch);
                }
            }
            return b.toString();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long skipped = in.skip(n);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed");
                    }
                    skipped = 1;
                }
                n -= skipped;
            }
        }
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
