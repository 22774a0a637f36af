package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ServerProcess;
import dev.hookline.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Hookline processes on one PostgreSQL, producers spread over all of them, one node killed
 * with SIGKILL mid-stream: every acknowledged message is delivered, its leased work is taken over,
 * and no delivery is ever attempted on two nodes at once.
 */
class MultiNodeTest {
    private static final String MASTER_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes, base64

    @TempDir
    Path dir;

    @Test
    void threeNodesShareTheWorkAndSurviveOneBeingKilled() throws Exception {
        String databaseUrl = TestPostgres.newDatabase();
        int n = 900;
        // one request in five fails, so deliveries are retried, and retries may land on any node
        Receiver receiver = new Receiver().answeringBy(i -> i % 5 == 0 ? 500 : 200);
        List<ServerProcess> nodes = new ArrayList<>();
        try (receiver) {
            startNodes(nodes, 3, databaseUrl);
            ApiClient first = ApiClient.at(nodes.get(0).baseUrl());
            String app = first.createApp("Shared");
            first.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"timeout_ms\":2000,\"retry\":{\"schedule\":[1,1,1,1,1,1,1,1,1,1]}}");

            Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            try (var producers = Executors.newFixedThreadPool(6)) {
                for (int t = 0; t < 6; t++) {
                    producers.execute(() -> {
                        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                            for (int tries = 0; ; tries++) {
                                // round-robin over the nodes; a dead node's turn goes to the next one
                                ApiClient node = ApiClient.at(nodes.get((i + tries) % 3).baseUrl());
                                try {
                                    var r = node.post("/v1/apps/" + app + "/messages", "{\"event\":\"tick\",\"id\":\"t-" + i + "\",\"data\":{\"i\":" + i + "}}");
                                    if (r.status() == 202 || r.status() == 200) {
                                        acknowledged.put(i, r.text("/id"));
                                        break;
                                    }
                                } catch (RuntimeException nodeDown) {
                                    // connection refused: that node is dead, try another
                                }
                                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                            }
                        }
                    });
                }
                Await.until("a third of the stream", Duration.ofSeconds(60), () -> acknowledged.size() >= n / 3);
                nodes.get(1).kill();
            }

            assertThat(acknowledged).hasSize(n);
            Set<String> expected = new HashSet<>(acknowledged.values());
            // the killed node's leases run out after timeout + margin (12 s); the others take its work over
            Await.until("every acknowledged message delivered", Duration.ofSeconds(120), () -> {
                Set<String> delivered = new HashSet<>();
                receiver.requests().stream().filter(r -> r.header("webhook-id") != null).forEach(r -> delivered.add(r.header("webhook-id")));
                return delivered.containsAll(expected);
            });
            Await.until("every delivery to settle", Duration.ofSeconds(60), () -> pending(databaseUrl) == 0);

