package dev.hookline.api;

import dev.hookline.testing.Backend;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.TestServer;
import dev.hookline.testing.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad input gets a clear JSON error with the right status, and nothing half-written is left behind. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class ApiContractTest {
    /** Declared so JUnit hands each invocation's backend to {@link #start}; the tests use {@link #server}. */
    @Parameter
    Backend backend;

    private static TestServer server;
    private static String app;

    @BeforeParameterizedClassInvocation
    static void start(Backend backend) {
        server = new TestServer(backend);
        app = server.createApp("Contract");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static void assertError(Response r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.text("/error/code")).isEqualTo(code);
        assertThat(r.text("/error/message")).isNotBlank();
    }

    @Test
    void aNulInThePathOrTheQueryIsA422NotADatabaseError() {
        // PostgreSQL text cannot hold NUL: sent to the database it was a 500
        Response inPath = server.get("/v1/apps/%00");
        assertError(inPath, 422, "validation_failed");
        assertError(server.get("/v1/apps/" + app + "/messages?event=a%00b"), 422, "validation_failed");
        assertThat(inPath.text("/error/message")).contains("NUL");
    }

    @Test
    void rejectsCallsWithoutAnApiKey() {
        Response r = server.call("GET", "/v1/apps", null, null);
        assertError(r, 401, "unauthorized");
        assertThat(r.raw().headers().firstValue("www-authenticate")).hasValue("Bearer");
    }

    @Test
    void rejectsAWrongApiKey() {
        assertError(server.call("GET", "/v1/apps", null, "hk_not_a_real_key"), 401, "unauthorized");
    }

    @Test
    void aRevokedKeyStopsWorking() {
        Response created = server.post("/v1/api-keys", "{\"name\":\"ci\"}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.text("/key");
        assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);
        assertThat(server.get("/v1/api-keys").raw().body()).doesNotContain(key);

        assertThat(server.delete("/v1/api-keys/" + created.text("/id")).status()).isEqualTo(204);

        assertError(server.call("GET", "/v1/apps", null, key), 401, "unauthorized");
    }

    @Test
    void aKeyScopedToOneAppSeesOnlyThatApp() {
        String other = server.createApp("Other");
        String mine = server.createApp("Mine");
        String key = server.post("/v1/api-keys", "{\"name\":\"scoped\",\"app\":\"" + mine + "\"}").text("/key");

        Response list = server.call("GET", "/v1/apps", null, key);
        assertThat(list.body().get("data")).extracting(a -> a.get("id").asText()).containsExactly(mine);
        assertThat(server.call("GET", "/v1/apps/" + mine, null, key).status()).isEqualTo(200);
        assertError(server.call("GET", "/v1/apps/" + other, null, key), 404, "not_found");
        assertError(server.call("GET", "/v1/apps/" + other + "/messages", null, key), 404, "not_found");
        assertError(server.call("POST", "/v1/apps", "{\"name\":\"x\"}", key), 403, "forbidden");
        assertError(server.call("POST", "/v1/api-keys", "{\"name\":\"x\"}", key), 403, "forbidden");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/apps/app_missing", "/v1/apps/APPUID/endpoints/ep_missing", "/v1/apps/APPUID/messages/msg_missing",
            "/v1/event-types/no.such", "/v1/nothing-here"})
    void answers404ForUnknownResources(String path) {
        assertError(server.get(path.replace("APPUID", app)), 404, "not_found");
    }

    @Test
    void answers400ForMalformedJson() {
        assertError(server.post("/v1/apps", "{\"name\": "), 400, "invalid_json");
        assertError(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"a\",\"data\":{}} trailing"), 400, "invalid_json");
        assertError(server.post("/v1/apps", "[1,2]"), 400, "invalid_json");
        assertError(server.post("/v1/apps", "{\"name\":\"a\",\"name\":\"b\"}"), 400, "invalid_json");
    }

    @Test
    void answers415ForABodyThatIsNotJson() {
        assertError(server.send("POST", "/v1/apps", "name=x", TestServer.ROOT_KEY, "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
        assertError(server.send("POST", "/v1/apps/" + app + "/messages", "{}", TestServer.ROOT_KEY, "text/plain"),
                415, "unsupported_media_type");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/apps | {\"name\": 5} | name",
            "/v1/apps | {} | name",
            "/v1/apps | {\"name\":\"a\",\"colour\":\"red\"} | colour",
            "/v1/apps/APP/endpoints | {} | url",
            "/v1/apps/APP/endpoints | {\"url\":\"not a url\"} | url",
            "/v1/apps/APP/endpoints | {\"url\":\"ftp://example.com/x\"} | url",
            "/v1/apps/APP/endpoints | {\"url\":\"https://user:pw@example.com/x\"} | url",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"enabled\":\"yes\"} | enabled",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"events\":\"order.created\"} | events",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"events\":[\"or*der\"]} | events[0]",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"timeout_ms\":0} | timeout_ms",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"retry\":{\"schedule\":[60,-1]}} | retry.schedule[1]",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"signature\":{\"scheme\":\"md5\"}} | signature.scheme",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"secret\":\"short\"} | secret",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"headers\":{\"webhook-id\":\"x\"}} | headers.webhook-id",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"headers\":{\"X-Shop\":\"Zoë's\"}} | headers.X-Shop",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"filter\":{\"data.x\":{\"$bogus\":1}}} | filter.data.x.$bogus",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"envelope\":[\"id\",\"event\"]} | envelope",
            "/v1/apps/APP/endpoints | {\"url\":\"https://example.com\",\"signature\":{\"scheme\":\"hex\",\"algorithm\":\"ed25519\"}} | signature.algorithm",
            "/v1/apps/APP/messages | {\"data\":{}} | event",
            "/v1/apps/APP/messages | {\"event\":\"a.b\"} | data",
            "/v1/apps/APP/messages | {\"event\":\"a.b\",\"data\":\"text\"} | data",
            "/v1/apps/APP/messages | {\"event\":\"a b\",\"data\":{}} | event",
            "/v1/apps/APP/messages | {\"event\":\"a.b\",\"data\":{},\"channels\":[1]} | channels[0]",
            "/v1/apps/APP/messages | {\"event\":\"a.b\",\"data\":{},\"id\":\"a\\u0000b\"} | id",
    })
    void answers422NamingTheFieldAndWritesNothing(String path, String body, String field) {
        String resolved = path.trim().replace("APP", app);
        int endpointsBefore = count("/v1/apps/" + app + "/endpoints");
        int messagesBefore = count("/v1/apps/" + app + "/messages");
        int appsBefore = count("/v1/apps");

        Response r = server.post(resolved, body.trim());

        assertError(r, 422, "validation_failed");
        assertThat(r.text("/error/message")).startsWith(field.trim() + ":");
        assertThat(count("/v1/apps/" + app + "/endpoints")).isEqualTo(endpointsBefore);
        assertThat(count("/v1/apps/" + app + "/messages")).isEqualTo(messagesBefore);
        assertThat(count("/v1/apps")).isEqualTo(appsBefore);
    }

    @Test
    void aFailedUpdateLeavesTheEndpointAsItWas() {
        String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/a\",\"events\":[\"a.b\"]}").text("/id");
        Response r = server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"url\":\"https://example.com/b\",\"timeout_ms\":\"fast\"}");
        assertError(r, 422, "validation_failed");
        JsonNode now = server.get("/v1/apps/" + app + "/endpoints/" + ep).body();
        assertThat(now.get("url").asText()).isEqualTo("https://example.com/a");
        assertThat(now.get("events").get(0).asText()).isEqualTo("a.b");
    }

    @Test
    void aNonAsciiHeaderValueIsRefusedOnUpdateToo() {
        String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/a\",\"headers\":{\"X-Shop\":\"acme\"}}").text("/id");
        for (String value : new String[] {"Zo\u00eb", "\u6771\u4eac", "caf\u00e9 \ud83d\ude00"}) {
            Response r = server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"headers\":{\"X-Shop\":\"" + value + "\"}}");
            assertError(r, 422, "validation_failed");
            assertThat(r.text("/error/message")).startsWith("headers.X-Shop:").contains("ASCII");
        }
        // /v1 masks header values; Svix's getHeaders shows a full key the value kept
        assertThat(server.get("/api/v1/app/" + app + "/endpoint/" + ep + "/headers").text("/headers/X-Shop")).isEqualTo("acme");
    }

    @Test
    void aPullEndpointHasNoUrlIsSentNothingAndIsDeliveredWhenPulled() {
        String pullApp = server.createApp("Pull");
        String base = "/v1/apps/" + pullApp + "/endpoints";
        var created = server.createEndpoint(pullApp, "{\"delivery\":\"pull\"}");
        String ep = created.text("/id");
        assertThat(created.json("/url").isNull()).isTrue();
        assertError(server.post(base, "{\"delivery\":\"pull\",\"url\":\"https://example.com\"}"), 422, "validation_failed");
        assertError(server.post(base, "{\"delivery\":\"pull\",\"fifo\":true}"), 422, "validation_failed");
        assertError(server.post(base, "{\"delivery\":\"sometimes\",\"url\":\"https://example.com\"}"), 422, "validation_failed");
        assertError(server.patch(base + "/" + ep, "{\"delivery\":\"push\"}"), 422, "validation_failed");
        assertError(server.patch(base + "/" + ep, "{\"url\":\"https://example.com\"}"), 422, "validation_failed");
        assertError(server.get(base + "/" + ep + "/deliveries?wait=61"), 422, "validation_failed");
        assertError(server.get(base + "/" + ep + "/deliveries?order=newest"), 422, "validation_failed");

        String msg = server.send(pullApp, "a.b", "{\"n\":1}");
        assertThat(server.deliveryStatus(pullApp, msg)).isEqualTo("pending");
        assertError(server.post("/v1/apps/" + pullApp + "/messages/" + msg + "/endpoints/" + ep + "/resend", "{}"), 409, "conflict");
        assertError(server.post(base + "/" + ep + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}"), 409, "conflict");
        JsonNode page = server.get(base + "/" + ep + "/deliveries").body();
        assertThat(page.get("data")).hasSize(1);
        JsonNode pulled = page.get("data").get(0);
        assertThat(pulled.get("message_id").asText()).isEqualTo(msg);
        assertThat(pulled.get("status").asText()).isEqualTo("delivered");
        assertThat(pulled.at("/request/headers/webhook-id").asText()).isEqualTo(msg);
        assertThat(server.deliveryStatus(pullApp, msg)).isEqualTo("delivered");
        assertThat(server.get("/v1/apps/" + pullApp + "/messages/" + msg + "/attempts").body().get("data")).isEmpty();
        // a poll after the last one answers at once with the same cursor, so a poller never re-reads
        JsonNode after = server.get(base + "/" + ep + "/deliveries?after=" + page.get("next").asText()).body();
        assertThat(after.get("data")).isEmpty();
        assertThat(after.get("next").asText()).isEqualTo(pulled.get("id").asText());
    }

    @Test
    void aPatchChangesOnlyTheFieldsItNames() {
        String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/a\",\"name\":\"Prod\",\"retry\":{\"schedule\":[5]}}").text("/id");
        JsonNode patched = server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"events\":[\"order.*\"]}").body();
        assertThat(patched.get("name").asText()).isEqualTo("Prod");
        assertThat(patched.at("/retry/schedule/0").asInt()).isEqualTo(5);
        assertThat(patched.at("/events/0").asText()).isEqualTo("order.*");
    }

    @Test
    void answers409ForADuplicateUid() {
        assertThat(server.post("/v1/apps", "{\"name\":\"a\",\"uid\":\"dup-uid\"}").status()).isEqualTo(201);
        assertError(server.post("/v1/apps", "{\"name\":\"b\",\"uid\":\"dup-uid\"}"), 409, "conflict");
        assertThat(server.get("/v1/apps/dup-uid").text("/name")).isEqualTo("a");
    }

    @Test
    void answers413ForAnOversizedBody() {
        String big = "{\"event\":\"a.b\",\"data\":{\"x\":\"" + "y".repeat(1024 * 1024) + "\"}}";
        assertError(server.post("/v1/apps/" + app + "/messages", big), 413, "payload_too_large");
    }

    @Test
    void listsPageByCursor() {
        String pager = server.createApp("Pager");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(server.createEndpoint(pager, "{\"url\":\"https://example.com/" + i + "\"}").text("/id"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = server.get("/v1/apps/" + pager + "/endpoints?limit=2" + (cursor == null ? "" : "&after=" + cursor));
            page.body().get("data").forEach(e -> seen.add(e.get("id").asText()));
            cursor = page.body().get("next").isNull() ? null : page.body().get("next").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
        assertError(server.get("/v1/apps/" + pager + "/endpoints?limit=0"), 422, "validation_failed");
    }

    @Test
    void appsAreAddressableByUidAndDeletingOneRemovesItsEndpoints() {
        Response created = server.post("/v1/apps", "{\"name\":\"Gone soon\",\"uid\":\"gone-soon\"}");
        String ep = server.createEndpoint("gone-soon", "{\"url\":\"https://example.com/x\"}").text("/id");
        assertThat(server.get("/v1/apps/gone-soon").text("/id")).isEqualTo(created.text("/id"));

        assertThat(server.delete("/v1/apps/gone-soon").status()).isEqualTo(204);

        assertError(server.get("/v1/apps/gone-soon"), 404, "not_found");
        assertError(server.get("/v1/apps/" + created.text("/id") + "/endpoints/" + ep), 404, "not_found");
    }

    @Test
    void eventTypesHaveACatalog() {
        Response created = server.post("/v1/event-types", "{\"name\":\"lookup.completed\",\"description\":\"A lookup finished\"}");
        assertThat(created.status()).isEqualTo(201);
        assertError(server.post("/v1/event-types", "{\"name\":\"lookup.completed\"}"), 409, "conflict");
        assertThat(server.patch("/v1/event-types/lookup.completed", "{\"description\":\"Done\"}").text("/description")).isEqualTo("Done");
        assertThat(server.get("/v1/event-types").body().get("data")).extracting(t -> t.get("name").asText()).contains("lookup.completed");
        assertThat(server.delete("/v1/event-types/lookup.completed").status()).isEqualTo(204);
        assertError(server.get("/v1/event-types/lookup.completed"), 404, "not_found");
    }

    @Test
    void healthNeedsNoKey() {
        Response r = server.call("GET", "/health", null, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("/status")).isEqualTo("ok");
    }

    private static int count(String path) {
        int n = 0;
        String cursor = null;
        do {
            Response page = server.get(path + "?limit=250" + (cursor == null ? "" : "&after=" + cursor));
            n += page.body().get("data").size();
            cursor = page.body().get("next").isNull() ? null : page.body().get("next").asText();
        } while (cursor != null);
        return n;
    }
}
