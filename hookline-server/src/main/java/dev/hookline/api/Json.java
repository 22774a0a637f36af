package dev.hookline.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.JsonLimits;
import dev.hookline.core.Times;

/** The one ObjectMapper, and the 400 for bodies that are not JSON. */
public final class Json {
    /** Reads request bodies within {@link JsonLimits}; writes replies of any depth the store holds. */
    public static final ObjectMapper MAPPER = JsonLimits.input();

    /** For reading values one by one out of a larger document (where the rest is not "trailing"). */
    static final ObjectMapper STREAMING = JsonLimits.input().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** For documents already stored, which were accepted under whatever limits held then. */
    private static final ObjectMapper STORED = JsonLimits.stored();

    private Json() {}

    public static JsonNode parse(byte[] body) {
        requireUtf8(body);
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new BadRequest("invalid_json", "the request body is empty; send a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw invalid(e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static void putTime(ObjectNode node, String field, Long epochMillis) {
        if (epochMillis == null) {
            node.putNull(field);
        } else {
            node.put(field, Times.format(epochMillis));
        }
    }

    /** A stored JSON document embedded as a value (not as a string). */
    public static JsonNode raw(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return STORED.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    /** The 400 for a body that is not JSON, or not JSON within the limits. */
    static BadRequest invalid(java.io.IOException e) {
        return new BadRequest("invalid_json", "the request body is not valid JSON: " + JsonLimits.describe(e));
    }

    /** Refuses a body that is not plain UTF-8 (Jackson would read UTF-16 and UTF-32 too). */
    static void requireUtf8(byte[] body) {
        if (!JsonLimits.isPlainUtf8(body)) {
            throw new BadRequest("invalid_encoding", "send JSON as UTF-8, without a byte order mark or NUL bytes");
        }
    }

    /** A 400: the request itself is malformed (not JSON, wrong media, unreadable). */
    static final class BadRequest extends RuntimeException {
        final String code;
        final int status;

        BadRequest(String code, String message) {
            this(400, code, message);
        }

        BadRequest(int status, String code, String message) {
            super(message, null, false, false);
            this.code = code;
            this.status = status;
        }
    }
}
