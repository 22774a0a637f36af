package dev.hookline.outbound;

import dev.hookline.core.Failure;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
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

    public EventType create(String name, String description, String schema) {
        validateName("name", name);
        return db.write(c -> {
            if (Sql.one(c, "SELECT name FROM event_types WHERE name = ?", rs -> rs.getString(1), name).isPresent()) {
                throw new Failure.Conflict("event type '" + name + "' already exists");
            }
            long now = clock.millis();
            Sql.update(c, "INSERT INTO event_types (name, description, schema_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    name, description, schema, now, now);
            return new EventType(name, description, schema, now, now);
        });
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
        return db.write(c -> {
            EventType current = Sql.one(c, "SELECT * FROM event_types WHERE name = ?", EventTypeStore::row, name)
                    .orElseThrow(() -> new Failure.NotFound("event type", name));
            EventType updated = new EventType(name, description == null ? current.description() : emptyToNull(description),
                    schema == null ? current.schema() : emptyToNull(schema), current.createdAt(), clock.millis());
            Sql.update(c, "UPDATE event_types SET description = ?, schema_json = ?, updated_at = ? WHERE name = ?",
                    updated.description(), updated.schema(), updated.updatedAt(), name);
            return updated;
        });
    }

    public void delete(String name) {
        int n = db.write(c -> Sql.update(c, "DELETE FROM event_types WHERE name = ?", name));
        if (n == 0) {
            throw new Failure.NotFound("event type", name);
        }
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static EventType row(ResultSet rs) throws SQLException {
        return new EventType(rs.getString("name"), rs.getString("description"), rs.getString("schema_json"),
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
