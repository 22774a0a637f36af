package dev.hookline.inbound;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Failure;
import dev.hookline.core.LongPoll;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inbound log: every accepted post, kept as received. Readers can long-poll it: {@link
 * #listAfter} waits, up to a deadline, for an event past their cursor.
 */
public final class InboundEventStore {
    /** Announces, across nodes, that inbound events were committed (wakes long-polls). */
    public static final String CHANNEL = "hookline_inbound";
    static final String COLUMNS = "id, source_id, dedupe_key, content_type, headers, body, verification, message_id, note, received_at";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {};
    private final Database db;
    private final LongPoll newEvents;

    public InboundEventStore(Database db) {
        this.db = db;
        this.newEvents = new LongPoll(db.recheckMillis());
    }

    /** How many long-polls are waiting for an event right now. */
    public int waitingPolls() {
        return newEvents.waiting();
    }

    /** Stores the event; false when its de-duplication key was already taken (by this or another node). */
    boolean insert(Connection c, InboundEvent e) throws SQLException {
        int inserted = Sql.update(c, "INSERT INTO inbound_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (source_id, dedupe_key) DO NOTHING",
                e.id(), e.sourceId(), e.dedupeKey(), e.contentType(), JSON.valueToTree(e.headers()).toString(), e.body(),
                e.verification(), e.messageId(), e.note(), e.receivedAt());
        if (inserted == 1) {
            db.notifyOnCommit(c, CHANNEL);
        }
        return inserted == 1;
    }

    Optional<InboundEvent> byDedupeKey(Connection c, String sourceId, String key) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM inbound_events WHERE source_id = ? AND dedupe_key = ?",
                InboundEventStore::row, sourceId, key);
    }

    void linkMessage(Connection c, String eventId, String messageId, String note) throws SQLException {
        Sql.update(c, "UPDATE inbound_events SET message_id = ?, note = ? WHERE id = ?", messageId, note, eventId);
    }

    /** Wakes long-polls; called after a commit that added events (here or, via NOTIFY, on another node). */
    public void signal() {
        newEvents.signal();
    }

    public InboundEvent get(String sourceId, String eventId) {
        return db.read(c -> Sql.one(c, "SELECT " + COLUMNS + " FROM inbound_events WHERE source_id = ? AND id = ?",
                InboundEventStore::row, sourceId, eventId)).orElseThrow(() -> new Failure.NotFound("event", eventId));
    }

    /**
     * The source's events after the cursor, oldest first. With a positive {@code wait}, an empty
     * answer is held back until an event arrives or the wait is over.
     */
    public Page<InboundEvent> listAfter(String sourceId, PageRequest page, Duration wait) {
        return newEvents.await(() -> db.read(c -> Page.of(Sql.list(c,
                        "SELECT " + COLUMNS + " FROM inbound_events WHERE source_id = ? AND id > ? ORDER BY id LIMIT ?",
                        InboundEventStore::row, sourceId, page.afterOrStart(), page.limit() + 1), page.limit(), InboundEvent::id)),
                result -> !result.data().isEmpty(), wait);
    }

    private static InboundEvent row(ResultSet rs) throws SQLException {
        Map<String, List<String>> headers;
        try {
            headers = JSON.readValue(rs.getString("headers"), HEADERS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("event " + rs.getString("id") + " has unreadable headers", e);
        }
        return new InboundEvent(rs.getString("id"), rs.getString("source_id"), rs.getString("dedupe_key"),
                rs.getString("content_type"), headers, rs.getBytes("body"), rs.getString("verification"),
                rs.getString("message_id"), rs.getString("note"), rs.getLong("received_at"));
    }
}
