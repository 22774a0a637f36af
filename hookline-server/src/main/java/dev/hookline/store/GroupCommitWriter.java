package dev.hookline.store;

import dev.hookline.core.Failure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a database. Request threads hand it units of work; it runs everything that
 * queued up while the previous batch was committing in one transaction, commits once, and only then
 * wakes the callers.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A caller returns normally only after the transaction holding its work has committed: a 2xx
 *       built on {@link #execute} is durable.</li>
 *   <li>One unit that throws is rolled back alone and fails alone; the rest of its batch still
 *       commits. A batch runs first as one plain transaction; if a unit throws, that transaction is
 *       rolled back and the batch runs again with each unit in a savepoint of its own (see
 *       {@link #runAll}). So a unit's work may run twice.</li>
 *   <li>If the commit itself fails, every unit of the batch fails with {@link Failure.Unavailable};
 *       none is reported as written. A batch PostgreSQL ends to break a deadlock with another
 *       node's (or a serialization conflict) is first run again, whole, up to
 *       {@value #CONFLICT_ATTEMPTS} times: a unit's work may run more than once, and must leave nothing
 *       behind outside its transaction that a second run would get wrong.</li>
 *   <li>Work arrives in two lanes, each bounded: when a lane is full, {@link #execute} fails at once
 *       with {@link Failure.Unavailable} (the API answers 503 + Retry-After) instead of letting
 *       memory grow. {@link Lane#DELIVERIES} (claims and attempt records) has its own capacity
 *       and goes first into each batch, so a flood of API writes can neither refuse nor delay the
 *       record of a request already made (a refused record would send that webhook again).</li>
 *   <li>On PostgreSQL, two nodes' batches must not lock the same rows in opposite orders: each
 *       would wait for the other until PostgreSQL ends one (after its {@code deadlock_timeout}, a
 *       second by default) and the batch runs again, every request in it that much later. A unit
 *       names the rows it will wait for ({@link #execute(Lane, Collection, Work)}); the batch takes
 *       all of them first, in one statement and one order ({@link Locker}), so its units then find
 *       them held already. What a unit locks without naming it, it must take with {@code SKIP LOCKED}
 *       (or rarely: such a wait can still meet another node's batch the other way round).</li>
 * </ul>
 *
 * <p>Why one writer: SQLite allows one writing transaction at a time, and on any database a batch
 * of many small writes costs about one fsync. Throughput comes from batching, not from parallel
 * writers.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Opens the writer's connection; called again after a connection breaks. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /** Who is writing: each lane has its own queue and capacity. */
    public enum Lane {
        /** API calls and inbound posts: refused with 503 when its queue is full. */
        REQUESTS,
        /** The dispatcher's claims, records and releases: served first, never crowded out by requests. */
        DELIVERIES
    }

    /**
     * Locks the rows named by a batch's units, at the start of its transaction, in an order every
     * node follows (on PostgreSQL: one {@code SELECT ... ORDER BY ... FOR NO KEY UPDATE}).
     */
    @FunctionalInterface
    public interface Locker {
        void lock(Connection connection, Collection<String> keys) throws SQLException;
    }

    private record Task<T>(Work<T> work, Collection<String> locks, CompletableFuture<T> done, long queuedAtNanos) {}

    /** Told of each committed batch (for metrics): its size, how long its oldest unit waited, how long the transaction took. */
    @FunctionalInterface
    public interface BatchObserver {
        void committed(int units, long oldestWaitNanos, long transactionNanos);
    }

    private final ConnectionSource source;
    private final String begin;
    private final int capacity;
    private final int deliveriesCapacity;
    private final int maxBatch;
    private final long commitWaitMillis;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workQueued = lock.newCondition();
    private final ArrayDeque<Task<?>> requests = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Task<?>> deliveries = new ArrayDeque<>(); // guarded by lock
    private boolean closed; // guarded by lock
    private volatile BatchObserver observer = (units, wait, transaction) -> { };
    private final boolean oneTrip;
    private final Locker locker; // null: nothing to lock ahead (SQLite has one writer)
    private Connection connection;
    /** The writer whose thread this is: units reach their batch's {@link #afterCommit} list through it. */
    private static final ThreadLocal<GroupCommitWriter> RUNNING = new ThreadLocal<>();
    /** What the units of the batch under way asked to run once it commits (the writer's thread only). */
    private final List<Runnable> afterCommit = new ArrayList<>();
    /** The transaction and savepoint statements, parsed once per connection (when sent one by one). */
    private final java.util.Map<String, PreparedStatement> parsedControl = new java.util.HashMap<>();

    /**
     * {@code dialect} says how each batch's transaction opens ({@code BEGIN IMMEDIATE} on SQLite,
     * {@code BEGIN} elsewhere) and whether statements can share a round trip; {@code queueCapacity}
     * bounds each lane.
     */
    public GroupCommitWriter(ConnectionSource source, Dialect dialect, int queueCapacity, int maxBatch, long commitWaitMillis) {
        this(source, dialect, null, queueCapacity, maxBatch, commitWaitMillis);
    }

    /** The same, taking the rows units name with {@code locker} at the start of each batch. */
    public GroupCommitWriter(ConnectionSource source, Dialect dialect, Locker locker, int queueCapacity, int maxBatch,
                             long commitWaitMillis) {
        this.source = source;
        this.locker = locker;
        this.begin = dialect.beginWrite();
        this.oneTrip = dialect == Dialect.POSTGRESQL;
        this.capacity = queueCapacity;
        // The dispatcher has at most its in-flight cap of records waiting, plus a claim and a release.
        this.deliveriesCapacity = Math.max(queueCapacity, 100_000);
        this.maxBatch = maxBatch;
        this.commitWaitMillis = commitWaitMillis;
        this.thread = Thread.ofPlatform().name("hookline-writer").unstarted(this::loop);
        this.thread.start();
    }

    /** Runs {@code work} in the next batch of the {@link Lane#REQUESTS} lane; see {@link #execute(Lane, Work)}. */
    public <T> T execute(Work<T> work) {
        return execute(Lane.REQUESTS, work);
    }

    /** Runs {@code work} in the next batch and returns its result once that batch has committed. */
    public <T> T execute(Lane lane, Work<T> work) {
        return execute(lane, work, commitWaitMillis);
    }

    /**
     * {@link #execute(Lane, Work)} for a unit that will wait for the locks of the rows {@code locks}
     * names (on PostgreSQL, endpoint ids: {@link Database#write(Lane, Collection, Work)}): its batch
     * takes them before any unit runs.
     */
    public <T> T execute(Lane lane, Collection<String> locks, Work<T> work) {
        return execute(lane, locks, work, commitWaitMillis);
    }

    /** {@link #execute(Lane, Work)}, giving up (503) after {@code waitMillis} (a readiness probe must answer fast). */
    public <T> T execute(Lane lane, Work<T> work, long waitMillis) {
        return execute(lane, List.of(), work, waitMillis);
    }

    private <T> T execute(Lane lane, Collection<String> locks, Work<T> work, long waitMillis) {
        Task<T> task = new Task<>(work, locks, new CompletableFuture<>(), System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                throw new Failure.Unavailable("the server is shutting down", 1);
            }
            ArrayDeque<Task<?>> queue = lane == Lane.DELIVERIES ? deliveries : requests;
            if (queue.size() >= (lane == Lane.DELIVERIES ? deliveriesCapacity : capacity)) {
                throw new Failure.Unavailable("the write queue is full; retry shortly", 1);
            }
            queue.add(task);
            workQueued.signal();
        } finally {
            lock.unlock();
        }
        try {
            return task.done.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            // The work may still commit later; the caller must not assume either outcome, so it
            // hears "unavailable" and retries (every write the API exposes is idempotent or
            // carries its own id for that reason).
            throw new Failure.Unavailable("the database did not commit in time", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure.Unavailable("interrupted while waiting for the commit", 1);
        }
    }

    /**
     * Runs {@code action} once the unit now running has committed, and never if it is rolled back:
     * for effects outside the database (a counter), since a unit's work may run twice. Called
     * outside a unit, runs it now.
     */
    public static void afterCommit(Runnable action) {
        GroupCommitWriter writer = RUNNING.get();
        if (writer == null) {
            action.run();
        } else {
            writer.afterCommit.add(action);
        }
    }

    public void observe(BatchObserver observer) {
        this.observer = observer;
    }

    /** How many units are waiting for the writer. */
    public int queued() {
        lock.lock();
        try {
            return requests.size() + deliveries.size();
        } finally {
            lock.unlock();
        }
    }

    /** The next batch, deliveries first; empty once closed with nothing left to write. */
    private boolean nextBatch(List<Task<?>> batch) throws InterruptedException {
        lock.lock();
        try {
            while (requests.isEmpty() && deliveries.isEmpty()) {
                if (closed) {
                    return false;
                }
                workQueued.await(200, TimeUnit.MILLISECONDS);
            }
            while (batch.size() < maxBatch && !deliveries.isEmpty()) {
                batch.add(deliveries.poll());
            }
            while (batch.size() < maxBatch && !requests.isEmpty()) {
                batch.add(requests.poll());
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        RUNNING.set(this);
        List<Task<?>> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                if (!nextBatch(batch)) {
                    break;
                }
                commit(batch);
                batch.clear();
            } catch (InterruptedException e) {
                break;
            } catch (Throwable e) { // the writer must outlive anything one batch does
                log.error("the writer survived an unexpected failure", e);
                Failure failure = new Failure.Unavailable("the database is unavailable", 2);
                batch.forEach(task -> task.done.completeExceptionally(failure));
                batch.clear();
                closeConnection();
            }
        }
        closeConnection();
        // Work left behind (the writer was interrupted) must not wait out its timeout.
        Failure stopped = new Failure.Unavailable("the server is shutting down", 1);
        lock.lock();
        try {
            closed = true;
            for (Task<?> left; (left = deliveries.poll()) != null || (left = requests.poll()) != null; ) {
                left.done.completeExceptionally(stopped);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One transaction for the whole batch, managed with plain SQL on an auto-commit connection:
     * the driver must not open transactions of its own between batches (an idle writer holding
     * SQLite's write lock would shut every other process out).
     */
    private void commit(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<RuntimeException> failures = new ArrayList<>(batch.size());
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            results.clear();
            failures.clear();
            afterCommit.clear();
            Connection c = null;
            try {
                c = connection();
                try {
                    runAll(c, batch, results, failures, false);
                } catch (UnitFailed unitFailed) {
                    rollbackOrDrop(c);
                    results.clear();
                    failures.clear();
                    afterCommit.clear();
                    runAll(c, batch, results, failures, true);
                }
                break;
            } catch (SQLException | RuntimeException e) {
                rollbackOrDrop(c);
                // PostgreSQL chose this transaction to end a deadlock (or a serialization conflict) with
                // another node's batch: nothing of it was written, and running it again usually goes through.
                if (attempt < CONFLICT_ATTEMPTS && isConflict(e)) {
                    log.info("a write batch of {} met another node's and is run again: {}", batch.size(), e.toString());
                    continue;
                }
                log.warn("a write batch of {} failed to commit: {}", batch.size(), e.toString());
                Failure failure = new Failure.Unavailable("the database is unavailable", 2);
                for (Task<?> task : batch) {
                    task.done.completeExceptionally(failure);
                }
                return;
            }
        }
        long oldest = started;
        for (Task<?> task : batch) {
            oldest = Math.min(oldest, task.queuedAtNanos());
        }
        observer.committed(batch.size(), started - oldest, System.nanoTime() - started);
        for (Runnable action : afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("an action after a commit failed: {}", e.toString());
            }
        }
        afterCommit.clear();
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), failures.get(i));
        }
    }

    /** A unit threw in a batch run without savepoints: the batch is rolled back and run again with them. */
    private static final class UnitFailed extends RuntimeException {
        UnitFailed() {
            super(null, null, false, false);
        }
    }

    /**
     * The units of a batch and the commit; what each unit answered goes in {@code results} or
     * {@code failures}. With {@code guarded}, each unit runs in a savepoint, so one that throws is
     * rolled back alone. Without, the batch is one plain transaction and a unit that throws ends the
     * run ({@link UnitFailed}; a batch of one unit needs no second run, its transaction is just
     * rolled back). Units rarely throw, and a savepoint per unit is not free: within a savepoint,
     * SQLite copies aside each page a unit changes that earlier units of the batch had already
     * changed (so that it could be put back), and most pages a unit changes are such pages (the
     * ends of the indexes every unit appends to). bench/profile-ingest, 10,000 channel-scoped
     * endpoints: the writer made 62 {@code pwrite} calls per message, most into those copies.
     */
    private void runAll(Connection c, List<Task<?>> batch, List<Object> results, List<RuntimeException> failures, boolean guarded)
            throws SQLException {
        // The statements that end one unit and open the next go together: on PostgreSQL in one
        // round trip (a unit of three statements paid two more for its savepoint).
        List<String> pending = new ArrayList<>(List.of(begin));
        if (locker != null) {
            Set<String> locks = null;
            for (Task<?> task : batch) {
                if (!task.locks().isEmpty()) {
                    if (locks == null) {
                        locks = new HashSet<>();
                    }
                    locks.addAll(task.locks());
                }
            }
            if (locks != null) {
                send(c, pending);
                locker.lock(c, locks);
            }
        }
        for (Task<?> task : batch) {
            if (guarded) {
                pending.add("SAVEPOINT unit");
            }
            send(c, pending);
            int actions = afterCommit.size();
            Object result;
            try {
                result = task.work.run(c);
            } catch (Throwable e) { // an Error in one unit must not end the writer (and leave its lock held)
                if (e instanceof SQLException sql && isUnavailable(sql)) {
                    throw sql; // the database, not this unit, failed: the whole batch goes back, as 503s
                }
                if (!guarded && batch.size() > 1) {
                    throw new UnitFailed();
                }
                results.add(null);
                failures.add(failure(e));
                afterCommit.subList(actions, afterCommit.size()).clear();
                if (!guarded) { // the batch's only unit: nothing to commit
                    pending.add("ROLLBACK");
                    send(c, pending);
                    return;
                }
                pending.add("ROLLBACK TO SAVEPOINT unit");
                pending.add("RELEASE SAVEPOINT unit");
                continue;
            }
            if (guarded) { // released with the next statement sent: a failure there fails the whole batch
                pending.add("RELEASE SAVEPOINT unit");
            }
            results.add(result);
            failures.add(null);
        }
        pending.add("COMMIT");
        send(c, pending);
    }

    private static RuntimeException failure(Throwable e) {
        return switch (e) {
            case SQLException sql -> new StoreException(sql);
            case RuntimeException re -> re;
            default -> new IllegalStateException("a write failed: " + e, e);
        };
    }

    /** Times a batch is run when PostgreSQL ends it to break a deadlock or a serialization conflict. */
    private static final int CONFLICT_ATTEMPTS = 3;

    /** A deadlock or serialization failure (SQLSTATE 40P01, 40001) anywhere in the cause chain. */
    static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** After a failed batch: roll back if the connection still works, else drop it for a new one. */
    private void rollbackOrDrop(Connection c) {
        if (c == null) {
            return;
        }
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException noTransactionOrBroken) {
            if (!isUsable(c)) {
                closeConnection();
            }
        }
    }

    private static boolean isUsable(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Errors that say the database cannot take writes now (SQLite busy or locked by another
     * process; a lost connection or an aborted server elsewhere), as opposed to errors in one unit.
     */
    static boolean isUnavailable(SQLException e) {
        int sqliteCode = e.getErrorCode() & 0xFF;
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return (e.getClass().getName().startsWith("org.sqlite") && (sqliteCode == 5 || sqliteCode == 6))
                || state.startsWith("08") || state.startsWith("57P") || state.equals("40001") || state.equals("40P01");
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result, RuntimeException failure) {
        if (failure != null) {
            task.done.completeExceptionally(failure);
        } else {
            task.done.complete((T) result);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = source.open();
            connection.setAutoCommit(true);
            Sql.cacheStatements(connection);
            parsedControl.clear();
        }
        return connection;
    }

    /** Sends the statements in order and empties the list: in one string where the driver sends that in one go. */
    private void send(Connection c, List<String> statements) throws SQLException {
        if (statements.isEmpty()) { // units in a batch without savepoints have nothing between them
            return;
        }
        if (oneTrip) {
            execute(c, String.join("; ", statements));
        } else {
            for (String sql : statements) {
                PreparedStatement ps = parsedControl.get(sql);
                if (ps == null || ps.isClosed()) { // sqlite-jdbc closes a statement that failed (a full disk at COMMIT)
                    ps = c.prepareStatement(sql);
                    parsedControl.put(sql, ps);
                }
                ps.execute();
            }
        }
        statements.clear();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the writer connection: {}", e.toString());
            }
            connection = null;
        }
    }

    /** Commits what is queued, then stops the writer thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            workQueued.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
