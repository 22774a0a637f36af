package dev.hookline.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which of an app's endpoints a message goes to, at a cost that grows with the endpoints that
 * match, not with all the app has.
 *
 * <p>Each app's enabled endpoints are indexed in memory ({@link Table}): endpoints without channels
 * by event (exact name, {@code prefix.*}, catch-all), and endpoints with channels first by each of
 * their channels, then by event the same way. A message looks up its event's exact name, each of
 * its dotted prefixes and the catch-alls, once unscoped and once per channel it carries; only the
 * endpoints found there have their content filter run.
 *
 * <p>Freshness: {@code apps.endpoints_version} changes in the transaction of every change to one
 * of the app's endpoints ({@link #changed}), and every look-up is given it as read by the request
 * (with the app, {@link App.Versions}) or reads it first: a table built for another version is rebuilt. So a change acknowledged to its caller
 * is seen by every message routed after it, on every node, with no cross-node notification.
 *
 * <p>Memory: tables are kept for the apps used most recently, up to {@link #MAX_ENDPOINTS_CACHED}
 * endpoints in all (an app's table weighs its endpoint count).
 */
public final class Fanout {
    static final long MAX_ENDPOINTS_CACHED = 200_000;

    private final Cache<String, Table> tables = Caffeine.newBuilder()
            .maximumWeight(MAX_ENDPOINTS_CACHED)
            .weigher((String app, Table t) -> 1 + t.size)
            .build();
    private final EndpointStore endpoints;

    public Fanout(EndpointStore endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * Marks the app's endpoints changed, inside the caller's write: every node's table for it is rebuilt
     * on next use ({@link App.Versions#next}).
     */
    public static void changed(Connection c, String appId) throws SQLException {
        Sql.update(c, "UPDATE apps SET endpoints_version = ? WHERE id = ?", App.Versions.next(), appId);
    }

    /**
     * The app's enabled endpoints that receive a message of {@code event} on {@code channels}
     * whose filter view is {@code message} (built only if a candidate has a filter). {@code version}
     * is the app's endpoints version, read no earlier than the request began ({@link App.Versions}).
     */
    public List<Endpoint> subscribers(Connection c, String appId, long version, String event, List<String> channels,
            Supplier<JsonNode> message) throws SQLException {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint ep : table(c, appId, version).candidates(event, channels)) {
            if (ep.policy().passes(message)) {
                out.add(ep);
            }
        }
        return out;
    }

    /** The ids of the app's enabled endpoints: every endpoint {@link #subscribers} may answer. */
    public List<String> enabledIds(Connection c, String appId) throws SQLException {
        return table(c, appId, version(c, appId)).ids;
    }

    /** The app's endpoints version, read now (-1 when the app is gone). */
    static long version(Connection c, String appId) throws SQLException {
        return Sql.one(c, "SELECT endpoints_version FROM apps WHERE id = ?", rs -> rs.getLong(1), appId).orElse(-1L);
    }

    /** The app's table as of {@code version}, built again (from endpoints read after it) when that is not the one held. */
    private Table table(Connection c, String appId, long version) throws SQLException {
        Table table = tables.getIfPresent(appId);
        if (table == null || table.version != version) {
            table = new Table(version, endpoints.enabledOf(c, appId));
            tables.put(appId, table);
        }
        return table;
    }

    /** The index of one app's enabled endpoints, as of {@code version}. Immutable once built. */
    static final class Table {
        final long version;
        final int size;
        final List<String> ids;
        private final EventIndex unscoped = new EventIndex();
        private final Map<String, EventIndex> byChannel = new HashMap<>();

        Table(long version, List<Endpoint> enabled) {
            this.version = version;
            this.size = enabled.size();
            this.ids = enabled.stream().map(Endpoint::id).toList();
            for (Endpoint ep : enabled) {
                List<String> channels = ep.policy().channels();
                if (channels == null) {
                    unscoped.add(ep);
                } else {
                    for (String channel : channels) {
                        byChannel.computeIfAbsent(channel, k -> new EventIndex()).add(ep);
                    }
                }
            }
        }

        /** Endpoints whose events and channels take the message, each once, in no particular order. */
        Set<Endpoint> candidates(String event, List<String> channels) {
            Set<Endpoint> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            unscoped.collect(event, out);
            if (channels != null) {
                for (String channel : channels) {
                    EventIndex scoped = byChannel.get(channel);
                    if (scoped != null) {
                        scoped.collect(event, out);
                    }
                }
            }
            return out;
        }
    }

    /** Endpoints by the event patterns they subscribe to. */
    private static final class EventIndex {
        private final List<Endpoint> all = new ArrayList<>();
        private final Map<String, List<Endpoint>> exact = new HashMap<>();
        /** Keyed by the prefix with its dot: {@code lookup.*} is under {@code "lookup."}. */
        private final Map<String, List<Endpoint>> prefixes = new HashMap<>();

        void add(Endpoint ep) {
            List<String> events = ep.policy().events();
            if (events == null || events.contains("*")) {
                all.add(ep);
                return;
            }
            for (String pattern : events) {
                if (pattern.endsWith(".*")) {
                    prefixes.computeIfAbsent(pattern.substring(0, pattern.length() - 1), k -> new ArrayList<>()).add(ep);
                } else {
                    exact.computeIfAbsent(pattern, k -> new ArrayList<>()).add(ep);
                }
            }
        }

        void collect(String event, Set<Endpoint> out) {
            out.addAll(all);
            out.addAll(exact.getOrDefault(event, List.of()));
            if (!prefixes.isEmpty()) {
                // every dotted prefix of the event: "a.b.c" is under "a." and "a.b."
                for (int dot = event.indexOf('.'); dot >= 0; dot = event.indexOf('.', dot + 1)) {
                    List<Endpoint> matched = prefixes.get(event.substring(0, dot + 1));
                    if (matched != null) {
                        out.addAll(matched);
                    }
                }
            }
        }
    }
}
