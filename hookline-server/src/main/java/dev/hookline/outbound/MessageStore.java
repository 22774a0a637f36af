package dev.hookline.outbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Failure;
import dev.hookline.core.Ids;
import dev.hookline.core.LongPoll;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.core.WakeUp;
import dev.hookline.store.Database;
import dev.hookline.store.GroupCommitWriter.Lane;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Messages and their fan-out. A message and one delivery row per subscribed endpoint are written in
 * the same transaction, so an acknowledged message can never be missing its deliveries; the
 * dispatcher is woken only after that transaction commits.
 */
public final class MessageStore {
    /** Announces, across nodes, that deliveries were created or made due. */
    public static final String DELIVERIES_CHANNEL = "hookline_deliveries";
    private static final String COLUMNS = "id, app_id, event_id, event, channels, payload, created_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Creates a message's delivery to one endpoint inside the caller's write: the delivery queue's one INSERT. */
    @FunctionalInterface
    public interface Enqueue {
        void deliver(Connection c, Message message, Endpoint endpoint) throws SQLException;
    }

    private final java.util.function.IntConsumer ingested;
    private final Database db;
    private final Clock clock;
    private final Fanout fanout;
    private final EventSchemas schemas;
    private final WakeUp newWork;
    private final LongPoll newDeliveries;
    private final Enqueue enqueue;

    /** {@code ingested} is told the fan-out size of each new message (for metrics), once it has committed. */
    public MessageStore(Database db, Clock clock, Fanout fanout, EventSchemas schemas, WakeUp newWork, Enqueue enqueue,
                        java.util.function.IntConsumer ingested) {
        this.ingested = ingested;
        this.db = db;
        this.clock = clock;
        this.fanout = fanout;
        this.schemas = schemas;
        this.newWork = newWork;
        this.newDeliveries = new LongPoll(db.recheckMillis());
        this.enqueue = enqueue;
    }

    /** The stored message, whether this call created it, and how many deliveries it fanned out to. */
    public record Ingested(Message message, boolean created, int deliveries) {}

    /**
     * Stores the message for {@code app} (as the caller just read it) and fans it out. A repeated
     * {@code eventId} returns the first message and fans out nothing.
     */
    public Ingested ingest(App app, NewMessage m) {
        // Routing and content filters run here, on a read connection, not in the single writer: an
        // app with many endpoints or heavy filters costs its own request time, never other apps' writes.
        // The app is not read again: the write below checks it still exists. Nor are the versions of
        // its endpoints and of the event types, read with it: a read here only when one has moved.
        Routed routed = db.read(c -> {
            App.Versions versions = app.versions() != null ? app.versions() : AppStore.versions(c, app.id());
            schemas.check(c, versions.eventTypes(), m.event(), m.data());
            return routed(c, app.id(), versions.endpoints(), m);
        });
        Ingested result = db.write(Lane.REQUESTS, routed.endpointIds(), c -> {
            if (!AppStore.exists(c, routed.message().appId())) {
                throw new Failure.NotFound("app", app.id()); // deleted since it was read
            }
            return store(c, routed.message(), routed.targets());
        });
        if (result.deliveries() > 0) {
            wake();
        }
        return result;
    }

    /** A message made and routed ahead of the write that stores it ({@link #route}). */
    public record Routed(Message message, List<Endpoint> targets) {
        /** The endpoints whose rows storing it locks, to name to the write ({@link Database#write(Lane, Collection, dev.hookline.store.GroupCommitWriter.Work)}). */
        public List<String> endpointIds() {
            return targets.stream().map(Endpoint::id).toList();
        }
    }

    private Routed routed(Connection c, String appId, NewMessage m) throws SQLException {
        return routed(c, appId, Fanout.version(c, appId), m);
    }

    private Routed routed(Connection c, String appId, long endpointsVersion, NewMessage m) throws SQLException {
        Message msg = newMessage(appId, m);
        return new Routed(msg, fanout.subscribers(c, appId, endpointsVersion, m.event(), m.channels(), new FilterView(msg)));
    }

    /** The ids of the app's enabled endpoints (a message of the app can be queued for no other), read now. */
    public List<String> enabledEndpointIds(String appId) {
        return db.read(c -> fanout.enabledIds(c, appId));
    }

