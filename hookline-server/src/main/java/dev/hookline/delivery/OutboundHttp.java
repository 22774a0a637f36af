package dev.hookline.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The HTTP/1.1 client deliveries go out on: one POST per call, over a kept-alive connection to the
 * same origin when one is idle, else over a new one to the address the {@link SsrfGuard} resolved.
 * No proxy, no redirects (a 3xx is an answer like any other), no {@code Expect: 100-continue}.
 *
 * <p>The idle connections of an origin are handed out most recently returned first, so the surplus
 * of a burst stays unused and ages out; waiting costs nothing: one sweep every
 * {@value #SWEEP_MS} ms closes those idle for longer than {@value #IDLE_TIMEOUT_MS} ms, or than the
 * receiver's own {@code Keep-Alive: timeout}. Receivers close idle connections sooner than that
 * (Node and uvicorn after 5 s, gunicorn after 2), which nothing watches for: a connection idle for
 * over {@value #PROBE_AFTER_MS} ms is probed with a 1 ms read before it is used again, and a
 * request that finds its pooled connection closed anyway is sent again (see {@link #post}). (Helidon's
 * WebClient, which this replaced, hands out the oldest first and watches each idle connection with
 * a virtual thread that wakes every 101 ms until the connection's last read timeout, 30 s by
 * default, has passed: measured on 2 cores, the 450 to 570 connections left after a burst took 13 to
 * 20 % of a core on a server with nothing to do.)
 */
final class OutboundHttp implements AutoCloseable {
    static final long IDLE_TIMEOUT_MS = 30_000;
    static final long SWEEP_MS = 5_000;
    /** A connection idle for longer is probed before reuse: the receiver may have closed it meanwhile. */
    static final long PROBE_AFTER_MS = 1_000;
    /** Idle connections kept per origin: enough for a burst to one receiver to find them again. */
    static final int MAX_IDLE_PER_ORIGIN = 256;
    static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Tries per call while the connection that failed came from the pool (see {@link #post}). */
    private static final int MAX_TRIES = 3;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** A body past the kept part is read on (and dropped) this far to keep its connection; beyond, the connection goes. */
    private static final int MAX_DRAINED_BYTES = 256 * 1024;
    private static final int FIRST_BODY_BYTES = 320;
    private static final int COALESCED_BODY_BYTES = 16 * 1024;

    /** Where a request goes: {@code tls} is null for {@code http}, else the factory with the endpoint's trust and certificate. */
    record Origin(String host, int port, SSLSocketFactory tls) {}

    /** The answer: its status, its {@code Retry-After} (or null), and at most the kept part of its body (null if unreadable). */
    record Response(int status, String retryAfter, String body) {}

    /** The host an origin's name resolves to, checked: the SSRF guard's connect-time resolution. */
    interface Resolver {
        InetAddress resolve(String host) throws IOException;
    }

    private final Resolver resolver;
    private final int maxBodyBytes;
    private final long idleTimeoutNanos;
    private volatile boolean closed;
    private final Map<Origin, Idle> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hookline-idle-connections").factory());

    OutboundHttp(Resolver resolver, int maxBodyBytes) {
        this(resolver, maxBodyBytes, IDLE_TIMEOUT_MS, SWEEP_MS);
    }

    OutboundHttp(Resolver resolver, int maxBodyBytes, long idleTimeoutMs, long sweepMs) {
        this.resolver = resolver;
        this.maxBodyBytes = maxBodyBytes;
        this.idleTimeoutNanos = idleTimeoutMs * 1_000_000L;
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    }

    /**
     * POSTs {@code body} to {@code target} (the raw path and query) with exactly these headers plus
     * {@code Host} and {@code Content-Length}; throws when no answer came by {@code deadlineNanos}.
     * A kept-alive connection the receiver closed (its idle timeout ran out as the request went
     * out) fails before any answer: that is the pool's fault, not the endpoint's, so the request is
     * sent again on another connection, the last try always a new one; the origin's other idle
     * connections, likely closed by the same receiver, go too. Receivers de-duplicate by
     * webhook-id, so one that did get through is harmless. Reads wait no longer than the deadline;
     * a write to a receiver that stopped reading is cut off by the dispatcher's interrupt.
     */
    Response post(Origin origin, String target, Map<String, String> headers, byte[] body, long deadlineNanos) throws IOException {
        byte[] head = requestHead(origin, target, headers, body.length);
        for (int tries = 1; ; tries++) {
            Connection connection = tries < MAX_TRIES ? take(origin) : null;
            boolean pooled = connection != null;
            if (!pooled) {
                connection = open(origin, deadlineNanos);
            }
            boolean kept = false;
            try {
                Response response = connection.exchange(head, body, deadlineNanos, maxBodyBytes);
                if (connection.reusable) {
                    give(origin, connection);
                    kept = true;
                }
                return response;
            } catch (IOException | RuntimeException e) {
                if (!pooled || connection.answered || e instanceof SocketTimeoutException || tries >= MAX_TRIES
                        || System.nanoTime() >= deadlineNanos || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                drop(origin);
            } finally {
                if (!kept) {
                    connection.close();
                }
            }
        }
    }

    private static byte[] requestHead(Origin origin, String target, Map<String, String> headers, int length) {
        StringBuilder head = new StringBuilder(256 + headers.size() * 64);
        head.append("POST ").append(requireText("target", target)).append(" HTTP/1.1\r\nHost: ").append(origin.host());
        if (origin.port() != (origin.tls() == null ? 80 : 443)) {
            head.append(':').append(origin.port());
        }
        head.append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            head.append(requireText("header name", h.getKey())).append(": ").append(requireText("header value", h.getValue())).append("\r\n");
        }
        head.append("Content-Length: ").append(length).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The endpoint's settings are validated when saved; this only keeps a line break from ever splitting the request. */
    private static String requireText(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                throw new IllegalArgumentException("the " + what + " holds a line break or NUL");
            }
        }
        return s;
    }

    private Connection open(Origin origin, long deadlineNanos) throws IOException {
        InetAddress address = resolver.resolve(origin.host());
        Socket plain = new Socket(Proxy.NO_PROXY); // never through a proxy: the guard checked this address, not the proxy's
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(address, origin.port()), Math.min(CONNECT_TIMEOUT_MS, remainingMillis(deadlineNanos)));
            if (origin.tls() == null) {
                return new Connection(plain);
            }
            // Named after the URL's host: SNI and the certificate's check use it, not the address.
            String name = origin.host().startsWith("[") ? origin.host().substring(1, origin.host().length() - 1) : origin.host();
            SSLSocket tls = (SSLSocket) origin.tls().createSocket(plain, name, origin.port(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(remainingMillis(deadlineNanos));
            tls.startHandshake();
            return new Connection(tls);
        } catch (IOException | RuntimeException e) {
            closeQuietly(plain);
            throw e;
        }
    }

    /** The most recently returned idle connection of {@code origin} still usable, or null. */
    private Connection take(Origin origin) {
        Idle pool = idle.get(origin);
        while (pool != null) {
            Connection c;
            synchronized (pool) {
                c = pool.connections.pollFirst();
            }
            if (c == null) {
                return null;
            }
            if (c.usable(System.nanoTime(), idleTimeoutNanos)) {
                return c;
            }
            c.close(); // outside the lock: closing a TLS socket writes to it
        }
        return null;
    }

    private void give(Origin origin, Connection connection) {
        connection.idleSince = System.nanoTime();
        while (!closed) {
            Idle pool = idle.computeIfAbsent(origin, o -> new Idle());
            synchronized (pool) {
                if (pool.retired) {
                    continue; // the sweep took it out of the map just now: a fresh one is made
                }
                if (pool.connections.size() < MAX_IDLE_PER_ORIGIN) {
                    pool.connections.addFirst(connection);
                    return;
                }
            }
            break;
        }
        connection.close();
    }

    /** Closes every idle connection of {@code origin}: one of them was found closed by the receiver. */
    private void drop(Origin origin) {
        Idle pool = idle.get(origin);
        if (pool == null) {
            return;
        }
        List<Connection> dropped;
        synchronized (pool) {
            dropped = new ArrayList<>(pool.connections);
            pool.connections.clear();
        }
        dropped.forEach(Connection::close);
    }

    /** Closes the connections idle too long (the oldest are last) and forgets origins left with none. */
    private void sweep() {
        try {
            long now = System.nanoTime();
            List<Connection> expired = new ArrayList<>();
            for (Map.Entry<Origin, Idle> entry : idle.entrySet()) {
                Idle pool = entry.getValue();
                synchronized (pool) {
                    pool.connections.removeIf(c -> !c.fresh(now, idleTimeoutNanos) && expired.add(c));
                    if (pool.connections.isEmpty()) {
                        pool.retired = true;
                        idle.remove(entry.getKey(), pool);
                    }
                }
            }
            expired.forEach(Connection::close);
        } catch (RuntimeException e) {
            // a failed sweep must not end the sweeping (a scheduled task that throws is never run again)
        }
    }

    /** Idle connections open now, over every origin. */
    int idleConnections() {
        int n = 0;
        for (Idle pool : idle.values()) {
            synchronized (pool) {
                n += pool.connections.size();
            }
        }
        return n;
    }

    /** Closes the idle connections; a connection given back after this (a request still under way) is closed too. */
    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        List<Connection> open = new ArrayList<>();
        for (Idle pool : idle.values()) {
            synchronized (pool) {
                pool.retired = true;
                open.addAll(pool.connections);
                pool.connections.clear();
            }
        }
        idle.clear();
        open.forEach(Connection::close);
    }

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (ms <= 0) {
            throw new SocketTimeoutException("the deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing; nothing to do
        }
    }

    /** An origin's idle connections, most recently returned first; retired once the sweep has dropped it from the map. */
    private static final class Idle {
        final ArrayDeque<Connection> connections = new ArrayDeque<>();
        boolean retired;
    }

    /** One connection and its read buffer; used by one request at a time. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int pos;
        private int limit;
        private long deadlineNanos;
        long idleSince;
        /** How long the receiver said it keeps the connection open when idle ({@code Keep-Alive: timeout}), or -1. */
        private long keepAliveNanos = -1;
        /** Whether any byte of an answer came in the last exchange. */
        boolean answered;
        /** Whether the last exchange left the connection ready for another request. */
        boolean reusable;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Not idle too long for us or for the receiver (which closes first, so a second of margin). */
        boolean fresh(long now, long idleTimeoutNanos) {
            long limit = keepAliveNanos < 0 ? idleTimeoutNanos : Math.min(idleTimeoutNanos, keepAliveNanos - 1_000_000_000L);
            return now - idleSince < limit;
        }

        /**
         * Fresh, with nothing waiting to be read (bytes after an answer would be taken for the next
         * one's), and, when idle long enough for the receiver to have hung up meanwhile, not closed:
         * a 1 ms read tells (it times out on a live connection, which stays usable).
         */
        boolean usable(long now, long idleTimeoutNanos) {
            if (!fresh(now, idleTimeoutNanos)) {
                return false;
            }
            try {
                if (in.available() > 0) {
                    return false;
                }
                if (now - idleSince < PROBE_AFTER_MS * 1_000_000L) {
                    return true;
                }
                socket.setSoTimeout(1);
                in.read(); // returns only at an end of stream, or with a byte nobody asked for: either way, unusable
                return false;
            } catch (SocketTimeoutException alive) {
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        Response exchange(byte[] head, byte[] body, long deadlineNanos, int maxBodyBytes) throws IOException {
            this.deadlineNanos = deadlineNanos;
            answered = false;
            reusable = false;
            pos = 0;
            limit = 0;
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            if (body.length <= COALESCED_BODY_BYTES) { // one write, one packet (or TLS record) for the usual webhook
                byte[] request = Arrays.copyOf(head, head.length + body.length);
                System.arraycopy(body, 0, request, head.length, body.length);
                out.write(request);
            } else {
                out.write(head);
                out.write(body);
            }
            out.flush();
            Head response;
            do { // interim answers (100 Continue, 103 Early Hints) come before the real one
                response = readHead();
            } while (response.status >= 100 && response.status < 200 && response.status != 101);
            String kept = readBody(response, maxBodyBytes);
            return new Response(response.status, response.retryAfter, kept);
        }

        /**
         * An answer's head, as far as framing goes: {@code chunked} when the last transfer coding is
         * chunked; any other transfer coding ({@code encoded}) runs the body to the end of the stream.
         */
        private record Head(int status, boolean http10, String retryAfter, long contentLength, boolean chunked, boolean encoded,
                            boolean close, boolean keepAlive, long keepAliveSeconds) {}

        private Head readHead() throws IOException {
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' '
                    || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
                throw new IOException("the answer is not HTTP/1.x: " + printable(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("the answer's status is not a number: " + printable(statusLine));
            }
            String retryAfter = null;
            long contentLength = -1;
            boolean chunked = false;
            boolean encoded = false;
            boolean close = false;
            boolean keepAlive = false;
            long keepAliveSeconds = -1;
            int headBytes = statusLine.length();
            for (String line; !(line = readLine()).isEmpty(); ) {
                headBytes += line.length() + 2;
                if (headBytes > MAX_HEAD_BYTES) {
                    throw new IOException("the answer's headers are larger than " + MAX_HEAD_BYTES + " bytes");
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue; // not a header; a lenient reader skips it
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        long n = value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit) ? -1 : Long.parseLong(value);
                        if (n < 0 || (contentLength >= 0 && contentLength != n)) {
                            throw new IOException("the answer's Content-Length is not one number: " + printable(value));
                        }
                        contentLength = n;
                    }
                    case "transfer-encoding" -> {
                        // codings accumulate over lines; only a last "chunked" frames the body
                        String[] codings = value.split(",");
                        chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
                        encoded = true;
                    }
                    case "keep-alive" -> {
                        for (String parameter : value.split(",")) {
                            String p = parameter.trim().toLowerCase(Locale.ROOT);
                            if (p.startsWith("timeout=") && p.length() > 8 && p.length() < 16 && p.substring(8).chars().allMatch(Character::isDigit)) {
                                keepAliveSeconds = Long.parseLong(p.substring(8));
                            }
                        }
                    }
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        close |= v.contains("close");
                        keepAlive |= v.contains("keep-alive");
                    }
                    case "retry-after" -> {
                        if (retryAfter == null) {
                            retryAfter = value;
                        }
                    }
                    default -> { }
                }
            }
            // A body framed by a transfer coding and a length too is framed by the coding, and its
            // connection not trusted after it (RFC 9112, 6.3).
            close |= encoded && contentLength >= 0;
            return new Head(status, statusLine.startsWith("HTTP/1.0"), retryAfter, contentLength, chunked, encoded && !chunked,
                    close, keepAlive, keepAliveSeconds);
        }

        /**
         * The body, at most {@code max} bytes of it kept, read only until the deadline (the status
         * has already decided the outcome, so a body that trickles in is cut short). The
         * connection stays usable when the body's end was reached within {@link #MAX_DRAINED_BYTES}.
         */
        private String readBody(Head head, int max) {
            boolean noBody = head.status == 204 || head.status == 304 || head.status == 101;
            boolean framed = noBody || head.chunked || (head.contentLength >= 0 && !head.encoded);
            keepAliveNanos = head.keepAliveSeconds < 0 ? -1 : head.keepAliveSeconds * 1_000_000_000L;
            Sink sink = new Sink(max);
            try {
                if (noBody) {
                    // nothing follows the head
                } else if (head.chunked) {
                    for (long size; (size = chunkSize()) > 0; ) {
                        if (!copy(size, sink)) {
                            return sink.text();
                        }
                        if (!readLine().isEmpty()) {
                            throw new IOException("a chunk does not end where its size says");
                        }
                    }
                    while (!readLine().isEmpty()) {
                        // trailers: read past, not kept
                    }
                } else if (head.contentLength >= 0 && !head.encoded) {
                    if (head.contentLength > (long) max + MAX_DRAINED_BYTES) {
                        copy(max, sink); // the kept part only: the rest is too long to read past
                        return sink.text();
                    }
                    if (!copy(head.contentLength, sink)) {
                        return sink.text();
                    }
                } else {
                    copy(Long.MAX_VALUE, sink); // to the end of the stream: the connection goes with it
                }
                reusable = framed && head.status != 101 && !head.close && (!head.http10 || head.keepAlive) && pos == limit;
                return sink.text();
            } catch (SocketTimeoutException e) {
                return sink.text(); // the deadline came first: what arrived is kept
            } catch (IOException | RuntimeException e) {
                return null; // the status decides the outcome; an unreadable body is not a failure
            }
        }

        /** Copies {@code n} bytes (or to the end of the stream) into the sink; false when cut short by the deadline or the drain limit. */
        private boolean copy(long n, Sink sink) throws IOException {
            while (n > 0) {
                if (pos == limit) {
                    if (System.nanoTime() >= deadlineNanos || sink.seen >= (long) sink.max + MAX_DRAINED_BYTES) {
                        return false;
                    }
                    if (!fill()) {
                        if (n == Long.MAX_VALUE) {
                            return true;
                        }
                        throw new IOException("the answer ended before its body did");
                    }
                }
                int chunk = (int) Math.min(n, limit - pos);
                sink.add(buffer, pos, chunk);
                pos += chunk;
                if (n != Long.MAX_VALUE) {
                    n -= chunk;
                }
            }
            return true;
        }

        private long chunkSize() throws IOException {
            String line = readLine();
            int end = line.indexOf(';'); // chunk extensions are ignored
            String hex = (end < 0 ? line : line.substring(0, end)).trim();
            try {
                long size = Long.parseLong(hex, 16);
                if (size < 0) {
                    throw new IOException("a negative chunk size");
                }
                return size;
            } catch (NumberFormatException e) {
                throw new IOException("a chunk size is not hexadecimal: " + printable(line));
            }
        }

        /** One line of the head, without its CRLF (a bare LF ends one too); ISO-8859-1, as HTTP's heads are. */
        private String readLine() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (pos == limit && !fill()) {
                    throw new java.net.SocketException("no answer, or only part of one");
                }
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') {
                    pos++;
                }
                int end = pos;
                boolean complete = pos < limit;
                if (complete) {
                    pos++; // past the LF
                }
                String part = new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
                if (line == null && complete) {
                    return stripCr(part);
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                line.append(part);
                if (line.length() > MAX_HEAD_BYTES) {
                    throw new IOException("a line of the answer's head is longer than " + MAX_HEAD_BYTES + " bytes");
                }
                if (complete) {
                    return stripCr(line.toString());
                }
            }
        }

        private static String stripCr(String s) {
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        /** Reads more into the buffer, waiting no longer than the deadline; false at the end of the stream. */
        private boolean fill() throws IOException {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            answered = true;
            pos = 0;
            limit = n;
            return true;
        }

        private static String printable(String s) {
            String cut = s.length() > 80 ? s.substring(0, 80) : s;
            return cut.replaceAll("[^\\x20-\\x7e]", "?");
        }

        void close() {
            reusable = false;
            closeQuietly(socket);
        }
    }

    /** The kept part of a body: grows as the body does (most receivers answer a few bytes or none). */
    private static final class Sink {
        final int max;
        byte[] bytes = new byte[FIRST_BODY_BYTES];
        int length;
        long seen;

        Sink(int max) {
            this.max = max;
        }

        void add(byte[] from, int offset, int n) {
            seen += n;
            int keep = Math.min(n, max - length);
            if (keep <= 0) {
                return;
            }
            if (length + keep > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(length + keep, bytes.length * 4)));
            }
            System.arraycopy(from, offset, bytes, length, keep);
            length += keep;
        }

        /** As text: a NUL (which PostgreSQL text refuses) must not make the attempt unrecordable. */
        String text() {
            return new String(bytes, 0, length, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        }
    }
}
