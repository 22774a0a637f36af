package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The document's examples, sent to a real server: every operation is called in a scenario (create,
 * read, change, delete), with each documented request example as its body, and every answer must be a
 * documented status whose schema it matches (networknt's JSON Schema 2020-12 validator, the dialect of
 * OpenAPI 3.1). Before the examples, a body with an unknown field asks the server which fields it
 * takes (its 422 lists them): they must be the fields the document declares, so a field added on one
 * side only fails here. A bad body and a missing key are sent to each operation too: those answers must
 * be documented and match the error schema. An operation the scenario does not call fails the test.
 */
class OpenApiExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** Every operation, in an order where each finds what it needs (an app, an endpoint, a message…). */
    private static final List<String> SCENARIO = List.of(
            "health", "healthLive", "healthReady", "metrics", "openApiDocument", "apiReference",
            "createEventType", "listEventTypes", "getEventType", "updateEventType",
            "createApp", "listApps", "getApp", "updateApp", "createPortalAccess",
            "createApiKey", "listApiKeys",
            "createEndpoint", "listEndpoints", "getEndpoint", "rotateEndpointSecret", "testEndpoint", "recoverEndpoint",
            "listEndpointAttempts", "listEndpointDeliveries", "getStats",
            "createMessage", "listMessages", "getMessage", "listMessageAttempts", "listAppAttempts", "resendMessage",
            "createOperationalEndpoint", "listOperationalEndpoints", "getOperationalEndpoint", "rotateOperationalEndpointSecret",
            "testOperationalEndpoint", "recoverOperationalEndpoint", "listOperationalEndpointAttempts",
            "listOperationalEndpointDeliveries", "updateOperationalEndpoint",
            "deleteOperationalEndpoint",
            "createSource", "listSources", "getSource", "rotateSourceSecret", "rotateSourceApiKey",
            "receiveWebhook", "receiveWebhookV1", "listSourceEvents", "getSourceEvent", "replaySourceEvent", "updateSource",
            "updateEndpoint", "deleteMessageContent", "deleteEndpoint", "revokeApiKey", "deleteSource", "deleteEventType", "deleteApp");

    private static TestServer server;
    private static Receiver receiver;
    private static JsonNode document;
    private static final Map<String, String> fixture = new HashMap<>();

    @BeforeAll
    static void start() {
        server = new TestServer();
        receiver = new Receiver();
        document = server.call("GET", "/openapi.json", null, null).body();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        server.close();
    }

    record Operation(String method, String path, JsonNode spec) {}

    private static Map<String, Operation> operations() {
        Map<String, Operation> out = new LinkedHashMap<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op ->
                out.put(op.getValue().get("operationId").asText(), new Operation(op.getKey().toUpperCase(), path.getKey(), op.getValue()))));
        return out;
    }

    @Test
    void everyExampleGetsADocumentedAnswerThatMatchesItsSchema() {
        Map<String, Operation> operations = operations();
        Set<String> notCalled = new TreeSet<>(operations.keySet());
        SCENARIO.forEach(notCalled::remove);
        assertThat(notCalled).as("operations the scenario does not call: give each a place in SCENARIO").isEmpty();

        List<String> problems = new ArrayList<>();
        for (String id : SCENARIO) {
            Operation op = operations.get(id);
            assertThat(op).as("operation %s in the document", id).isNotNull();
            JsonNode examples = op.spec().at("/requestBody/content/application~1json/examples");
            JsonNode example = op.spec().at("/requestBody/content/application~1json/example");
            List<JsonNode> bodies = new ArrayList<>();
            examples.forEach(e -> bodies.add(e.get("value")));
            if (!example.isMissingNode()) {
                bodies.add(example);
            }
            if (bodies.isEmpty()) {
                bodies.add(null);
            }
            if (bodies.getFirst() != null) {
                compareFields(id, op, problems);
            }
            for (JsonNode body : bodies) {
                if (body != null) {
                    check(id + " request example", op.spec().at("/requestBody/content/application~1json/schema"), body, problems);
                }
                Response r = send(op, body);
                JsonNode documented = response(op, r.status());
                if (documented == null || r.status() >= 300) {
                    problems.add(id + " with " + body + ": answered " + r.status() + " " + r.raw().body());
                    continue;
                }
                checkAnswer(id, documented, r, problems);
                remember(id, r.body());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void errorAnswersAreDocumentedAndShapedAsErrors() {
        List<String> problems = new ArrayList<>();
        String app = server.createApp("Errors");
        Map<String, String> ids = Map.of("app", app, "ep", "ep_missing", "msg", "msg_missing", "id", "x_missing",
                "evt", "evt_missing", "name", "no.such.type", "token", "no-such-token");
        operations().forEach((id, op) -> {
            String path = fill(op.path(), ids::get);
            if (op.spec().has("requestBody")) {
                Response bad = server.send(op.method(), path, "{", TestServer.ROOT_KEY, "application/json");
                JsonNode documented = response(op, bad.status());
                if (documented == null || bad.status() < 400) {
                    problems.add(id + " with a broken body: undocumented " + bad.status());
                } else {
                    checkAnswer(id + " broken body", documented, bad, problems);
                }
            }
            boolean open = op.spec().has("security") && op.spec().get("security").isEmpty();
            if (!open) {
                Response anonymous = server.send(op.method(), path, null, null, "application/json");
                JsonNode documented = response(op, anonymous.status());
                if (anonymous.status() != 401 || documented == null) {
                    problems.add(id + " without a key: " + anonymous.status());
                } else {
                    checkAnswer(id + " without a key", documented, anonymous, problems);
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    private static final Pattern KNOWN = Pattern.compile("^([a-z_]+): is not a known field \\(known: (.*)\\)$");

    /** The top-level fields the server takes (from its 422 for an unknown one) against the request schema's. */
    private static void compareFields(String id, Operation op, List<String> problems) {
        JsonNode schema = op.spec().at("/requestBody/content/application~1json/schema");
        if (schema.has("$ref")) {
            schema = document.at(schema.get("$ref").asText().substring(1));
        }
        Set<String> documented = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(documented::add);
        if (documented.isEmpty()) {
            return; // the receive path takes any body
        }
        Response probe = send(op, JSON.createObjectNode().put("zz_not_a_field", 1));
        Matcher m = KNOWN.matcher(probe.text("/error/message"));
        if (probe.status() != 422 || !m.matches()) {
            problems.add(id + ": an unknown field was answered " + probe.status() + " " + probe.raw().body());
            return;
        }
        Set<String> served = new TreeSet<>(List.of(m.group(2).split(", ")));
        if (!served.equals(documented)) {
            Set<String> missing = new TreeSet<>(served);
            missing.removeAll(documented);
            Set<String> extra = new TreeSet<>(documented);
            extra.removeAll(served);
            problems.add(id + ": fields the server takes but the document lacks " + missing + ", documented but refused " + extra);
        }
    }

    private static JsonNode response(Operation op, int status) {
        JsonNode r = op.spec().path("responses").get(Integer.toString(status));
        if (r == null) {
            return null;
        }
        return r.has("$ref") ? document.at(r.get("$ref").asText().substring(1)) : r;
    }

    private static void checkAnswer(String what, JsonNode documented, Response r, List<String> problems) {
        JsonNode content = documented.path("content");
        if (content.isEmpty()) {
            if (!r.raw().body().isEmpty()) {
                problems.add(what + ": " + r.status() + " is documented without a body but has one");
            }
            return;
        }
        String type = r.raw().headers().firstValue("content-type").orElse("").split(";")[0];
        if (!content.has(type)) {
            problems.add(what + ": answered " + type + ", documented " + content);
            return;
        }
        if (type.equals("application/json")) {
            check(what + " answer " + r.status(), content.get(type).get("schema"), r.body(), problems);
        }
    }

    /** Validates {@code value} against a schema of the document, its {@code $ref}s resolved within it. */
    private static void check(String what, JsonNode schema, JsonNode value, List<String> problems) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.setAll((ObjectNode) schema.deepCopy());
        root.set("components", document.get("components"));
        JsonSchema compiled = SCHEMAS.getSchema(root);
        Set<ValidationMessage> errors = compiled.validate(value);
        if (!errors.isEmpty()) {
            problems.add(what + ": " + errors + " in " + value);
        }
    }

    private static Response send(Operation op, JsonNode example) {
        String path = fill(op.path(), name -> fixture.get(fixtureKey(op, name)));
        String body = null;
        if (example != null) {
            JsonNode copy = example.deepCopy();
            if (copy.has("url")) {
                // examples name public hosts; tests send traffic to this machine only
                ((ObjectNode) copy).put("url", receiver.url());
            }
            body = copy.toString();
        }
        return server.send(op.method(), path, body, op.spec().has("security") ? null : TestServer.ROOT_KEY, "application/json");
    }

    /**
     * Which remembered id fills {@code {name}}: {id} is a key's under /v1/api-keys and a source's under
     * /v1/sources (one with a secret to rotate, one with an API key, else one that takes anything); {ep}
     * is an operational endpoint's under /v1/operational-webhooks.
     */
    private static String fixtureKey(Operation op, String name) {
        String id = op.spec().get("operationId").asText();
        if (op.path().startsWith("/v1/api-keys")) {
            return "key";
        }
        if (op.path().startsWith("/v1/operational-webhooks")) {
            return "ep-operational";
        }
        return switch (id) {
            case "rotateSourceSecret" -> "source-verified";
            case "rotateSourceApiKey" -> "source-keyed";
            default -> name;
        };
    }

    private static String fill(String template, java.util.function.Function<String, String> values) {
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.apply(m.group(1));
            assertThat(value).as("a value for {%s} in %s", m.group(1), template).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Keeps the ids later operations need. */
    private static void remember(String operation, JsonNode body) {
        switch (operation) {
            case "createApp" -> fixture.put("app", body.get("id").asText());
            case "createApiKey" -> fixture.put("key", body.get("id").asText());
            case "createEndpoint" -> fixture.put("ep", body.get("id").asText());
            case "createOperationalEndpoint" -> fixture.put("ep-operational", body.get("id").asText());
            case "createMessage" -> fixture.put("msg", body.get("id").asText());
            case "createEventType" -> fixture.put("name", body.get("name").asText());
            case "createSource" -> {
                String kind = body.at("/verification/scheme").asText().equals("none")
                        ? body.get("api_key_required").asBoolean() ? "source-keyed" : "id" : "source-verified";
                fixture.put(kind, body.get("id").asText());
                if (kind.equals("id")) {
                    String url = body.get("url").asText();
                    fixture.put("token", url.substring(url.lastIndexOf('/') + 1));
                }
            }
            case "receiveWebhook" -> fixture.put("evt", body.get("id").asText());
            default -> { }
        }
    }
}
