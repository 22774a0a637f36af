package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped for about ten seconds under load: ingest answers 503 (never a 2xx without a
 * commit), the nodes recover by themselves when it returns, and every acknowledged message is delivered.
 */
class DatabaseOutageTest {
    private static final String MASTER_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @TempDir
    Path pgData;

    @Test
    void ingestAnswers503DuringAnOutageAndEverythingAcknowledgedIsDelivered() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = start(port);
        String url = pg.getJdbcUrl("postgres", "postgres") + "&password=postgres";
        Receiver receiver = new Receiver();
        try (receiver; TestServer a = node(url); TestServer b = node(url)) {
            String app = a.createApp("Busy");
            a.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}}");
            List<ApiClient> nodes = List.of(a, b);

            Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
            List<Integer> statusesDuringOutage = new CopyOnWriteArrayList<>();
            AtomicBoolean down = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger next = new AtomicInteger();
            var producers = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                producers.execute(() -> {
                    while (!stop.get()) {
                        int i = next.getAndIncrement();
                        while (!stop.get() || !acknowledged.containsKey(i)) {
                            boolean downBefore = down.get();
                            var r = nodes.get(i % 2).post("/v1/apps/" + app + "/messages",
                                    "{\"event\":\"tick\",\"id\":\"t-" + i + "\",\"data\":{\"i\":" + i + "}}");
                            if (downBefore && down.get()) { // asked and answered while the database was certainly down
                                statusesDuringOutage.add(r.status());
                            }
                            if (r.status() == 202 || r.status() == 200) {
                                acknowledged.put(i, r.text("/id"));
                                break;
                            }
                            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                        }
                    }
                });
            }
            Await.until("some load", Duration.ofSeconds(30), () -> acknowledged.size() >= 100);

            pg.close(); // the database goes away
            down.set(true);
            Await.until("ingest refusing during the outage", Duration.ofSeconds(30), () -> statusesDuringOutage.contains(503));
            LockSupport.parkNanos(Duration.ofSeconds(8).toNanos()); // keep it down for a while: this is the outage under test
            down.set(false);
            pg = start(port);

            int before = acknowledged.size();
            Await.until("ingest to recover by itself", Duration.ofSeconds(60), () -> acknowledged.size() > before + 50);
            stop.set(true);
            producers.shutdown();
            assertThat(producers.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(statusesDuringOutage).isNotEmpty().containsOnly(503);
            Set<String> expected = new HashSet<>(acknowledged.values());
            Await.until("every acknowledged message delivered", Duration.ofSeconds(120), () -> {
                Set<String> delivered = new HashSet<>();
                receiver.requests().forEach(r -> delivered.add(r.header("webhook-id")));
                return delivered.containsAll(expected);
            });
        } finally {
            pg.close();
        }
    }

    private EmbeddedPostgres start(int port) throws java.io.IOException {
        return EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(port).start();
    }

    private static TestServer node(String url) {
        return new TestServer(Backend.SQLITE, Clock.systemUTC(), s -> s.withDatabaseUrl(url).withMasterKey(MASTER_KEY));
    }
}
