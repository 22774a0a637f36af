package dev.hookline.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Small JSON facts shared by filters, inbound parsing and the API. */
public final class JsonPaths {
    private JsonPaths() {}

    /** The value at a dotted path ({@code data.order.id}), or null when any step is missing. */
    public static JsonNode at(JsonNode root, String[] steps) {
        JsonNode v = root;
        for (String step : steps) {
            v = v == null ? null : v.get(step);
        }
        return v;
    }

    public static JsonNode at(JsonNode root, String dottedPath) {
        return at(root, dottedPath.split("\\.", -1));
    }

    /** Whether a Content-Type value names JSON: {@code application/json} or any {@code …+json}. */
    public static boolean isJsonMediaType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }
}
