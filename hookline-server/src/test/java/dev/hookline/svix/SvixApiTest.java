package dev.hookline.svix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The Svix API's edges, as raw HTTP: what the SDK tests do not reach; on SQLite and on PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class SvixApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Parameter
    Backend backend;

    private TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(backend);
        server.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void hostedOnlyRoutesAnswerASvixShaped404NamingThem() {
        ApiClient.Response r = server.get("/api/v1/app/acme/endpoint/ep_x/transformation");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text("/code")).isEqualTo("not_found");
        assertThat(r.text("/detail")).contains("/api/v1/app/acme/endpoint/ep_x/transformation").contains("not offered");
        assertThat(server.post("/api/v1/connector", "{}").text("/code")).isEqualTo("not_found");
    }

    @Test
    void unknownQueryParametersAreIgnoredAsSvixDoes() {
        ApiClient.Response r = server.get("/api/v1/app?limit=10&order=ascending&something_new=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json("/data")).hasSize(1);
        assertThat(r.json("/done").asBoolean()).isTrue();
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherRoute() throws Exception {
        HttpResponse<String> first = post("/api/v1/app/acme/msg", "k-1", "{\"eventType\":\"a.b\",\"payload\":{\"n\":1}}");
        HttpResponse<String> again = post("/api/v1/app/acme/msg", "k-1", "{\"eventType\":\"a.b\",\"payload\":{\"n\":1}}");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(json(again).at("/id").asText()).isEqualTo(json(first).at("/id").asText());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(server.get("/api/v1/app/acme/msg").json("/data")).hasSize(1);

        HttpResponse<String> elsewhere = post("/api/v1/app", "k-1", "{\"name\":\"Other\"}");
        assertThat(elsewhere.statusCode()).isEqualTo(422);
        assertThat(json(elsewhere).at("/detail/0/loc/1").asText()).isEqualTo("Idempotency-Key");

        // a failed request is remembered too (only a 5xx is not): the same key gives the same 422
        HttpResponse<String> bad = post("/api/v1/app/acme/msg", "k-2", "{\"eventType\":\"a.b\"}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(post("/api/v1/app/acme/msg", "k-2", "{\"eventType\":\"a.b\",\"payload\":{}}").statusCode()).isEqualTo(422);
    }

    @Test
    void anAppScopedKeySeesOnlyItsAppThroughTheSvixApiToo() {
        String other = server.post("/api/v1/app", "{\"name\":\"Globex\",\"uid\":\"globex\"}").text("/id");
        String key = server.post("/v1/api-keys", "{\"name\":\"acme only\",\"app\":\"acme\"}").text("/key");
        assertThat(server.call("GET", "/api/v1/app", null, key).json("/data")).hasSize(1);
        ApiClient.Response hidden = server.call("GET", "/api/v1/app/" + other, null, key);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.text("/code")).isEqualTo("not_found");
        assertThat(server.call("POST", "/api/v1/app/globex/msg", "{\"eventType\":\"a.b\",\"payload\":{}}", key).status()).isEqualTo(404);
        assertThat(server.call("POST", "/api/v1/app/acme/msg", "{\"eventType\":\"a.b\",\"payload\":{}}", key).status()).isEqualTo(202);
    }

    @Test
    void refusalsBeforeAnyHandlerAreInSvixShapeToo() {
        ApiClient.Response noKey = server.call("GET", "/api/v1/app", null, null);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.text("/code")).isEqualTo("unauthorized");
        assertThat(noKey.text("/detail")).contains("API key");
        assertThat(noKey.body().has("error")).isFalse();
        String readOnly = server.post("/v1/api-keys", "{\"name\":\"looker\",\"read_only\":true}").text("/key");
        ApiClient.Response write = server.call("POST", "/api/v1/app", "{\"name\":\"Initech\"}", readOnly);
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.text("/detail")).contains("read-only");
        assertThat(write.body().has("error")).isFalse();
        // Hookline's own API keeps its shape
        assertThat(server.call("GET", "/v1/apps", null, null).text("/error/code")).isEqualTo("unauthorized");
    }

    @Test
    void unsupportedFieldsAreRefusedByNameNotDropped() {
        ApiClient.Response r = server.post("/api/v1/app/acme/msg",
                "{\"eventType\":\"a.b\",\"payload\":{},\"deliverAt\":\"2030-01-01T00:00:00Z\"}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.text("/detail/0/loc/1")).isEqualTo("deliverAt");
        assertThat(r.text("/detail/0/msg")).contains("not offered");
        // what the SDKs send for an unset field passes
        assertThat(server.post("/api/v1/app/acme/msg", "{\"eventType\":\"a.b\",\"payload\":{},\"deliverAt\":null,\"tags\":[]}")
                .status()).isEqualTo(202);
    }

    @Test
    void endpointStatsCountDeliveriesByState() {
        try (Receiver receiver = new Receiver()) {
            String ep = server.post("/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url() + "\"}").text("/id");
            server.post("/api/v1/app/acme/msg", "{\"eventType\":\"a.b\",\"payload\":{}}");
            server.post("/api/v1/app/acme/msg", "{\"eventType\":\"a.b\",\"payload\":{}}");
            ApiClient.Response stats = Await.value("two deliveries counted", Duration.ofSeconds(20),
                    () -> server.get("/api/v1/app/acme/endpoint/" + ep + "/stats"), r -> r.json("/success").asInt() == 2);
            assertThat(stats.json("/fail").asInt()).isZero();
            assertThat(stats.json("/pending").asInt()).isZero();

            // Svix's window: ?since=&until=, 28 days back by default and at most, never past now
            String base = "/api/v1/app/acme/endpoint/" + ep + "/stats";
            java.time.Instant now = java.time.Instant.now();
            assertThat(server.get(base + "?since=" + now.minus(Duration.ofDays(1))).json("/success").asInt()).isEqualTo(2);
            assertThat(server.get(base + "?until=" + now.minus(Duration.ofDays(1))).json("/success").asInt()).isZero();
            ApiClient.Response tooLong = server.get(base + "?since=" + now.minus(Duration.ofDays(29)));
            assertThat(tooLong.status()).isEqualTo(422);
            assertThat(tooLong.text("/detail/0/loc/1")).isEqualTo("since");
            assertThat(tooLong.text("/detail/0/msg")).contains("28 days");
            ApiClient.Response future = server.get(base + "?until=" + now.plus(Duration.ofDays(1)));
            assertThat(future.status()).isEqualTo(422);
            assertThat(future.text("/detail/0/loc/1")).isEqualTo("until");
        }
    }

    @Test
    void aMessageWithAnInlineApplicationCreatesTheAppFirst() {
        ApiClient.Response r = server.post("/api/v1/app/newco/msg",
                "{\"eventType\":\"a.b\",\"payload\":{},\"application\":{\"name\":\"NewCo\"}}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(server.get("/api/v1/app/newco").text("/name")).isEqualTo("NewCo");
        assertThat(server.post("/api/v1/app/nobody/msg", "{\"eventType\":\"a.b\",\"payload\":{}}").status())
                .as("without one, an unknown app is a 404").isEqualTo(404);
    }

    @Test
    void expungingAMessagesContentLeavesAnEmptyPayload() {
        String msg = server.post("/api/v1/app/acme/msg", "{\"eventType\":\"a.b\",\"payload\":{\"secret\":\"x\"}}").text("/id");
        assertThat(server.get("/api/v1/app/acme/msg/" + msg).text("/payload/secret")).isEqualTo("x");
        assertThat(server.delete("/api/v1/app/acme/msg/" + msg + "/content").status()).isEqualTo(204);
        assertThat(server.get("/api/v1/app/acme/msg/" + msg).json("/payload").isEmpty()).isTrue();
    }

    @Test
    void aPullEndpointIsNeitherResentNorRecoveredThroughSvixEither() {
        // made through /v1 (Svix has no pull endpoints), then asked through Svix's routes
        String ep = server.post("/v1/apps/acme/endpoints", "{\"delivery\":\"pull\"}").text("/id");
        String msg = server.post("/api/v1/app/acme/msg", "{\"eventType\":\"a.b\",\"payload\":{}}").text("/id");
        ApiClient.Response resend = server.post("/api/v1/app/acme/msg/" + msg + "/endpoint/" + ep + "/resend", "{}");
        assertThat(resend.status()).as(resend.raw().body()).isEqualTo(409);
        assertThat(resend.text("/detail")).contains("pull endpoint");
        ApiClient.Response recover = server.post("/api/v1/app/acme/endpoint/" + ep + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}");
        assertThat(recover.status()).as(recover.raw().body()).isEqualTo(409);
    }

    private HttpResponse<String> post(String path, String idempotencyKey, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + ApiClient.ROOT_KEY).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body());
    }
}
