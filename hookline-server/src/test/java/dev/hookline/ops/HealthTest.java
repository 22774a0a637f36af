package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/live} says the process answers; {@code /health/ready} says it can take traffic:
 * with the database's write lock held by someone else, the writer cannot commit, so it is not ready
 * (503) while still live, and ready again once the lock goes.
 */
class HealthTest {
    @Test
    void readyFollowsTheWriterWhileLiveStaysUp() throws Exception {
        try (TestServer server = new TestServer()) {
            ApiClient.Response ready = server.call("GET", "/health/ready", null, null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.text("/status")).isEqualTo("ready");
            assertThat(server.call("GET", "/health/live", null, null).status()).isEqualTo(200);
            assertThat(server.call("GET", "/health", null, null).text("/status")).isEqualTo("ok");

            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("hookline.db"));
                 Statement st = other.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("BEGIN EXCLUSIVE");
                ApiClient.Response stalled = server.call("GET", "/health/ready", null, null);
                assertThat(stalled.status()).isEqualTo(503);
                assertThat(stalled.text("/status")).isEqualTo("unavailable");
                assertThat(stalled.text("/reason")).startsWith("the writer is not committing");
                assertThat(server.call("GET", "/health/live", null, null).status()).isEqualTo(200);
                st.execute("COMMIT");
            }
            Await.until("ready again once the lock is released", Duration.ofSeconds(30),
                    () -> server.call("GET", "/health/ready", null, null).status() == 200);
        }
    }
}
