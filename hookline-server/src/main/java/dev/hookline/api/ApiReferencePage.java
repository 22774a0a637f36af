package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /docs}: the API reference, rendered on the server from the OpenAPI document into one HTML
 * page with no script and nothing fetched from elsewhere, so it works offline and always matches
 * {@code /openapi.json}.
 */
final class ApiReferencePage {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    private final JsonNode doc;
    private final StringBuilder html = new StringBuilder(64 * 1024);

    private ApiReferencePage(JsonNode doc) {
        this.doc = doc;
    }

    static byte[] render(JsonNode doc) {
        return new ApiReferencePage(doc).page().getBytes(StandardCharsets.UTF_8);
    }

    private String page() {
        Map<String, List<Map.Entry<String, JsonNode>>> byTag = new LinkedHashMap<>();
        doc.path("tags").forEach(t -> byTag.put(t.get("name").asText(), new ArrayList<>()));
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                String tag = op.getValue().path("tags").path(0).asText("Other");
                byTag.computeIfAbsent(tag, t -> new ArrayList<>())
                        .add(Map.entry(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue()));
            }
        }));
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(doc.at("/info/title").asText())).append(" reference</title><style>").append(STYLE)
                .append("</style></head><body><nav><h1>").append(esc(doc.at("/info/title").asText())).append("</h1>")
                .append("<p><a href=\"/openapi.json\">openapi.json</a></p>");
        byTag.forEach((tag, ops) -> {
            html.append("<h2>").append(esc(tag)).append("</h2><ul>");
            ops.forEach(op -> html.append("<li><a href=\"#").append(anchor(op.getValue())).append("\">")
                    .append(esc(op.getValue().path("summary").asText())).append("</a></li>"));
            html.append("</ul>");
        });
        html.append("<h2>Schemas</h2><ul>");
        doc.at("/components/schemas").fieldNames().forEachRemaining(name ->
                html.append("<li><a href=\"#schema-").append(esc(name)).append("\">").append(esc(name)).append("</a></li>"));
        html.append("</ul></nav><main><h1>").append(esc(doc.at("/info/title").asText())).append("</h1>")
                .append(para(doc.at("/info/description").asText()));
        byTag.forEach((tag, ops) -> {
            html.append("<section><h2>").append(esc(tag)).append("</h2>");
            ops.forEach(op -> operation(op.getKey(), op.getValue()));
            html.append("</section>");
        });
        html.append("<section><h2>Schemas</h2>");
        doc.at("/components/schemas").properties().forEach(s -> {
            html.append("<article id=\"schema-").append(esc(s.getKey())).append("\"><h3>").append(esc(s.getKey())).append("</h3>");
            schema(s.getValue());
            html.append("</article>");
        });
        html.append("</section></main></body></html>\n");
        return html.toString();
    }

    private void operation(String route, JsonNode op) {
        String method = route.substring(0, route.indexOf(' '));
        html.append("<article id=\"").append(anchor(op)).append("\"><h3><span class=\"m ").append(method.toLowerCase())
                .append("\">").append(method).append("</span> <code>").append(esc(route.substring(method.length() + 1)))
                .append("</code></h3><p class=\"summary\">").append(esc(op.path("summary").asText()));
        if (op.has("security") && op.get("security").isEmpty()) {
            html.append(" <span class=\"tag\">no API key</span>");
        }
        html.append("</p>").append(para(op.path("description").asText()));
        if (!op.path("parameters").isEmpty()) {
            html.append("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>meaning</th></tr>");
            op.get("parameters").forEach(p -> {
                JsonNode param = resolve(p);
                html.append("<tr><td><code>").append(esc(param.path("name").asText())).append("</code></td><td>")
                        .append(esc(param.path("in").asText())).append("</td><td>").append(type(param.path("schema")))
                        .append("</td><td>").append(inline(param.path("description").asText())).append("</td></tr>");
            });
            html.append("</table>");
        }
        JsonNode body = op.path("requestBody").path("content");
        body.properties().forEach(media -> {
            html.append("<h4>Request body <code>").append(esc(media.getKey())).append("</code></h4>");
            JsonNode schema = media.getValue().path("schema");
            html.append("<p>").append(type(schema)).append("</p>");
            if (schema.has("$ref")) {
                schema(resolve(schema));
            }
            media.getValue().path("examples").properties().forEach(ex -> html.append("<p class=\"ex\">Example: ")
                    .append(esc(ex.getKey())).append("</p><pre>").append(esc(ex.getValue().path("value").toPrettyString())).append("</pre>"));
            if (media.getValue().has("example")) {
                html.append("<pre>").append(esc(media.getValue().get("example").toPrettyString())).append("</pre>");
            }
        });
        html.append("<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>");
        op.path("responses").properties().forEach(r -> {
            JsonNode response = resolve(r.getValue());
            JsonNode content = response.path("content");
            String shape = content.isEmpty() ? "" : type(content.properties().iterator().next().getValue().path("schema"));
            JsonNode example = content.path("application/json").path("example");
            html.append("<tr><td>").append(esc(r.getKey())).append("</td><td>").append(inline(response.path("description").asText()))
                    .append(example.isMissingNode() ? "" : "<br><code>" + esc(example.toString()) + "</code>")
                    .append("</td><td>").append(shape).append("</td></tr>");
        });
        html.append("</table></article>");
    }

    /** A schema's fields as a table; {@code allOf} parts are shown as "everything in X, and". */
    private void schema(JsonNode schema) {
        if (schema.has("allOf")) {
            schema.get("allOf").forEach(part -> {
                if (part.has("$ref")) {
                    html.append("<p>Everything in ").append(type(part)).append(", and:</p>");
                } else {
                    schema(part);
                }
            });
            return;
        }
        html.append(para(schema.path("description").asText()));
        if (!schema.has("properties")) {
            html.append("<p>").append(type(schema)).append("</p>");
            return;
        }
        Set<String> required = new java.util.HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        html.append("<table><tr><th>field</th><th>type</th><th>meaning</th></tr>");
        schema.get("properties").properties().forEach(f -> html.append("<tr><td><code>").append(esc(f.getKey())).append("</code>")
                .append(required.contains(f.getKey()) ? " <span class=\"req\">required</span>" : "").append("</td><td>")
                .append(type(f.getValue())).append("</td><td>").append(inline(f.getValue().path("description").asText()))
                .append(f.getValue().has("default") ? " (default <code>" + esc(f.getValue().get("default").toString()) + "</code>)" : "")
                .append("</td></tr>"));
        html.append("</table>");
    }

    /** A short type: a link for a reference, the type names and enum values otherwise. */
    private String type(JsonNode schema) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
            return "<a href=\"#schema-" + esc(name) + "\">" + esc(name) + "</a>";
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (schema.has(combinator)) {
                List<String> parts = new ArrayList<>();
                schema.get(combinator).forEach(part -> parts.add(type(part)));
                return String.join(combinator.equals("allOf") ? " and " : " or ", parts);
            }
        }
        List<String> types = new ArrayList<>();
        if (schema.path("type").isArray()) {
            schema.get("type").forEach(t -> types.add(t.asText()));
        } else if (schema.has("type")) {
            types.add(schema.get("type").asText());
        }
        String out = types.isEmpty() ? "any" : esc(String.join(" | ", types));
        if (schema.has("items")) {
            out += " of " + type(schema.get("items"));
        }
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(v.toString()));
            out += ": <code>" + esc(String.join(", ", values)) + "</code>";
        }
        return out;
    }

    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? doc.at(node.get("$ref").asText().substring(1)) : node;
    }

    private static String anchor(JsonNode op) {
        return "op-" + esc(op.path("operationId").asText());
    }

    private static String para(String text) {
        return text.isBlank() ? "" : "<p>" + inline(text) + "</p>";
    }

    /** Escapes, then turns the document's `code` spans into code elements. */
    private static String inline(String text) {
        return esc(text).replaceAll("`([^`]+)`", "<code>$1</code>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String STYLE = """
            body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d2430;display:flex}
            nav{width:260px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:12px 16px;box-sizing:border-box;font-size:13px}
            nav h1{font-size:18px}nav h2{font-size:13px;text-transform:uppercase;color:#5b6675;margin:16px 0 4px}
            nav ul{list-style:none;padding:0;margin:0}nav a{color:#1d4ed8;text-decoration:none}
            main{padding:16px 32px;max-width:1000px;min-width:0}section>h2{border-bottom:2px solid #d8dee6;padding-bottom:4px;margin-top:40px}
            article{border:1px solid #d8dee6;border-radius:6px;padding:4px 16px 12px;margin:16px 0}
            h3{font-size:16px}h4{margin:12px 0 4px;font-size:14px}.summary{margin-top:0}
            .m{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
            .get{background:#2563eb}.post{background:#16a34a}.patch{background:#d97706}.delete{background:#dc2626}.put{background:#7c3aed}
            .tag,.req{font-size:11px;border-radius:3px;padding:1px 5px;background:#e5e7eb}.req{background:#fee2e2}
            table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid #e3e7ec;padding:4px 8px;text-align:left;vertical-align:top}
            pre{background:#0f172a;color:#e2e8f0;padding:8px 12px;border-radius:4px;overflow:auto;font-size:12px}
            code{font-size:12px;background:#eef1f4;padding:0 3px;border-radius:3px}pre code{background:none}.ex{margin-bottom:0}
            """;
}
