package dev.hookline.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.hookline.core.Failure;
import dev.hookline.store.Sql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The event types' schemas, enforced on ingest for the types with {@code validate: true}: a message
 * whose {@code data} does not match is refused with 422 before anything is written. Schemas are JSON
 * Schema 2020-12 (the dialect when a schema names none), compiled once per version of the event
 * type and kept while its {@code updated_at} is unchanged. A schema refers to nothing outside itself:
 * {@code $ref}s to other documents are not fetched.
 */
public final class EventSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A schema's {@code $ref} to another document is refused, not fetched: ingest must not reach out to the network. */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaLoaders(loaders -> loaders.add(iri -> () -> {
                throw new IOException("a schema may not refer to another document (" + iri + ")");
            })));
    /** At most this many problems are named in the 422: the first few are what a producer needs. */
    private static final int MAX_PROBLEMS = 5;

    private record Compiled(long updatedAt, JsonSchema schema) {}

    private final Cache<String, Compiled> compiled = Caffeine.newBuilder().maximumSize(10_000).build();

    /** Compiles {@code schema} (422 on {@code field} when it is not a usable schema). */
    static JsonSchema compile(String field, String schema) {
        try {
            JsonSchema s = FACTORY.getSchema(JSON.readTree(schema));
            s.initializeValidators();
            return s;
        } catch (IOException | RuntimeException e) {
            throw new Failure.Invalid(field, "is not a usable JSON Schema: " + e.getMessage());
        }
    }

    /** Refuses {@code data} (422 on {@code data}) when {@code event}'s type is enforced and data does not match its schema. */
    public void check(Connection c, String event, byte[] data) throws SQLException {
        Optional<EventType> type = Sql.one(c, "SELECT * FROM event_types WHERE name = ? AND validate = 1", EventTypeStore::row, event);
        if (type.isEmpty() || type.get().schema() == null) {
            return;
        }
        EventType t = type.get();
        Compiled cached = compiled.getIfPresent(t.name());
        if (cached == null || cached.updatedAt() != t.updatedAt()) {
            cached = new Compiled(t.updatedAt(), compile("schema", t.schema()));
            compiled.put(t.name(), cached);
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (IOException e) {
            throw new Failure.Invalid("data", "is not JSON"); // the API has parsed it already: not reached
        }
        Set<ValidationMessage> problems = cached.schema().validate(node);
        if (!problems.isEmpty()) {
            throw new Failure.Invalid("data", "does not match the schema of event type '" + t.name() + "': "
                    + problems.stream().limit(MAX_PROBLEMS).map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; ")));
        }
    }
}
