package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delivery client against a real receiver on loopback that answers each request as a test scripts it. */
class OutboundHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "webhook-id", "msg_1");

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private OutboundHttp client(long idleTimeoutMs) {
        OutboundHttp http = new OutboundHttp(InetAddress::getByName, 20 * 1024, idleTimeoutMs, 50);
        closing.add(http);
        return http;
    }

    private ScriptedReceiver receiver(Function<Request, String> answer) throws IOException {
        ScriptedReceiver receiver = new ScriptedReceiver(answer);
        closing.add(receiver);
        return receiver;
    }

    /** Answers a request of a burst once all of the burst's requests have arrived: each came on a connection of its own. */
    private static String answerOnceAllArrived(Request r, CountDownLatch burst, String answer) {
        if (r.body().contains("burst")) {
            burst.countDown();
            try {
                burst.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return answer;
    }

    /** Sends {@code n} requests at once and returns their statuses. */
    private static List<Integer> sendAtOnce(OutboundHttp http, ScriptedReceiver receiver, int n) throws Exception {
        OutboundHttp.Origin origin = new OutboundHttp.Origin("127.0.0.1", receiver.port(), null);
        List<Integer> statuses = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<OutboundHttp.Response>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(pool.submit(() -> http.post(origin, "/", HEADERS, "burst".getBytes(StandardCharsets.UTF_8),
                        System.nanoTime() + WAIT.toNanos())));
            }
            for (Future<OutboundHttp.Response> f : sent) {
                statuses.add(f.get().status());
            }
        }
        return statuses;
    }

    private static OutboundHttp.Response post(OutboundHttp http, ScriptedReceiver receiver, String target) throws IOException {
        return http.post(new OutboundHttp.Origin("127.0.0.1", receiver.port(), null), target, HEADERS,
                "{\"n\":1}".getBytes(StandardCharsets.UTF_8), System.nanoTime() + WAIT.toNanos());
    }

    @Test
    void sendsExactlyTheHeadersAndBodyGivenWithHostAndLengthAndReadsTheAnswer() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        OutboundHttp.Response response = post(client(30_000), receiver, "/hook/a%2Fb?x=1&a=2");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        Request seen = receiver.requests.poll();
        assertThat(seen.head()).isEqualTo("POST /hook/a%2Fb?x=1&a=2 HTTP/1.1\r\nHost: 127.0.0.1:" + receiver.port() + "\r\n"
                + headerLines() + "Content-Length: 7\r\n\r\n");
        assertThat(seen.body()).isEqualTo("{\"n\":1}");
    }

    private static String headerLines() {
        StringBuilder lines = new StringBuilder();
        HEADERS.forEach((k, v) -> lines.append(k).append(": ").append(v).append("\r\n"));
        return lines.toString();
    }

    @Test
    void aKeptAliveConnectionIsUsedAgainAndTheMostRecentlyReturnedFirst() throws Exception {
        CountDownLatch burst = new CountDownLatch(8);
        ScriptedReceiver receiver = receiver(r -> answerOnceAllArrived(r, burst, "HTTP/1.1 204 No Content\r\n\r\n"));
        OutboundHttp http = client(30_000);
        assertThat(sendAtOnce(http, receiver, 8)).containsOnly(204);
        assertThat(receiver.connections.get()).isEqualTo(8);
        assertThat(http.idleConnections()).isEqualTo(8);

        receiver.requests.clear();
        for (int i = 0; i < 5; i++) {
            assertThat(post(http, receiver, "/").status()).isEqualTo(204);
        }
        // one connection served all five: the one returned last, again and again
        assertThat(receiver.requests).extracting(Request::connection).containsOnly(receiver.requests.peek().connection());
        assertThat(receiver.connections.get()).isEqualTo(8);
    }

    @Test
    void idleConnectionsAreClosedOnceTheirIdleTimeRunsOut() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        OutboundHttp http = client(1_000);
        post(http, receiver, "/");
        assertThat(http.idleConnections()).isEqualTo(1);

        Await.until("the idle connection closed", WAIT, () -> http.idleConnections() == 0 && receiver.hungUp.get() == 1);
        post(http, receiver, "/");
        assertThat(receiver.connections.get()).isEqualTo(2);
    }

    @Test
    void aChunkedBodyIsReadAndItsConnectionKept() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        OutboundHttp http = client(30_000);
        assertThat(post(http, receiver, "/").body()).isEqualTo("hello world");
        assertThat(post(http, receiver, "/").body()).isEqualTo("hello world");
        assertThat(receiver.connections.get()).isEqualTo(1);
    }

    @Test
    void interimAnswersAreSkippedForTheFinalOne() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nslow");
        OutboundHttp.Response response = post(client(30_000), receiver, "/");
        assertThat(response.status()).isEqualTo(429);
        assertThat(response.retryAfter()).isEqualTo("7");
        assertThat(response.body()).isEqualTo("slow");
    }

    @Test
    void connectionCloseAndUnframedBodiesEndTheConnection() throws Exception {
        ScriptedReceiver receiver = receiver(r -> r.body().contains("close")
                ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nc"
                : "HTTP/1.0 200 OK\r\n\r\nto the end"); // no length: the body runs to the end of the stream
        receiver.closeAfter = r -> r.body().contains("plain");
        OutboundHttp http = client(30_000);
        OutboundHttp.Origin origin = new OutboundHttp.Origin("127.0.0.1", receiver.port(), null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        assertThat(http.post(origin, "/", HEADERS, "close".getBytes(StandardCharsets.UTF_8), deadline).body()).isEqualTo("c");
        assertThat(http.idleConnections()).isZero(); // the receiver said it closes: not kept, though it is still open
        assertThat(http.post(origin, "/", HEADERS, "plain".getBytes(StandardCharsets.UTF_8), deadline).body()).isEqualTo("to the end");
        assertThat(http.idleConnections()).isZero();
        assertThat(receiver.connections.get()).isEqualTo(2);
    }

    @Test
    void aLargeBodyIsKeptUpToTheCapAndTheRestReadPastSoTheConnectionStays() throws Exception {
        String big = "x".repeat(100 * 1024);
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 500 Internal Server Error\r\nContent-Length: " + big.length() + "\r\n\r\n" + big);
        OutboundHttp http = client(30_000);
        OutboundHttp.Response response = post(http, receiver, "/");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).hasSize(20 * 1024);
        post(http, receiver, "/");
        assertThat(receiver.connections.get()).isEqualTo(1);
    }

    @Test
    void noAnswerByTheDeadlineIsATimeoutAndIsNotSentAgain() throws Exception {
        // the first request is answered, the second (on the same, pooled, connection) never is
        ScriptedReceiver receiver = receiver(r -> r.body().isEmpty() ? "HTTP/1.1 204 No Content\r\n\r\n" : null);
        OutboundHttp http = client(30_000);
        OutboundHttp.Origin origin = new OutboundHttp.Origin("127.0.0.1", receiver.port(), null);
        http.post(origin, "/", HEADERS, new byte[0], System.nanoTime() + WAIT.toNanos());
        long start = System.nanoTime();
        assertThatThrownBy(() -> http.post(origin, "/", HEADERS, "slow".getBytes(StandardCharsets.UTF_8),
                System.nanoTime() + Duration.ofMillis(300).toNanos())).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2300));
        assertThat(receiver.requests).hasSize(2);
        assertThat(receiver.connections.get()).isEqualTo(1);
    }

    @Test
    void severalPooledConnectionsTheReceiverClosedCostTheRequestNothing() throws Exception {
        CountDownLatch burst = new CountDownLatch(4);
        ScriptedReceiver receiver = receiver(r -> answerOnceAllArrived(r, burst, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        receiver.closeAfter = r -> r.body().contains("burst"); // four connections, each closed once answered
        OutboundHttp http = client(30_000);
        assertThat(sendAtOnce(http, receiver, 4)).containsOnly(200);
        Await.until("the receiver hung up on all four", WAIT, () -> receiver.closed.get() == 4);

        assertThat(post(http, receiver, "/").status()).isEqualTo(200);
        assertThat(receiver.connections.get()).isEqualTo(5);
    }

    @Test
    void aReceiverThatKeepsIdleConnectionsBrieflyGetsANewOneAfterThat() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 0\r\n\r\n");
        OutboundHttp http = client(30_000);
        post(http, receiver, "/");
        post(http, receiver, "/"); // a second's margin under the receiver's one: never used again
        assertThat(receiver.connections.get()).isEqualTo(2);
    }

    @Test
    void aPooledConnectionTheReceiverClosedIsReplacedWithoutFailingTheRequest() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        receiver.hangUpOnSecondRequest = true;
        OutboundHttp http = client(30_000);
        post(http, receiver, "/");
        assertThat(post(http, receiver, "/").status()).isEqualTo(200);
        assertThat(receiver.connections.get()).isEqualTo(2);
    }

    @Test
    void aLineBreakInAHeaderSendsNothing() throws Exception {
        ScriptedReceiver receiver = receiver(r -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        OutboundHttp http = client(30_000);
        assertThatThrownBy(() -> http.post(new OutboundHttp.Origin("127.0.0.1", receiver.port(), null), "/",
                Map.of("X-Evil", "a\r\nHost: elsewhere"), new byte[0], System.nanoTime() + WAIT.toNanos()))
                .isInstanceOf(IllegalArgumentException.class);
        post(http, receiver, "/");
        assertThat(receiver.requests).hasSize(1); // only the valid one arrived, on the only connection made
        assertThat(receiver.connections.get()).isEqualTo(1);
    }

    record Request(int connection, String head, String body) {}

    /** Accepts connections and answers each request with what the script returns for it (null: no answer). */
    private static final class ScriptedReceiver implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Function<Request, String> script;
        final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger hungUp = new AtomicInteger();
        /** Connections this receiver closed itself. */
        final AtomicInteger closed = new AtomicInteger();
        /** Which answered requests the receiver then hangs up after, without saying so (no Connection: close). */
        volatile java.util.function.Predicate<Request> closeAfter = r -> false;
        volatile boolean hangUpOnSecondRequest;

        ScriptedReceiver(Function<Request, String> script) throws IOException {
            this.script = script;
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket connection = server.accept();
                        int id = connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(id, connection));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(int id, Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream();
                for (int n = 1; ; n++) {
                    String head = readHead(in);
                    if (head == null) {
                        hungUp.incrementAndGet();
                        return;
                    }
                    if (hangUpOnSecondRequest && n == 2) {
                        return; // as a receiver whose idle timeout ran out as the request came
                    }
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    Request request = new Request(id, head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    requests.add(request);
                    String answer = script.apply(request);
                    if (answer == null) {
                        in.read(); // until the client gives up
                        return;
                    }
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (closeAfter.test(request)) {
                        connection.close();
                        closed.incrementAndGet();
                        return;
                    }
                }
            } catch (IOException gone) {
                // the client closed the connection
            }
        }

        /** The request's head up to and with its blank line, or null at the end of the stream. */
        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