    /**
     * Makes {@code m} a message of the app and finds its endpoints, on a read connection, for a
     * caller that stores it inside a write of its own ({@link #ingestIn(Connection, Routed)}): the
     * routing stays out of the single writer, and the write can name the endpoints it will lock.
     */
    public Routed route(String appId, NewMessage m) {
        return db.read(c -> routed(c, appId, m));
    }

    /**
     * Stores a message {@link #route}d before, inside a write the caller runs (so the message commits
     * or not together with the caller's own rows). The caller calls {@link #wake()} once that write has committed.
     */
    public Ingested ingestIn(Connection c, Routed routed) throws SQLException {
        return store(c, routed.message(), routed.targets());
    }

    /**
     * {@link #ingestIn(Connection, Routed)}, routed inside the caller's write (operational events).
     * Queueing locks the targets' rows: a caller on a busy path names the app's endpoints
     * ({@link #enabledEndpointIds}) to its write beforehand (a failed attempt's record does; the rare
     * API-key and endpoint-enabled events do not).
     */
    public Ingested ingestIn(Connection c, String appId, NewMessage m) throws SQLException {
        return ingestIn(c, routed(c, appId, m));
    }

    private Message newMessage(String appId, NewMessage m) {
        return new Message(Ids.next("msg"), appId, m.eventId(), m.event(), m.channels(), m.data(), clock.millis());
    }

    /** Stores the message and its deliveries; a repeated event id returns the first message and stores nothing. */
    private Ingested store(Connection c, Message msg, List<Endpoint> targets) throws SQLException {
        // ON CONFLICT rather than look-then-insert: two nodes given the same id at once must not both
        // fan out, and the loser must get the first message, not a unique-key error.
        int inserted = Sql.update(c, "INSERT INTO messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (app_id, event_id) DO NOTHING",
                msg.id(), msg.appId(), msg.eventId(), msg.event(), channelsJson(msg.channels()), msg.payload(), msg.createdAt());
        if (inserted == 0) {
            return new Ingested(Sql.one(c, "SELECT " + COLUMNS + " FROM messages WHERE app_id = ? AND event_id = ?",
                    MessageStore::row, msg.appId(), msg.eventId()).orElseThrow(), false, 0);
        }
        for (Endpoint ep : targets) {
            enqueue.deliver(c, msg, ep);
        }
        if (!targets.isEmpty()) {
            db.notifyOnCommit(c, DELIVERIES_CHANNEL);
        }
        int deliveries = targets.size();
        db.afterCommit(() -> ingested.accept(deliveries));
        return new Ingested(msg, true, targets.size());
    }

    /**
     * Tells the dispatcher that committed deliveries are waiting, and wakes those pulling deliveries
     * ({@link #awaitDeliveries}); called after each such commit, here or (notified) on another node.
     */
    public void wake() {
        newWork.ring();
        newDeliveries.signal();
    }

    /** Reads until {@code found} holds or {@code wait} is over, re-reading after each commit that created deliveries. */
    public <T> T awaitDeliveries(java.util.function.Supplier<T> read, java.util.function.Predicate<T> found, java.time.Duration wait) {
        return newDeliveries.await(read, found, wait);
    }

