package dev.hookline.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Ids;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body a source answers an accepted post with: a JSON object of fixed values in which
 * {@code {{event.id}}}, {@code {{event.uuid}}} and {@code {{message.id}}} stand for the stored
 * event. Seed 004 documents {@code {"success": true, "runId": …, "type": "agent"}}; Hookline's own
 * answer is the default template.
 *
 * <p>A string that is exactly one placeholder takes the value's place; a member whose placeholder
 * has no value (no message when the event is held for pulling) is left out, so the default answer
 * has {@code message_id} only when there is one.
 */
public record AnswerTemplate(ObjectNode template) {
    public static final AnswerTemplate DEFAULT = new AnswerTemplate(defaultTemplate());
    static final int MAX_CHARS = 4096;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_.]+)\\s*}}");
    private static final Map<String, Function<InboundEvent, String>> VALUES = Map.of(
            "event.id", InboundEvent::id,
            "event.uuid", e -> Ids.asUuid(e.id()),
            "message.id", InboundEvent::messageId);

    /** Checks a template from the API: an object of at most {@link #MAX_CHARS}, naming only known placeholders. */
    static AnswerTemplate parse(String field, JsonNode json) {
        if (!json.isObject()) {
            throw new Failure.Invalid(field, "must be a JSON object (the answer's body)");
        }
        if (json.toString().length() > MAX_CHARS) {
            throw new Failure.Invalid(field, "must be at most " + MAX_CHARS + " characters of JSON");
        }
        checkPlaceholders(field, json);
        return new AnswerTemplate((ObjectNode) json.deepCopy());
    }

    private static void checkPlaceholders(String field, JsonNode node) {
        if (node.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(node.textValue());
            while (m.find()) {
                if (!VALUES.containsKey(m.group(1))) {
                    throw new Failure.Invalid(field, "'" + m.group() + "' is not a placeholder; use "
                            + String.join(", ", new java.util.TreeSet<>(VALUES.keySet()).stream().map(k -> "{{" + k + "}}").toList()));
                }
            }
        }
        node.forEach(child -> checkPlaceholders(field, child));
    }

    /** The answer for {@code event}, as stored (its message id set when it was forwarded). */
    public ObjectNode render(InboundEvent event) {
        return (ObjectNode) render(template, event);
    }

    private static JsonNode render(JsonNode node, InboundEvent event) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (node.isObject()) {
            ObjectNode out = json.objectNode();
            node.properties().forEach(member -> {
                JsonNode value = render(member.getValue(), event);
                if (value != null) {
                    out.set(member.getKey(), value);
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = json.arrayNode();
            node.forEach(item -> {
                JsonNode value = render(item, event);
                out.add(value == null ? json.nullNode() : value);
            });
            return out;
        }
        if (!node.isTextual()) {
            return node;
        }
        String text = node.textValue();
        Matcher whole = PLACEHOLDER.matcher(text);
        if (whole.matches()) {
            String value = VALUES.get(whole.group(1)).apply(event);
            return value == null ? null : json.textNode(value);
        }
        return json.textNode(PLACEHOLDER.matcher(text).replaceAll(m -> {
            String value = VALUES.get(m.group(1)).apply(event);
            return Matcher.quoteReplacement(value == null ? "" : value);
        }));
    }

    private static ObjectNode defaultTemplate() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("success", true);
        out.put("id", "{{event.id}}");
        out.put("message_id", "{{message.id}}");
        return out;
    }
}
