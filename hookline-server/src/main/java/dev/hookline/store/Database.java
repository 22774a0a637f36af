package dev.hookline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hookline.core.Failure;
import dev.hookline.core.OwnerOnly;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collection;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The database: a {@link GroupCommitWriter} for every write and a small pool for reads.
 *
 * <p>On SQLite (the embedded default) the file runs in WAL mode, so readers never block the writer
 * or each other, with {@code synchronous=FULL}: a commit is on disk before a caller hears of it,
 * which is what lets a 2xx mean "durable". Group commit pays that fsync once per batch.
 *
 * <p>A unit of work given to {@link #write} runs on the single writer thread: it must use only the
 * connection it is given, never call {@link #read} or {@link #write} or wait on anything else, or it
 * stalls every writer behind it. Look things up before the write; re-check inside it.
 */
public final class Database implements AutoCloseable {
    /** Units per transaction at most: bounds how long one commit holds the writer. */
    static final int MAX_BATCH = 1_000;
    /** A caller gives up (503) after waiting this long for its commit. */
    static final long COMMIT_WAIT_MILLIS = 30_000;

    private final Dialect dialect;
    private final HikariDataSource readers;
    private PostgresChanges changes;
    private final GroupCommitWriter writer;

    /** {@code writeQueueCapacity}: writes waiting beyond this many are refused (503) rather than held in memory. */
    private Database(Dialect dialect, HikariDataSource readers, GroupCommitWriter.ConnectionSource writerSource, int writeQueueCapacity) {
        this.dialect = dialect;
        this.readers = readers;
        this.writer = new GroupCommitWriter(writerSource, dialect, dialect == Dialect.POSTGRESQL ? Database::lockEndpoints : null,
                writeQueueCapacity, MAX_BATCH, COMMIT_WAIT_MILLIS);
    }

    /** Opens (creating if needed) the SQLite database {@code hookline.db} in {@code dataDir}, migrated. */
    public static Database openSqlite(Path dataDir) {
        return openSqlite(dataDir, 20_000);
    }

    public static Database openSqlite(Path dataDir, int writeQueueCapacity) {
        Path file = dataDir.resolve("hookline.db");
        OwnerOnly.file(file);
        OwnerOnly.ifExists(dataDir.resolve("hookline.db-wal"));
        OwnerOnly.ifExists(dataDir.resolve("hookline.db-shm"));
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SQLiteDataSource writer = sqlite(url, false);
        migrate(writer, Dialect.SQLITE);

        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite(url, true));
        pool.setPoolName("hookline-readers");
        pool.setMaximumPoolSize(4);
        // A fixed pool of connections that live as long as the process: each keeps its prepared
        // statements (see read), so a connection retired and opened again would parse them afresh.
        pool.setMinimumIdle(4);
        pool.setMaxLifetime(0);
        pool.setReadOnly(true); // must match the connections' own flag, which SQLite cannot change later
        HikariDataSource readers = new HikariDataSource(pool);
        // Checkpoints stay SQLite's own, in the writer's commit that takes the log past 1,000 pages. A
        // thread of their own (tried in 7ad75f7) let the log grow without end under steady writes: the
        // log starts over only when a checkpoint has copied all of it by the time the writer's next
        // transaction begins, which one run beside a writer that never pauses hardly ever has
        // (3 GB of log after 60 s of ingest, against 4 MB with the commits' own checkpoints).
        return new Database(Dialect.SQLITE, readers, writer::getConnection, writeQueueCapacity);
    }

    private static SQLiteDataSource sqlite(String url, boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        config.setReadOnly(readOnly);
        // SQLite's default page cache is 2 MB a connection. Fan-out to many endpoints touches index
        // pages all over the deliveries table in every group commit; with the default they are read
        // again from the OS for every batch. 64 MB for the writer, 16 MB for each reader.
        config.setCacheSize(readOnly ? -16_384 : -65_536);
        // Ids are made in Java, so no generated key is ever asked for; left on, the driver matches
        // every statement against a pattern and runs SELECT last_insert_rowid() after each INSERT
        // (3.8 % of the server's CPU in a drain of deliveries, bench/profile-drain with JFR).
        config.setGetGeneratedKeys(false);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(url);
        return source;
    }

    /**
     * Opens a PostgreSQL database, migrated. {@code url} is {@code postgresql://user:pass@host:port/db}
     * or a {@code jdbc:postgresql:} URL. Readers share a small pool; the writer has its own connection
     * (opened again if it breaks); a listener connection relays NOTIFY between nodes.
     */
    public static Database openPostgres(String url, int writeQueueCapacity) {
        PostgresUrl pg = PostgresUrl.parse(url);
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(pg.jdbcUrl());
        if (pg.user() != null) {
            pool.setUsername(pg.user());
            pool.setPassword(pg.password());
        }
        pool.setPoolName("hookline-readers");
        pool.setMaximumPoolSize(8);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(5_000);
        // Start even while the database is down: requests get 503 until it is back.
        pool.setInitializationFailTimeout(-1);
        // A connection that died silently must fail its request (503), not hang it.
        pool.addDataSourceProperty("socketTimeout", "60");
        pool.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource readers = new HikariDataSource(pool);
        migrate(readers, Dialect.POSTGRESQL);
        Database db = new Database(Dialect.POSTGRESQL, readers, pg::connect, writeQueueCapacity);
        db.changes = new PostgresChanges(pg);
        return db;
    }

    private static void migrate(javax.sql.DataSource source, Dialect dialect) {
        Flyway.configure()
                .dataSource(source)
                .locations(Dialect.migrationLocation())
                .placeholders(dialect.migrationPlaceholders())
                .loggers("slf4j")
                .load()
                .migrate();
    }

    /**
     * How often a long-poll looks again even without a wake-up ({@link dev.hookline.core.LongPoll}):
     * on PostgreSQL a NOTIFY from another node can be lost while the listener reconnects, so once a
     * second; on SQLite this process is the only writer, so every commit wakes it and it need not.
     */
    public long recheckMillis() {
        return dialect == Dialect.SQLITE ? Long.MAX_VALUE : 1_000;
    }

    /** Tells every node's {@link #onChange} listeners about {@code channel}, when the caller's write commits. */
    public void notifyOnCommit(Connection c, String channel) throws SQLException {
        if (changes != null) {
            Sql.one(c, "SELECT pg_notify(?, '')", rs -> null, channel);
        }
    }

    /**
     * Runs {@code listener} whenever another node committed a change announced on {@code channel}
     * (on SQLite there is no other node, so nothing arrives).
     */
    public void onChange(String channel, Runnable listener) {
        if (changes != null) {
            changes.listen(channel, listener);
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in the next group commit and returns once it is durable. */
    public <T> T write(GroupCommitWriter.Work<T> work) {
        return writer.execute(work);
    }

    /** {@link #write} in the given lane: the dispatcher writes in {@link GroupCommitWriter.Lane#DELIVERIES}. */
    public <T> T write(GroupCommitWriter.Lane lane, GroupCommitWriter.Work<T> work) {
        return writer.execute(lane, work);
    }

    /**
     * {@link #write(GroupCommitWriter.Lane, GroupCommitWriter.Work)} for work that will lock the rows of
     * the endpoints {@code endpointIds} (to write their queue heads or health): on PostgreSQL its batch
     * locks them all first, in id order, so that two nodes' batches never take them in opposite orders
     * and deadlock ({@link GroupCommitWriter}).
     */
    public <T> T write(GroupCommitWriter.Lane lane, Collection<String> endpointIds, GroupCommitWriter.Work<T> work) {
        return writer.execute(lane, endpointIds, work);
    }

    /** The batch's endpoint locks, in the order every node takes them. */
    private static void lockEndpoints(Connection c, Collection<String> endpointIds) throws SQLException {
        // each row returned is locked, in the ORDER BY's order
        Sql.list(c, "SELECT id FROM endpoints WHERE id = ANY (?) ORDER BY id FOR NO KEY UPDATE", rs -> null,
                c.createArrayOf("text", endpointIds.toArray()));
    }

    /** Runs {@code action} once the write unit now running commits, never if it rolls back ({@link GroupCommitWriter#afterCommit}). */
    public void afterCommit(Runnable action) {
        GroupCommitWriter.afterCommit(action);
    }

    /** Runs {@code work} on a pooled read connection (auto-commit; sees every committed write). */
    public <T> T read(GroupCommitWriter.Work<T> work) {
        try (Connection c = readers.getConnection()) {
            // On SQLite, reads run on the pooled connection itself, which keeps its prepared
            // statements: parsing each statement afresh was 22 % of the server's CPU in ingest
            // (bench/profile-ingest with JFR: NativeDB.prepare_utf8 under the readers'
            // prepareStatement). PostgreSQL's driver keeps its own per connection.
            return work.run(dialect == Dialect.SQLITE ? Sql.reusingStatements(c.unwrap(org.sqlite.SQLiteConnection.class)) : c);
        } catch (SQLTransientConnectionException e) {
            throw new Failure.Unavailable("no database connection is free", 1);
        } catch (SQLException e) {
            if (GroupCommitWriter.isUnavailable(e)) {
                throw new Failure.Unavailable("the database is unavailable", 2);
            }
            throw new StoreException(e);
        }
    }

    /**
     * Whether the database answers a read and the writer commits a batch, each within
     * {@code waitMillis}: what "ready to take traffic" means. Answers null when both do, else why not.
     */
    public String unreadyBecause(long waitMillis) {
        try {
            read(c -> Sql.one(c, "SELECT 1 AS one", rs -> rs.getInt("one")));
        } catch (RuntimeException e) {
            return "the database does not answer reads: " + e.getMessage();
        }
        try {
            // An empty unit still costs a BEGIN and a COMMIT: it proves the writer is committing, not only alive.
            writer.execute(GroupCommitWriter.Lane.REQUESTS, c -> null, waitMillis);
        } catch (RuntimeException e) {
            return "the writer is not committing: " + e.getMessage();
        }
        return null;
    }

    /** Tells {@code observer} of every committed write batch. */
    public void observeWrites(GroupCommitWriter.BatchObserver observer) {
        writer.observe(observer);
    }

    public int queuedWrites() {
        return writer.queued();
    }

    @Override
    public void close() {
        if (changes != null) {
            changes.close();
        }
        writer.close();
        readers.close();
    }
}
