package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Abuse limits on the management API: key guessing from one address is slowed to a stop, and a key's own rate limit holds. */
class ManagementAbuseTest {
    @Test
    void anAddressThatGuessesKeysIsAnswered429UntilItsWindowPasses() {
        ShiftableClock clock = new ShiftableClock();
        try (TestServer server = new TestServer(clock)) {
            for (int i = 0; i <= KeyGuessing.LIMIT; i++) {
                assertThat(server.call("GET", "/v1/apps", null, "hk_guess_" + i).status()).isEqualTo(401);
            }

            Response blocked = server.call("GET", "/v1/apps", null, TestServer.ROOT_KEY);
            assertThat(blocked.status()).isEqualTo(429);
            assertThat(blocked.text("/error/code")).isEqualTo("rate_limited");
            assertThat(Long.parseLong(blocked.raw().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 61L);

            clock.advance(KeyGuessing.WINDOW.plus(Duration.ofSeconds(2)));
            assertThat(server.call("GET", "/v1/apps", null, TestServer.ROOT_KEY).status()).isEqualTo(200);
        }
    }

    @Test
    void aKeyWithARateLimitIsAnswered429BeyondItUntilTheMinuteHasRoom() {
        ShiftableClock clock = new ShiftableClock();
        try (TestServer server = new TestServer(clock)) {
            Response created = server.post("/v1/api-keys", "{\"name\":\"metered\",\"rate_limit\":5}");
            assertThat(created.json("/rate_limit").asInt()).isEqualTo(5);
            String key = created.text("/key");
            for (int i = 0; i < 5; i++) {
                assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);
            }

            Response limited = server.call("GET", "/v1/apps", null, key);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(server.call("GET", "/v1/apps", null, TestServer.ROOT_KEY).status()).isEqualTo(200); // others are not limited

            clock.advance(Duration.ofSeconds(62));
            assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);
        }
    }

    @Test
    void aRevokedKeySentOverAndOverIsNotAGuess() {
        try (TestServer server = new TestServer()) {
            Response created = server.post("/v1/api-keys", "{\"name\":\"stale\"}");
            server.delete("/v1/api-keys/" + created.text("/id"));
            for (int i = 0; i < KeyGuessing.LIMIT * 2; i++) {
                assertThat(server.call("GET", "/v1/apps", null, created.text("/key")).status()).isEqualTo(401);
            }
            assertThat(server.call("GET", "/v1/apps", null, TestServer.ROOT_KEY).status()).isEqualTo(200);
        }
    }
}