            assertThat(receiver.maxConcurrentForOneId()).as("a delivery in flight on two nodes at once").isEqualTo(1);
            assertAttemptNumbersAreUniqueAndContiguous(databaseUrl);
        } finally {
            nodes.forEach(ServerProcess::close);
        }
    }

    /**
     * Two nodes ingesting messages that fan out to ten endpoints each, in two apps, while a fifth of
     * the attempts fail and are retried: every node's group commit queues deliveries and moves the
     * queue heads of many endpoints in one transaction, the two nodes at once. PostgreSQL must not
     * find a deadlock among them (it would end one node's whole batch after its deadlock timeout,
     * a second by default, and the batch would run again: every request in it a second late).
     */
    @Test
    void twoNodesFanningOutToManyEndpointsNeverDeadlock() throws Exception {
        String databaseUrl = TestPostgres.newDatabase();
        int n = 400;
        Receiver receiver = new Receiver().answeringBy(i -> i % 5 == 0 ? 500 : 200);
        List<ServerProcess> nodes = new ArrayList<>();
        try (receiver) {
            startNodes(nodes, 2, databaseUrl);
            ApiClient first = ApiClient.at(nodes.get(0).baseUrl());
            List<String> apps = List.of(first.createApp("One"), first.createApp("Two"));
            for (String app : apps) {
                for (int e = 0; e < 10; e++) {
                    first.createEndpoint(app, "{\"url\":\"" + receiver.url() + "/" + e + "\",\"timeout_ms\":2000,"
                            + "\"retry\":{\"schedule\":[1,1,1,1,1,1,1,1,1,1]}}");
                }
            }
            long deadlocksBefore = deadlocks(databaseUrl);
            AtomicInteger next = new AtomicInteger();
            try (var producers = Executors.newFixedThreadPool(8)) {
                for (int t = 0; t < 8; t++) {
                    producers.execute(() -> {
                        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                            var r = ApiClient.at(nodes.get(i % 2).baseUrl()).post("/v1/apps/" + apps.get((i / 2) % 2) + "/messages",
                                    "{\"event\":\"tick\",\"data\":{\"i\":" + i + "}}");
                            assertThat(r.status()).isEqualTo(202);
                        }
                    });
                }
            }
            try {
                Await.value("every delivery to settle", Duration.ofSeconds(120), () -> pendingDeliveries(databaseUrl), String::isEmpty);
            } catch (AssertionError e) {
                StringBuilder logs = new StringBuilder(e.getMessage());
                for (ServerProcess node : nodes) {
                    List<String> warnings = node.log().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
                    logs.append("\nnode ").append(node.baseUrl()).append(": ").append(warnings.size()).append(" warnings, the last:\n  ")
                            .append(String.join("\n  ", warnings.subList(Math.max(0, warnings.size() - 20), warnings.size())));
                }
                throw new AssertionError(logs.toString(), e);
            }
            assertThat(receiver.count()).isGreaterThanOrEqualTo(n * 10);
            assertThat(deadlocks(databaseUrl) - deadlocksBefore).as("deadlocks PostgreSQL found").isZero();
        } finally {
            nodes.forEach(ServerProcess::close);
        }
    }

    private static long deadlocks(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code count} server processes on the one database, each with a data folder of its own. */
    private void startNodes(List<ServerProcess> nodes, int count, String databaseUrl) throws java.io.IOException {
        Map<String, String> env = Map.of("HOOKLINE_DATABASE_URL", databaseUrl, "HOOKLINE_MASTER_KEY", MASTER_KEY);
        for (int i = 0; i < count; i++) {
            nodes.add(new ServerProcess(Files.createDirectories(dir.resolve("node" + i)), env).start());
        }
    }

    /**
     * The deliveries still pending, each with its endpoint's queue head and health, or "" when none is: what
     * a timeout shows, so that a delivery that never settles says why.
     */
    private static String pendingDeliveries(String url) {
        String sql = """
                SELECT d.id, d.endpoint_id, d.attempts, d.next_attempt_at, d.leased_until, d.lease_owner,
                       h.next_due_at, e.circuit_open_until, e.consecutive_failures, e.enabled, e.fifo,
                       (SELECT COUNT(*) FROM deliveries WHERE status = 'pending') AS total
                FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
                LEFT JOIN endpoint_heads h ON h.endpoint_id = d.endpoint_id
                WHERE d.status = 'pending' ORDER BY d.next_attempt_at LIMIT 10""";
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            long now = System.currentTimeMillis();
            while (rs.next()) {
                if (out.isEmpty()) {
                    out.append(rs.getLong("total")).append(" pending at ").append(now).append(", the first by due time:");
                }
                out.append("\n  delivery ").append(rs.getString(1)).append(" endpoint ").append(rs.getString(2))
                        .append(" attempts ").append(rs.getInt(3)).append(" next_attempt_at ").append(rs.getObject(4))
                        .append(" leased_until ").append(rs.getObject(5)).append(" lease_owner ").append(rs.getObject(6))
                        .append(" | head ").append(rs.getObject(7)).append(" circuit_open_until ").append(rs.getObject(8))
                        .append(" consecutive_failures ").append(rs.getInt(9)).append(" enabled ").append(rs.getObject(10))
                        .append(" fifo ").append(rs.getObject(11));
            }
            return out.toString();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pending(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertAttemptNumbersAreUniqueAndContiguous(String url) throws Exception {
        Map<String, List<Integer>> byDelivery = new HashMap<>();
        Map<String, Integer> recorded = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT delivery_id, attempt FROM attempts ORDER BY delivery_id, attempt")) {
                while (rs.next()) {
                    byDelivery.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getInt(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT id, attempts FROM deliveries")) {
                while (rs.next()) {
                    recorded.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        assertThat(byDelivery).isNotEmpty();
        byDelivery.forEach((delivery, attempts) -> {
            List<Integer> oneToK = java.util.stream.IntStream.rangeClosed(1, attempts.size()).boxed().toList();
            assertThat(attempts).as("attempts of %s", delivery).isEqualTo(oneToK);
            assertThat(recorded.get(delivery)).as("attempt count of %s", delivery).isEqualTo(attempts.size());
        });
    }
}
