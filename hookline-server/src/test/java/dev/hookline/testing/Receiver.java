package dev.hookline.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A real HTTP server on loopback that records every request it gets and answers with a status
 * chosen per request (by its 1-based number), e.g. 500, 500, then 200.
 */
public final class Receiver implements AutoCloseable {

    /**
     * One request as received: headers (as java.net.http.HttpHeaders, for verifiers), raw body, arrival
     * time, and the request target exactly as it came on the request line (path and query, still escaped).
     */
    public record Request(HttpHeaders headers, byte[] body, long receivedAtMillis, String target) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntUnaryOperator statusForRequest = n -> 200;
    private volatile long delayMillis;
    private volatile java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(0);
    private volatile java.util.function.Predicate<String> held = target -> true;
    private volatile String responseBody;
    private final Map<String, String> responseHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightById = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger maxConcurrentForOneId = new AtomicInteger();

    public Receiver() {
        this(null);
    }

    /** A receiver on HTTPS with {@code tls}'s certificate (e.g. one a private CA signed), or plain HTTP when null. */
    public Receiver(javax.net.ssl.SSLContext tls) {
        try {
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } else {
                var https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            java.net.URI uri = exchange.getRequestURI();
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            requests.add(new Request(HttpHeaders.of(headers, (a, b) -> true), body, System.currentTimeMillis(), target));
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            AtomicInteger sameId = id == null ? new AtomicInteger() : inFlightById.computeIfAbsent(id, k -> new AtomicInteger());
            maxConcurrentForOneId.accumulateAndGet(sameId.incrementAndGet(), Math::max);
            try {
                if (held.test(target)) {
                    hold.await(); // an endpoint that does not answer until the test says so
                }
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis); // a slow endpoint, on purpose
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = statusForRequest.applyAsInt(count.incrementAndGet());
            byte[] reply = (responseBody != null ? responseBody : "status " + status).getBytes(StandardCharsets.UTF_8);
            responseHeaders.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            concurrent.decrementAndGet();
            sameId.decrementAndGet();
            try {
                exchange.sendResponseHeaders(status, reply.length);
                exchange.getResponseBody().write(reply);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Answers request n (1-based) with {@code statuses[n-1]}, and 200 after the list runs out. */
    public Receiver answering(int... statuses) {
        statusForRequest = n -> n <= statuses.length ? statuses[n - 1] : 200;
        return this;
    }

    /** Holds every response back this long, like an endpoint that is slow to answer. */
    public Receiver delaying(java.time.Duration delay) {
        delayMillis = delay.toMillis();
        return this;
    }

    /** Holds every request unanswered until {@link #release()} (or {@link #close()}). */
    public Receiver holding() {
        hold = new java.util.concurrent.CountDownLatch(1);
        return this;
    }

    /** Holds the requests to paths starting with {@code prefix} unanswered until {@link #release()}; answers the others. */
    public Receiver holding(String prefix) {
        held = target -> target.startsWith(prefix);
        return holding();
    }

    /** Lets held requests, and every later one, be answered. */
    public void release() {
        hold.countDown();
    }

    /** Answers with this body instead of "status N". */
    public Receiver withResponseBody(String body) {
        responseBody = body;
        return this;
    }

    /** Adds a header to every response (e.g. Retry-After, Location). */
    public Receiver withResponseHeader(String name, String value) {
        responseHeaders.put(name, value);
        return this;
    }

    /** Answers request n (1-based) with whatever {@code status} says. */
    public Receiver answeringBy(IntUnaryOperator status) {
        statusForRequest = status;
        return this;
    }

    /** The most requests for one webhook-id this receiver was handling at once (2 would mean a double flight). */
    public int maxConcurrentForOneId() {
        return maxConcurrentForOneId.get();
    }

    /** The most requests this receiver was handling at once. */
    public int maxConcurrent() {
        return maxConcurrent.get();
    }

    public Receiver alwaysAnswering(int status) {
        statusForRequest = n -> status;
        return this;
    }

    public String url() {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public int count() {
        return requests.size();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
