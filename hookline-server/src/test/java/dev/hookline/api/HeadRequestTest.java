package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.RawHttp;
import dev.hookline.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code HEAD} (what uptime monitors and {@code curl -I} send) answers as {@code GET} does — the same
 * status, the same headers, the same key needed — with no body. Each HEAD is followed on the same
 * connection by a GET: a body sent after the HEAD's headers would garble that GET's answer.
 * {@link AuthorizationTableTest} asks HEAD beside every GET of the route table, with every kind of key.
 */
class HeadRequestTest {
    private static final String KEY = "Authorization: Bearer " + TestServer.ROOT_KEY + "\r\n";
    private static TestServer server;
    private static String app;

    @BeforeAll
    static void start() {
        server = new TestServer();
        app = server.createApp("Headed");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/health/ready            | false | 200",
        "/health/live             | false | 200",
        "/                        | false | 200",
        "/portal                  | false | 200",
        "/assets/app.js           | false | 200",
        "/assets/no-such-thing.js | false | 404",
        "/metrics                 | false | 200",
        "/openapi.json            | false | 200",
        "/docs                    | false | 200",
        "/v1/apps                 | true  | 200",
        "/v1/apps                 | false | 401",
        "/v1/apps/{app}/messages  | true  | 200",
        "/v1/apps/app_nothing     | true  | 404",
        "/api/v1/app              | true  | 200",
        "/api/v1/app              | false | 401",
        "/nothing-here            | false | 404",
        "/v1/apps/{app}/portal-access | true | 405",
    })
    void headAnswersAsGetDoesWithoutABody(String path, boolean withKey, int status) {
        String target = path.replace("{app}", app);
        String key = withKey ? KEY : "";
        List<RawHttp.Answer> answers = RawHttp.exchange(server.port(),
                RawHttp.request("GET", target, key), RawHttp.request("HEAD", target, key), RawHttp.request("GET", "/health/live", ""));
        RawHttp.Answer get = answers.get(0);
        RawHttp.Answer head = answers.get(1);

        assertThat(get.status()).as("GET %s: %s", target, get.body()).isEqualTo(status);
        assertThat(head.status()).as("HEAD %s", target).isEqualTo(status);
        assertThat(comparable(head.headers())).isEqualTo(comparable(get.headers()));
        assertThat(head.headers()).containsKey("content-type");
        assertThat(answers.get(2).status()).as("the answer after the HEAD's (a body sent for HEAD would garble it)").isEqualTo(200);
        assertThat(answers.get(2).body()).contains("\"ok\"");
    }

    /** Headers that differ between two answers for reasons of their own: the date, and the metrics text's length as it counts. */
    private static Map<String, String> comparable(Map<String, String> headers) {
        Map<String, String> out = new TreeMap<>(headers);
        out.remove("date");
        out.remove("content-length");
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/health/ready  | 200",
        "/v1/apps       | 200",
        "/              | 200",
    })
    void headAnnouncesTheLengthGetWouldSend(String path, int status) {
        List<RawHttp.Answer> answers = RawHttp.exchange(server.port(), RawHttp.request("GET", path, KEY), RawHttp.request("HEAD", path, KEY));
        assertThat(answers.get(1).status()).isEqualTo(status);
        assertThat(answers.get(1).headers().get("content-length")).isEqualTo(answers.get(0).headers().get("content-length"));
    }
}
