package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.Await;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deliveries over kept-alive connections, to a real receiver on loopback that closes them. */
class KeepAliveTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestServer server = new TestServer(new ShiftableClock());

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aKeptAliveConnectionTheReceiverClosesCostsTheDeliveryNoAttempt() throws Exception {
        // The receiver answers the first request on each connection and keeps it open; when the next
        // request comes over it, it hangs up unanswered, as a receiver whose idle timeout ran out
        // just as that request was sent. Only the pooled connection is at fault.
        try (ClosingReceiver receiver = new ClosingReceiver()) {
            String app = server.createApp("Acme");
            server.createEndpoint(app, "{\"url\":\"http://127.0.0.1:" + receiver.port() + "/hook\"}");
            for (int i = 1; i <= 3; i++) {
                String msg = server.send(app, "order.created", "{\"n\":" + i + "}");

                Await.until("message " + i + " delivered", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
                JsonNode attempts = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").json("/data");
                assertThat(attempts).hasSize(1);
                assertThat(attempts.get(0).get("attempt").asInt()).isEqualTo(1);
                assertThat(attempts.get(0).get("status_code").asInt()).isEqualTo(200);
            }
            assertThat(receiver.answered.get()).isEqualTo(3);
            assertThat(receiver.hungUp.get()).isEqualTo(2); // messages 2 and 3 found the connection before them closed
        }
    }

    /** Answers one request per connection with 200 (keep-alive), then closes when the next one arrives. */
    private static final class ClosingReceiver implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger hungUp = new AtomicInteger();

        ClosingReceiver() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        Thread.ofVirtual().start(() -> serve(connection));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve(Socket connection) {
            try (connection) {
                InputStream in = connection.getInputStream();
                readRequest(in);
                connection.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                connection.getOutputStream().flush();
                answered.incrementAndGet();
                if (in.read() >= 0) { // the next request's first byte: hang up on it, the rest unread
                    hungUp.incrementAndGet();
                }
            } catch (IOException gone) {
                // the sender closed the connection: nothing to answer
            }
        }

        /** Reads one request: the head, then as many bytes as its Content-Length says. */
        private static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed mid-request");
                }
                head.write(b);
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            in.readNBytes(length);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
