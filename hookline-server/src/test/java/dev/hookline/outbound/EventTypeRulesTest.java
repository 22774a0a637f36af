package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Backend;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The event catalog has teeth: subscriptions to names no event type declares get a warning (or, with
 * HOOKLINE_STRICT_EVENT_TYPES, a 422), and an event type with {@code validate: true} refuses messages
 * whose data does not match its schema.
 */
class EventTypeRulesTest {

    private static void declare(TestServer server, String json) {
        Response r = server.post("/v1/event-types", json);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
    }

    @Test
    void subscriptionsToUndeclaredEventsAreWarnedAboutInTheAnswer() {
        try (TestServer server = new TestServer()) {
            declare(server, "{\"name\":\"invoice.paid\"}");
            String app = server.createApp("Acme");
            Response created = server.createEndpoint(app, "{\"url\":\"https://example.com/h\","
                    + "\"events\":[\"invoice.paid\",\"invoice.pyd\",\"invoice.*\",\"order.*\",\"*\"]}");
            assertThat(created.body().get("warnings")).extracting(JsonNode::asText).containsExactly(
                    "events[1]: no event type 'invoice.pyd' is declared (see GET /v1/event-types)",
                    "events[3]: no declared event type matches 'order.*' (see GET /v1/event-types)");
            String ep = created.text("/id");

            Response fixed = server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"events\":[\"invoice.paid\",\"invoice.*\"]}");
            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.body().has("warnings")).isFalse();
            Response typo = server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"events\":[\"invoice.piad\"]}");
            assertThat(typo.status()).isEqualTo(200); // not strict: saved, with the warning
            assertThat(typo.body().get("warnings")).extracting(JsonNode::asText)
                    .containsExactly("events[0]: no event type 'invoice.piad' is declared (see GET /v1/event-types)");
        }
    }

    @Test
    void strictEventTypesRefusesThem() {
        try (TestServer server = new TestServer(Backend.SQLITE, Clock.systemUTC(), s -> s.withStrictEventTypes(true))) {
            declare(server, "{\"name\":\"invoice.paid\"}");
            String app = server.createApp("Acme");
            Response refused = server.post("/v1/apps/" + app + "/endpoints",
                    "{\"url\":\"https://example.com/h\",\"events\":[\"invoice.paid\",\"invoice.pyd\"]}");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.text("/error/message")).startsWith("events[1]: no event type 'invoice.pyd' is declared")
                    .contains("HOOKLINE_STRICT_EVENT_TYPES");
            assertThat(server.get("/v1/apps/" + app + "/endpoints").body().get("data")).isEmpty();

            String ep = server.createEndpoint(app, "{\"url\":\"https://example.com/h\",\"events\":[\"invoice.*\"]}").text("/id");
            assertThat(server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"events\":[\"order.*\"]}").status()).isEqualTo(422);
            assertThat(server.get("/v1/apps/" + app + "/endpoints/" + ep).body().get("events").get(0).asText()).isEqualTo("invoice.*");
        }
    }

    @Test
    void anEventTypesSchemaIsEnforcedOnIngestWhenValidateIsOn() {
        try (TestServer server = new TestServer()) {
            String schema = "{\"type\":\"object\",\"required\":[\"amount\"],\"properties\":{\"amount\":{\"type\":\"number\",\"minimum\":0},"
                    + "\"currency\":{\"enum\":[\"EUR\",\"USD\"]}}}";
            declare(server, "{\"name\":\"invoice.paid\",\"schema\":" + schema + ",\"validate\":true}");
            declare(server, "{\"name\":\"invoice.draft\",\"schema\":" + schema + "}"); // documented, not enforced
            String app = server.createApp("Acme");

            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{\"amount\":12.5,\"currency\":\"EUR\"}}")
                    .status()).isEqualTo(202);
            Response refused = server.post("/v1/apps/" + app + "/messages",
                    "{\"event\":\"invoice.paid\",\"data\":{\"amount\":\"twelve\",\"currency\":\"GBP\"}}");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.text("/error/code")).isEqualTo("validation_failed");
            assertThat(refused.text("/error/message")).startsWith("data: does not match the schema of event type 'invoice.paid'")
                    .contains("amount", "currency");
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{}}").status()).isEqualTo(422);
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.draft\",\"data\":{\"amount\":\"twelve\"}}")
                    .status()).isEqualTo(202);
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"undeclared.event\",\"data\":{\"x\":1}}")
                    .status()).isEqualTo(202);
            assertThat(server.get("/v1/apps/" + app + "/messages").body().get("data")).hasSize(3); // nothing refused was stored

            // turned off, the same data is taken; turned on again, refused
            assertThat(server.patch("/v1/event-types/invoice.paid", "{\"validate\":false}").text("/validate")).isEqualTo("false");
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{}}").status()).isEqualTo(202);
            assertThat(server.patch("/v1/event-types/invoice.paid", "{\"validate\":true}").status()).isEqualTo(200);
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{}}").status()).isEqualTo(422);
            // deleted, nothing is enforced for the name any more; declared again, its new schema is
            assertThat(server.delete("/v1/event-types/invoice.paid").status()).isEqualTo(204);
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{}}").status()).isEqualTo(202);
            declare(server, "{\"name\":\"invoice.paid\",\"schema\":{\"type\":\"object\",\"required\":[\"id\"]},\"validate\":true}");
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{\"amount\":1}}").status())
                    .isEqualTo(422);
            assertThat(server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"data\":{\"id\":\"in_1\"}}").status())
                    .isEqualTo(202);
        }
    }

    @Test
    void anEventTypeChangedOnOneNodeIsEnforcedOnTheNextMessageIngestedOnAnother() {
        String url = Backend.POSTGRESQL.newDatabaseUrl();
        String masterKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        try (TestServer one = new TestServer(Backend.POSTGRESQL, new ShiftableClock(), s -> s.withDatabaseUrl(url).withMasterKey(masterKey));
             TestServer two = new TestServer(Backend.POSTGRESQL, new ShiftableClock(), s -> s.withDatabaseUrl(url).withMasterKey(masterKey))) {
            declare(one, "{\"name\":\"invoice.paid\",\"schema\":{\"type\":\"object\",\"required\":[\"amount\"]}}");
            String app = one.createApp("Acme");
            String messages = "/v1/apps/" + app + "/messages";
            String empty = "{\"event\":\"invoice.paid\",\"data\":{}}";
            assertThat(two.post(messages, empty).status()).isEqualTo(202); // node two reads what is enforced now: nothing

            assertThat(one.patch("/v1/event-types/invoice.paid", "{\"validate\":true}").status()).isEqualTo(200);
            assertThat(two.post(messages, empty).status()).isEqualTo(422);
            assertThat(one.patch("/v1/event-types/invoice.paid", "{\"schema\":{\"type\":\"object\"}}").status()).isEqualTo(200);
            assertThat(two.post(messages, empty).status()).isEqualTo(202);
            assertThat(one.patch("/v1/event-types/invoice.paid", "{\"schema\":{\"type\":\"object\",\"minProperties\":1}}").status())
                    .isEqualTo(200);
            assertThat(two.post(messages, empty).status()).isEqualTo(422);
            assertThat(one.delete("/v1/event-types/invoice.paid").status()).isEqualTo(204);
            assertThat(two.post(messages, empty).status()).isEqualTo(202);
        }
    }

    @Test
    void validateNeedsAUsableSelfContainedSchema() {
        try (TestServer server = new TestServer()) {
            Response noSchema = server.post("/v1/event-types", "{\"name\":\"a.b\",\"validate\":true}");
            assertThat(noSchema.status()).isEqualTo(422);
            assertThat(noSchema.text("/error/message")).startsWith("validate:");
            Response remote = server.post("/v1/event-types", "{\"name\":\"a.c\",\"validate\":true,"
                    + "\"schema\":{\"$ref\":\"http://127.0.0.1:9/elsewhere.json\"}}");
            assertThat(remote.status()).isEqualTo(422);
            assertThat(remote.text("/error/message")).startsWith("schema:");
            declare(server, "{\"name\":\"a.d\",\"schema\":{\"type\":\"object\"},\"validate\":true}");
            assertThat(server.patch("/v1/event-types/a.d", "{\"schema\":null}").status()).isEqualTo(422);
        }
    }
}