    /** Sends {@code message} to one endpoint alone, whatever it subscribes to (the "test" button). */
    public Ingested sendTo(String appIdOrUid, Endpoint ep, NewMessage m) {
        Ingested result = db.write(Lane.REQUESTS, List.of(ep.id()), c -> {
            App app = AppStore.require(c, appIdOrUid);
            EndpointStore.requireExists(c, app.id(), ep.id()); // not deleted since the caller read it
            Message msg = newMessage(app.id(), m);
            Sql.update(c, "INSERT INTO messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                    msg.id(), msg.appId(), msg.eventId(), msg.event(), channelsJson(msg.channels()), msg.payload(), msg.createdAt());
            enqueue.deliver(c, msg, ep);
            db.notifyOnCommit(c, DELIVERIES_CHANNEL);
            return new Ingested(msg, true, 1);
        });
        wake();
        return result;
    }

    /** The message as filters see it, {@code {"event","channels","data"}}, parsed at most once. */
    private static final class FilterView implements java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> {
        private final Message message;
        private com.fasterxml.jackson.databind.JsonNode view;

        FilterView(Message message) {
            this.message = message;
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode get() {
            if (view == null) {
                var node = JSON.createObjectNode();
                node.put("event", message.event());
                node.set("channels", JSON.valueToTree(message.channels()));
                try {
                    node.set("data", JSON.readTree(message.payload()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("a stored payload is not JSON", e);
                }
                view = node;
            }
            return view;
        }
    }


    /**
     * Erases a message's payload on demand: the record, its deliveries' history and its attempts
     * stay; the data goes. Deliveries still pending end as failed, since there is nothing left to send.
     */
    public void deleteContent(String appIdOrUid, String messageIdOrEventId) {
        db.write(c -> {
            Message m = find(c, AppStore.require(c, appIdOrUid).id(), messageIdOrEventId);
            Sql.update(c, "UPDATE messages SET payload = NULL WHERE id = ?", m.id());
            return Sql.update(c, "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = ?"
                    + " WHERE message_id = ? AND status = 'pending' AND lease_owner IS NULL", clock.millis(), m.id());
        });
    }

    /** A message by its id or by the producer's event id. */
    public Message get(String appIdOrUid, String messageIdOrEventId) {
        return db.read(c -> find(c, AppStore.require(c, appIdOrUid).id(), messageIdOrEventId));
    }

    static Message find(Connection c, String appId, String messageIdOrEventId) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM messages WHERE app_id = ? AND (id = ? OR event_id = ?)",
                        MessageStore::row, appId, messageIdOrEventId, messageIdOrEventId)
                .orElseThrow(() -> new Failure.NotFound("message", messageIdOrEventId));
    }

    /** The messages with these ids (those that still exist). */
    public Map<String, Message> byIds(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return db.read(c -> {
            Map<String, Message> out = new HashMap<>();
            for (Message m : Sql.list(c, "SELECT " + COLUMNS + " FROM messages WHERE id IN (" + Sql.placeholders(ids.size()) + ")",
                    MessageStore::row, ids.toArray())) {
                out.put(m.id(), m);
            }
            return out;
        });
    }

    /** The app's messages in the page's order, narrowed by {@code filter} (a status or endpoint asks about their deliveries). */
    public Page<Message> list(String appIdOrUid, PageRequest page, MessageFilter filter) {
        return db.read(c -> {
            App app = AppStore.require(c, appIdOrUid);
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM messages m WHERE m.app_id = ? AND " + page.cursorSql("m.id"));
            List<Object> params = new ArrayList<>(List.of(app.id(), page.afterOrStart()));
            filter.appendContent(sql, params, "m");
            filter.appendWindow(sql, params, "m.created_at");
            if (filter.endpointId() != null || filter.status() != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id");
                if (filter.endpointId() != null) {
                    sql.append(" AND d.endpoint_id = ?");
                    params.add(filter.endpointId());
                }
                if (filter.status() != null) {
                    sql.append(" AND d.status = ?");
                    params.add(filter.status());
                }
                sql.append(")");
            }
            sql.append(page.orderSql("m.id"));
            params.add(page.limit() + 1);
            return Page.of(Sql.list(c, sql.toString(), MessageStore::row, params.toArray()), page.limit(), Message::id);
        });
    }

    /** Where the message stands with each endpoint it fanned out to. */
    public List<DeliveryState> deliveries(String appId, String messageId) {
        return db.read(c -> Sql.list(c, "SELECT " + DeliveryState.COLUMNS + " FROM deliveries WHERE app_id = ? AND message_id = ? ORDER BY id",
                DeliveryState::read, appId, messageId));
    }

    private static String channelsJson(List<String> channels) {
        if (channels == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(channels);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Message row(ResultSet rs) throws SQLException {
        String channels = rs.getString("channels");
        List<String> parsed = null;
        if (channels != null) {
            try {
                parsed = Arrays.asList(JSON.readValue(channels, String[].class));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("message " + rs.getString("id") + " has unreadable channels", e);
            }
        }
        return new Message(rs.getString("id"), rs.getString("app_id"), rs.getString("event_id"), rs.getString("event"),
                parsed, rs.getBytes("payload"), rs.getLong("created_at"));
    }
}
