package dev.hookline.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTEN/NOTIFY across nodes: one connection that listens on every channel someone registered and
 * runs their listeners when a notification arrives. If the connection breaks it is opened again,
 * and every listener is run once (a notification may have been missed meanwhile; listeners only
 * ever mean "look again", so an extra run is harmless).
 */
final class PostgresChanges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresChanges.class);

    private final PostgresUrl url;
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean subscriptionsChanged;

    PostgresChanges(PostgresUrl url) {
        this.url = url;
        this.thread = Thread.ofPlatform().name("hookline-listen").daemon(true).start(this::loop);
    }

    void listen(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
        subscriptionsChanged = true;
    }

    private void loop() {
        while (running) {
            try (Connection c = url.connect()) {
                subscribe(c);
                listeners.values().forEach(l -> l.forEach(PostgresChanges::runSafely));
                PGConnection pg = c.unwrap(PGConnection.class);
                long lastCheck = System.nanoTime();
                while (running) {
                    if (subscriptionsChanged) {
                        subscribe(c);
                    }
                    PGNotification[] arrived = pg.getNotifications(500);
                    if (arrived != null) {
                        for (PGNotification n : arrived) {
                            listeners.getOrDefault(n.getName(), List.of()).forEach(PostgresChanges::runSafely);
                        }
                    }
                    if (System.nanoTime() - lastCheck > 15_000_000_000L) {
                        // A silently dead TCP connection delivers no notifications and no error: ask.
                        try (Statement st = c.createStatement()) {
                            st.execute("SELECT 1");
                        }
                        lastCheck = System.nanoTime();
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("the LISTEN connection failed, reconnecting in 1 s: {}", e.getMessage());
                    try {
                        Thread.sleep(1_000); // a pause between reconnects to a database that is down
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }
    }

    private static void runSafely(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) { // one listener's failure must not end the listening
            log.warn("a change listener failed: {}", e.toString());
        }
    }

    private void subscribe(Connection c) throws SQLException {
        subscriptionsChanged = false;
        try (Statement st = c.createStatement()) {
            for (String channel : listeners.keySet()) {
                st.execute("LISTEN " + channel); // channel names are our own constants, never input
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
