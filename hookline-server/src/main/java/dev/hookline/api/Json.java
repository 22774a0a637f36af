package dev.hookline.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Times;

/** The one ObjectMapper, and the 400 for bodies that are not JSON. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** For reading values one by one out of a larger document (where the rest is not "trailing"). */
    static final ObjectMapper STREAMING = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    public static JsonNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new BadRequest("invalid_json", "the request body is empty; send a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequest("invalid_json", "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadRequest("invalid_json", "the request body could not be read");
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
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
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
