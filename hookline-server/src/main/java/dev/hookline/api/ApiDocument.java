package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 document of this API, kept by hand next to the routes (openapi.json in this
 * package's resources) and served as is. OpenApiDocumentTest walks the route table against it, so a
 * route added, moved or removed without its entry fails the build.
 */
final class ApiDocument {
    private final byte[] bytes;
    private final JsonNode tree;

    private ApiDocument(byte[] bytes) {
        this.bytes = bytes;
        this.tree = Json.parse(bytes);
    }

    static ApiDocument load() {
        try (InputStream in = ApiDocument.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the jar");
            }
            return new ApiDocument(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] bytes() {
        return bytes;
    }

    JsonNode tree() {
        return tree;
    }
}
