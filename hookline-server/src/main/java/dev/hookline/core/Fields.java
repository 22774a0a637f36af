package dev.hookline.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to the fields of one JSON object. Every mistake (a missing field, a wrong
 * type, a field nobody asked for) becomes a {@link Failure.Invalid} that names the field by its
 * full path, e.g. {@code retry.schedule[2]}.
 */
public final class Fields {
    private final ObjectNode node;
    private final String path;

    private Fields(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    public static Fields of(JsonNode node, String path) {
        if (!(node instanceof ObjectNode object)) {
            throw new Failure.Invalid(path.isEmpty() ? null : path, "must be a JSON object");
        }
        return new Fields(object, path);
    }

    public static Fields of(JsonNode node) {
        return of(node, "");
    }

    /** Refuses any field not in {@code known}, so a typo is an error rather than a silent default. */
    public Fields allowOnly(Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new Failure.Invalid(name(name), "is not a known field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
        return this;
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** True when the field is present, even as an explicit null (PATCH uses null to clear). */
    public boolean present(String field) {
        return node.has(field);
    }

    public String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public String requiredString(String field) {
        String v = string(field);
        if (v == null) {
            throw new Failure.Invalid(name(field), "is required");
        }
        return v;
    }

    public String string(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Failure.Invalid(name(field), "must be a string");
        }
        if (v.textValue().indexOf('\u0000') >= 0) { // PostgreSQL text cannot hold it
            throw new Failure.Invalid(name(field), "must not contain the NUL character");
        }
        return v.textValue();
    }

    public String string(String field, int maxLength) {
        String v = string(field);
        if (v != null && v.length() > maxLength) {
            throw new Failure.Invalid(name(field), "must be at most " + maxLength + " characters");
        }
        return v;
    }

    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    /** A string that must be a valid HTTP header name (RFC 9110 token), or null when absent. */
    public String headerName(String field) {
        String name = string(field, 100);
        if (name != null && !isHeaderName(name)) {
            throw new Failure.Invalid(name(field), "'" + name + "' is not a valid HTTP header name");
        }
        return name;
    }

    public static boolean isHeaderName(String name) {
        return HEADER_NAME.matcher(name).matches();
    }

    public Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new Failure.Invalid(name(field), "must be true or false");
        }
        return v.booleanValue();
    }

    public Long integer(String field, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return integerValue(v, name(field), min, max);
    }

    public Double number(String field, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
            throw new Failure.Invalid(name(field), "must be a number from " + min + " to " + max);
        }
        return v.doubleValue();
    }

    static long integerValue(JsonNode v, String name, long min, long max) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new Failure.Invalid(name, "must be a whole number from " + min + " to " + max);
        }
        return v.longValue();
    }

    public List<String> strings(String field, int maxItems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new Failure.Invalid(name(field), "must be an array of strings");
        }
        if (v.size() > maxItems) {
            throw new Failure.Invalid(name(field), "must have at most " + maxItems + " items");
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw new Failure.Invalid(name(field) + "[" + i + "]", "must be a non-empty string");
            }
            if (item.textValue().chars().anyMatch(Character::isISOControl)) { // names and tags: none may break a header or a log line
                throw new Failure.Invalid(name(field) + "[" + i + "]", "must not contain line breaks or other control characters");
            }
            out.add(item.textValue());
        }
        return List.copyOf(out);
    }

    public List<Long> integers(String field, long min, long max, int maxItems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new Failure.Invalid(name(field), "must be an array of whole numbers");
        }
        if (v.size() > maxItems) {
            throw new Failure.Invalid(name(field), "must have at most " + maxItems + " items");
        }
        List<Long> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            out.add(integerValue(v.get(i), name(field) + "[" + i + "]", min, max));
        }
        return List.copyOf(out);
    }

    public Map<String, String> stringMap(String field, int maxEntries) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new Failure.Invalid(name(field), "must be an object of strings");
        }
        if (v.size() > maxEntries) {
            throw new Failure.Invalid(name(field), "must have at most " + maxEntries + " entries");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new Failure.Invalid(name(field) + "." + e.getKey(), "must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    public Fields object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return of(v, name(field));
    }

    /**
     * {@code current} with this object's {@code fields} laid over it: a field given replaces its
     * value, an explicit {@code null} removes it (so it takes its default), an absent one is kept.
     */
    public ObjectNode mergeInto(ObjectNode current, Set<String> fields) {
        ObjectNode merged = current.deepCopy();
        for (String field : fields) {
            if (present(field)) {
                JsonNode v = raw(field);
                if (v == null) {
                    merged.remove(field);
                } else {
                    merged.set(field, v);
                }
            }
        }
        return merged;
    }

    public JsonNode raw(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }
}
