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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The event types' schemas, enforced on ingest for the types with {@code validate: true}: a message
 * whose {@code data} does not match is refused with 422 before anything is written. Schemas are JSON
 * Schema 2020-12 (the dialect when a schema names none), compiled once per version of the event
 * type and kept while its {@code updated_at} is unchanged. A schema refers to nothing outside itself:
 * {@code $ref}s to other documents are not fetched.
 *
 * <p>Which types are enforced is held in memory as of a version of the event types ({@link #changed},
 * in every write that changes one), which ingest reads with the app ({@link App.Versions}): a message
 * of a type not enforced costs no read, and the set is read again on the first message after a change,
 * on every node. Names and times only, at most {@link #MAX_ENFORCED_HELD}: past that, each message
 * reads its own type's row.
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

    /** The event types' version, as a scalar subquery (text, null before the first change): {@link #version(String)} reads it. */
    static final String VERSION_SQL = "(SELECT value FROM meta WHERE name = 'event_types_version')";

    private record Compiled(long updatedAt, JsonSchema schema) {}

    /** Enforced event types held in memory at most; a catalog past this is read type by type. */
    static final int MAX_ENFORCED_HELD = 10_000;

    /**
     * The enforced types as of {@code version}: each one's name and {@code updated_at}, read no
     * earlier than the version was; null when there were more than the most held.
     */
    private record Enforced(long version, Map<String, Long> updatedAt) {}

    private final Cache<String, Compiled> compiled = Caffeine.newBuilder().maximumSize(10_000).build();
    private final int maxHeld;
    private volatile Enforced enforced;

    public EventSchemas() {
        this(MAX_ENFORCED_HELD);
    }

    /** With at most {@code maxHeld} enforced types held in memory (a test's small catalog can pass it). */
    EventSchemas(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** Marks the event types changed, inside the caller's write: every node reads the enforced ones again before its next check. */
    static void changed(Connection c) throws SQLException {
        Sql.update(c, "INSERT INTO meta (name, value) VALUES ('event_types_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                Long.toString(App.Versions.next()));
    }

    /** The version {@link #VERSION_SQL} read: 0 before the event types first changed. */
    static long version(String stored) {
        return stored == null ? 0 : Long.parseLong(stored);
    }

    private static final String ENFORCED = "validate = 1 AND schema_json IS NOT NULL";

    /** The enforced types as of {@code version}: those held, or read now (by one caller; the others wait for it). */
    private Enforced enforced(Connection c, long version) throws SQLException {
        Enforced now = enforced;
        if (now != null && now.version() == version) {
            return now;
        }
        synchronized (this) {
            now = enforced;
            if (now != null && now.version() == version) {
                return now;
            }
            List<Map.Entry<String, Long>> types = Sql.list(c, "SELECT name, updated_at FROM event_types WHERE " + ENFORCED + " LIMIT ?",
                    rs -> Map.entry(rs.getString(1), rs.getLong(2)), maxHeld + 1);
            now = new Enforced(version, types.size() > maxHeld ? null : Map.ofEntries(types.toArray(Map.Entry[]::new)));
            // once a change: a type deleted and declared again within a millisecond has the same updated_at
            compiled.invalidateAll();
            enforced = now;
            return now;
        }
    }

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

    /**
     * Refuses {@code data} (422 on {@code data}) when {@code event}'s type is enforced and data does
     * not match its schema; {@code version} is the event types' version, read no earlier than the request began.
     */
    public void check(Connection c, long version, String event, byte[] data) throws SQLException {
        Enforced now = enforced(c, version);
        Long updatedAt = now.updatedAt() != null ? now.updatedAt().get(event)
                : Sql.one(c, "SELECT updated_at FROM event_types WHERE name = ? AND " + ENFORCED, rs -> rs.getLong(1), event).orElse(null);
        if (updatedAt == null) {
            return;
        }
        Compiled cached = compiled.getIfPresent(event);
        if (cached == null || cached.updatedAt() != updatedAt) {
            Optional<String> schema = Sql.one(c, "SELECT schema_json FROM event_types WHERE name = ?", rs -> rs.getString(1), event);
            if (schema.isEmpty()) {
                return; // deleted, or no longer has a schema, since the version was read
            }
            cached = new Compiled(updatedAt, compile("schema", schema.get()));
            compiled.put(event, cached);
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (IOException e) {
            throw new Failure.Invalid("data", "is not JSON"); // the API has parsed it already: not reached
        }
        Set<ValidationMessage> problems = cached.schema().validate(node);
        if (!problems.isEmpty()) {
            throw new Failure.Invalid("data", "does not match the schema of event type '" + event + "': "
                    + problems.stream().limit(MAX_PROBLEMS).map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; ")));
        }
    }
}
