package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.TestServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} is the contract: it lists exactly the routes the server answers (walked from the
 * route table, so a route added, renamed or removed on either side fails here), says which need a key,
 * and is a valid OpenAPI 3.1 document to an independent parser.
 */
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static TestServer server;
    private static JsonNode document;
    private static String text;

    @BeforeAll
    static void start() {
        server = new TestServer();
        Response r = server.call("GET", "/openapi.json", null, null);
        assertThat(r.status()).isEqualTo(200);
        document = r.body();
        text = r.raw().body();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** "POST /v1/apps" → whether it needs a key, from the document. */
    private static Map<String, Boolean> documented() {
        Map<String, Boolean> out = new TreeMap<>();
        boolean keyByDefault = !document.path("security").isEmpty();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                JsonNode security = op.getValue().get("security");
                out.put(op.getKey().toUpperCase() + " " + path.getKey(), security == null ? keyByDefault : !security.isEmpty());
            }
        }));
        return out;
    }

    private static Map<String, Boolean> served() {
        Map<String, Boolean> out = new TreeMap<>();
        // Svix's API at /api/v1 is Svix's own document's business (docs/svix-migration.md), not this one's.
        server.routes().stream().filter(r -> !r.path().startsWith("/api/v1/"))
                .forEach(r -> out.put(r.method() + " " + r.path(), r.authenticated()));
        return out;
    }

    @Test
    void documentsEveryRouteTheServerAnswersAndNoOther() {
        Set<String> missing = new TreeSet<>(served().keySet());
        missing.removeAll(documented().keySet());
        Set<String> extra = new TreeSet<>(documented().keySet());
        extra.removeAll(served().keySet());
        assertThat(missing).as("routes the server answers that openapi.json does not document").isEmpty();
        assertThat(extra).as("operations openapi.json documents that the server does not answer").isEmpty();
        assertThat(served()).hasSizeGreaterThan(50);
    }

    @Test
    void saysWhichRoutesNeedAnApiKey() {
        Map<String, Boolean> documented = documented();
        Map<String, Boolean> wrong = new TreeMap<>();
        served().forEach((route, needsKey) -> {
            if (documented.containsKey(route) && documented.get(route) != needsKey) {
                wrong.put(route, needsKey);
            }
        });
        assertThat(wrong).as("routes whose documented security differs (value: whether the server wants a key)").isEmpty();
    }

    @Test
    void isAValidOpenApi31DocumentToAnIndependentParser() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getPaths()).hasSize(document.get("paths").size());
    }

    @Test
    void everyOperationIsNamedTaggedAndDeclaresItsPathParameters() {
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new TreeSet<>();
        Pattern param = Pattern.compile("\\{([^}]+)}");
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            String where = entry.getKey().toUpperCase() + " " + path.getKey();
            JsonNode op = entry.getValue();
            if (!operationIds.add(op.path("operationId").asText())) {
                problems.add(where + ": operationId missing or repeated");
            }
            if (op.path("tags").isEmpty() || op.path("summary").asText().isBlank()) {
                problems.add(where + ": no tag or summary");
            }
            Set<String> declared = new TreeSet<>();
            op.path("parameters").forEach(p -> {
                JsonNode resolved = p.has("$ref") ? document.at(p.get("$ref").asText().substring(1)) : p;
                if (resolved.path("in").asText().equals("path")) {
                    declared.add(resolved.get("name").asText());
                }
            });
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = param.matcher(path.getKey());
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            if (!declared.equals(inTemplate)) {
                problems.add(where + ": path parameters " + declared + " but the template has " + inTemplate);
            }
            if (!op.path("responses").properties().iterator().hasNext()) {
                problems.add(where + ": no responses");
            }
        }));
        assertThat(problems).isEmpty();
    }

    @Test
    void theReferencePageShowsEveryOperationAndLoadsNothingFromElsewhere() {
        Response r = server.call("GET", "/docs", null, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        String page = r.raw().body();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            assertThat(page).contains("id=\"op-" + op.getValue().get("operationId").asText() + "\"");
            assertThat(page).contains("<code>" + path.getKey() + "</code>");
        }));
        document.at("/components/schemas").fieldNames().forEachRemaining(name -> assertThat(page).contains("id=\"schema-" + name + "\""));
        assertThat(page).doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("<script");
    }

    @Test
    void isServedAsJsonWithoutAKey() {
        Response r = server.call("GET", "/openapi.json", null, null);
        assertThat(r.raw().headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.text("/openapi")).isEqualTo("3.1.0");
    }
}
