package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Await;
import dev.hookline.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A stalled database: ingest answers 503 with Retry-After instead of queueing without bound, and loses nothing it acknowledged. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class BackpressureTest {
    private final Backend backend;

    BackpressureTest(Backend backend) {
        this.backend = backend;
    }

    @Test
    void aSaturatedWritePathAnswers503AndKeepsEverythingItAcknowledged() throws Exception {
        try (TestServer server = new TestServer(backend, Clock.systemUTC(), s -> s.withWriteQueueCapacity(5))) {
            String app = server.createApp("Acme");
            List<ApiClient.Response> answers = new CopyOnWriteArrayList<>();
            ExecutorService producers = Executors.newFixedThreadPool(40);
            // Another client locks what ingest writes: the writer stalls, as it would behind a slow disk.
            boolean sqlite = backend == Backend.SQLITE;
            try (Connection other = DriverManager.getConnection(sqlite ? "jdbc:sqlite:" + server.dataDir().resolve("hookline.db")
                    : server.databaseUrl()); Statement st = other.createStatement()) {
                if (sqlite) {
                    st.execute("PRAGMA busy_timeout = 10000"); // Hookline's writer holds the lock briefly, too
                    st.execute("BEGIN EXCLUSIVE");
                } else {
                    st.execute("BEGIN");
                    st.execute("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
                }
                for (int i = 0; i < 40; i++) {
                    int n = i;
                    producers.execute(() -> {
                        try {
                            answers.add(server.post("/v1/apps/" + app + "/messages",
                                    "{\"event\":\"a.b\",\"id\":\"m-" + n + "\",\"data\":{\"n\":" + n + "}}"));
                        } catch (RuntimeException e) {
                            e.printStackTrace();
                            throw e;
                        }
                    });
                }
                Await.until("the queue to overflow", Duration.ofSeconds(20), () -> answers.stream().anyMatch(r -> r.status() == 503));
                st.execute("COMMIT");
            }
            producers.shutdown();
            assertThat(producers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<ApiClient.Response> refused = answers.stream().filter(r -> r.status() == 503).toList();
            List<ApiClient.Response> accepted = answers.stream().filter(r -> r.status() == 202).toList();
            assertThat(answers).hasSize(40);
            assertThat(refused).isNotEmpty();
            assertThat(refused).allSatisfy(r -> {
                assertThat(r.text("/error/code")).isEqualTo("unavailable");
                assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
            });
            assertThat(accepted.size() + refused.size()).isEqualTo(40);
            for (ApiClient.Response ok : accepted) {
                assertThat(server.get("/v1/apps/" + app + "/messages/" + ok.text("/id")).status()).isEqualTo(200);
            }
        }
    }
}
