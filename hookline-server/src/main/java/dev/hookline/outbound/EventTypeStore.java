package dev.hookline.outbound;

import dev.hookline.core.Failure;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The event catalog: the names producers send and endpoints subscribe to. */
public final class EventTypeStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*");

    private final Database db;
    private final Clock clock;

    public EventTypeStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public static void validateName(String field, String name) {
        if (name.length() > 200 || !NAME.matcher(name).matches()) {
            throw new Failure.Invalid(field, "'" + name + "' is not a valid event name: use letters, digits, '_', ':' or '-'"
                    + " in dot-separated parts, e.g. 'lookup.completed'");
        }
    }

    /**
     * The subscriptions in {@code events} that no declared event type answers to, as
     * {@code field[i]: why} lines: an exact name nobody declared (a typo, or a type not made yet), or a
     * wildcard no declared name falls under. {@code *} and an absent list match anything.
     */
    static List<String> undeclared(Connection c, String field, List<String> events) throws SQLException {
        List<String> out = new ArrayList<>();
        if (events == null) {
            return out;
        }
        for (int i = 0; i < events.size(); i++) {
            String pattern = events.get(i);
            if (pattern.equals("*")) {
                continue;
            }
            boolean declared = pattern.endsWith(".*")
                    ? Sql.one(c, "SELECT name FROM event_types WHERE SUBSTR(name, 1, ?) = ? LIMIT 1", rs -> rs.getString(1),
                            pattern.length() - 1, pattern.substring(0, pattern.length() - 1)).isPresent()
                    : Sql.one(c, "SELECT name FROM event_types WHERE name = ?", rs -> rs.getString(1), pattern).isPresent();
            if (!declared) {
                out.add(field + "[" + i + "]: " + (pattern.endsWith(".*") ? "no declared event type matches '" + pattern + "'"
                        : "no event type '" + pattern + "' is declared") + " (see GET /v1/event-types)");
            }
        }
        return out;
    }

    public EventType create(String name, String description, String schema) {
        return create(name, description, schema, false);
    }

    /** With {@code validate}, messages of this type must match {@code schema} (which it then needs). */
    public EventType create(String name, String description, String schema, boolean validate) {
        validateName("name", name);
        requireSchemaIfValidated(schema, validate);
        return db.write(c -> {
            if (Sql.one(c, "SELECT name FROM event_types WHERE name = ?", rs -> rs.getString(1), name).isPresent()) {
                throw new Failure.Conflict("event type '" + name + "' already exists");
            }
            long now = clock.millis();
            Sql.update(c, "INSERT INTO event_types (name, description, schema_json, validate, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    name, description, schema, validate, now, now);
            EventSchemas.changed(c);
            return new EventType(name, description, schema, validate, now, now);
        });
    }

    /** A schema to enforce must be there and must compile: a broken one would refuse every message, or none. */
    private static void requireSchemaIfValidated(String schema, boolean validate) {
        if (schema != null) {
            EventSchemas.compile("schema", schema);
        }
        if (validate && schema == null) {
            throw new Failure.Invalid("validate", "needs a schema to enforce: give the event type a schema");
        }
    }

    public EventType get(String name) {
        return db.read(c -> Sql.one(c, "SELECT * FROM event_types WHERE name = ?", EventTypeStore::row, name))
                .orElseThrow(() -> new Failure.NotFound("event type", name));
    }

    public Page<EventType> list(PageRequest page) {
        return db.read(c -> Page.of(Sql.list(c, "SELECT * FROM event_types WHERE name > ? ORDER BY name LIMIT ?",
                EventTypeStore::row, page.afterOrStart(), page.limit() + 1), page.limit(), EventType::name));
    }

    /** Replaces the fields given; {@code null} leaves a field as it is, an empty string clears it. */
    public EventType update(String name, String description, String schema) {
        return update(name, description, schema, null);
    }

    /** {@link #update(String, String, String)}, and {@code validate} when not null. */
    public EventType update(String name, String description, String schema, Boolean validate) {
        return db.write(c -> {
            EventType current = Sql.one(c, "SELECT * FROM event_types WHERE name = ?", EventTypeStore::row, name)
                    .orElseThrow(() -> new Failure.NotFound("event type", name));
            EventType updated = new EventType(name, description == null ? current.description() : emptyToNull(description),
                    schema == null ? current.schema() : emptyToNull(schema), validate == null ? current.validate() : validate,
                    current.createdAt(), Math.max(clock.millis(), current.updatedAt() + 1));
            requireSchemaIfValidated(updated.schema(), updated.validate());
            Sql.update(c, "UPDATE event_types SET description = ?, schema_json = ?, validate = ?, updated_at = ? WHERE name = ?",
                    updated.description(), updated.schema(), updated.validate(), updated.updatedAt(), name);
            EventSchemas.changed(c);
            return updated;
        });
    }

    public void delete(String name) {
        int n = db.write(c -> {
            int deleted = Sql.update(c, "DELETE FROM event_types WHERE name = ?", name);
            if (deleted > 0) {
                EventSchemas.changed(c);
            }
            return deleted;
        });
        if (n == 0) {
            throw new Failure.NotFound("event type", name);
        }
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    static EventType row(ResultSet rs) throws SQLException {
        return new EventType(rs.getString("name"), rs.getString("description"), rs.getString("schema_json"),
                rs.getInt("validate") == 1, rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
