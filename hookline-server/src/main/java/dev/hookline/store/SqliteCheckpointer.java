package dev.hookline.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database file on a thread of its own.
 *
 * <p>By default SQLite does this in the commit that takes the log past 1,000 pages: that commit, and
 * every request waiting on it, then also waits while up to 4 MB are written to places all over the
 * database file and the file is synced. Work that changes many scattered pages (retention deleting
 * old rows, fan-out to many endpoints) reaches that size every few commits. A passive checkpoint
 * runs beside the writer, which goes on appending to the log meanwhile, so the writer's connection
 * has its automatic checkpoints turned off ({@link #takeOver}) and this runs one every
 * {@link #EVERY_MILLIS} ms. Like the automatic one it copies only what no reader still needs, and
 * SQLite starts the log over from the beginning once all of it has been copied.
 */
final class SqliteCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);
    static final long EVERY_MILLIS = 100;

    private final Connection connection;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hookline-checkpoint").daemon(true).factory());
    private boolean failing; // only the timer's thread reads and writes it

    SqliteCheckpointer(Connection connection) {
        this.connection = connection;
        timer.scheduleWithFixedDelay(this::checkpoint, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Turns off the automatic checkpoints of {@code writer}'s connection: this does them instead. */
    static Connection takeOver(Connection writer) throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint = 0");
        }
        return writer;
    }

    private void checkpoint() {
        try (Statement st = connection.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
            if (failing) {
                log.info("checkpoints of the write-ahead log work again");
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) { // once, not ten times a second; the next one tries again
                log.warn("a checkpoint of the write-ahead log failed; the log grows until one succeeds: {}", e.toString());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            log.warn("closing the checkpoint connection: {}", e.toString());
        }
    }
}
