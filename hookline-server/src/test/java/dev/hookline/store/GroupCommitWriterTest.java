package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Failure;
import dev.hookline.testing.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The single writer batches concurrent work, commits before anyone hears "done", and isolates failures. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class GroupCommitWriterTest {
    private final Path dir = tempDir();
    private final String url;
    private final Database db;

    GroupCommitWriterTest(Backend backend) {
        url = backend.newDatabaseUrl();
        db = url == null ? Database.openSqlite(dir) : Database.openPostgres(url, 20_000);
    }

    /** A connection of its own to the same database: only committed rows are visible through it. */
    private java.sql.Connection otherConnection() throws java.sql.SQLException {
        return DriverManager.getConnection(url == null ? "jdbc:sqlite:" + dir.resolve("hookline.db") : url);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void everyCallerThatReturnsHasItsRowCommittedAndVisibleToAnotherConnection() throws Exception {
        int writers = 500;
        ConcurrentLinkedQueue<String> returned = new ConcurrentLinkedQueue<>();
        java.util.concurrent.Semaphore checks = new java.util.concurrent.Semaphore(16);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                String name = "k" + i;
                pool.execute(() -> {
                    db.write(c -> Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", name));
                    // read back through a brand-new connection: only a committed row is visible there
                    // (a few at a time: 500 new connections at once would exceed PostgreSQL's limit)
                    checks.acquireUninterruptibly();
                    try (var other = otherConnection()) {
                        if (Sql.one(other, "SELECT name FROM meta WHERE name = ?", rs -> rs.getString(1), name).isPresent()) {
                            returned.add(name);
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        checks.release();
                    }
                });
            }
        }
        assertThat(returned).hasSize(writers);
    }

    @Test
    void callersThatQueueWhileABatchCommitsShareTheNextTransaction() throws Exception {
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        String jdbc = url == null ? "jdbc:sqlite:" + dir.resolve("hookline.db") : url;
        GroupCommitWriter.ConnectionSource counting = () -> countingCommits(DriverManager.getConnection(jdbc), commits);
        int callers = 250;
        try (GroupCommitWriter writer = new GroupCommitWriter(counting, db.dialect(), 10_000, 100, 30_000)) {
            whileTheFirstUnitHoldsTheWriter(writer, c -> Sql.update(c, "INSERT INTO meta (name, value) VALUES ('first', 'v')"), callers, pool -> {
                for (int i = 0; i < callers; i++) {
                    String name = "q" + i;
                    pool.execute(() -> writer.execute(c -> Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", name)));
                }
            });
        }
        // one transaction for the first unit, then the 250 waiting in batches of at most 100: 3 more
        assertThat(commits.get()).isEqualTo(1 + 3);
        java.util.Optional<Integer> rows = db.read(c -> Sql.one(c, "SELECT COUNT(*) FROM meta WHERE name = 'first' OR name LIKE 'q%'",
                rs -> rs.getInt(1)));
        assertThat(rows).hasValue(callers + 1);
    }

    /**
     * The rows units say they will lock are taken once per batch, all together, before its first unit
     * runs (on PostgreSQL, the endpoint rows, in id order: two nodes' batches never take them in
     * opposite orders; MultiNodeTest has the deadlocks that happened when they did).
     */
    @Test
    void theRowsABatchsUnitsNameAreLockedTogetherBeforeAnyOfThemRuns() throws Exception {
        String jdbc = url == null ? "jdbc:sqlite:" + dir.resolve("hookline.db") : url;
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        GroupCommitWriter.Locker recording = (c, keys) -> events.add("lock " + new java.util.TreeSet<>(keys));
        try (GroupCommitWriter writer = new GroupCommitWriter(() -> DriverManager.getConnection(jdbc), db.dialect(), recording,
                10_000, 100, 30_000)) {
            whileTheFirstUnitHoldsTheWriter(writer, c -> events.add("first"), 3, pool -> {
                pool.execute(() -> writer.execute(GroupCommitWriter.Lane.REQUESTS, List.of("ep_b", "ep_a"), c -> events.add("unit")));
                pool.execute(() -> writer.execute(GroupCommitWriter.Lane.DELIVERIES, List.of("ep_c", "ep_a"), c -> events.add("unit")));
                pool.execute(() -> writer.execute(c -> events.add("unit")));
            });
        }
        // the first batch named nothing: no lock; the second took all three rows first, once
        assertThat(events).containsExactly("first", "lock [ep_a, ep_b, ep_c]", "unit", "unit", "unit");
    }

    /**
     * Runs {@code first} in the writer and holds it there, its batch open, while {@code queue} hands
     * the writer more work (on a pool whose tasks it waits for), until {@code queued} units are
     * waiting: they then go together, in the next batch.
     */
    private static void whileTheFirstUnitHoldsTheWriter(GroupCommitWriter writer, GroupCommitWriter.Work<?> first, int queued,
                                                         java.util.function.Consumer<java.util.concurrent.ExecutorService> queue)
            throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.execute(() -> writer.execute(c -> {
                holding.countDown();
                try {
                    othersQueued.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return first.run(c);
            }));
            assertThat(holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            queue.accept(pool);
            dev.hookline.testing.Await.until("the others to queue", java.time.Duration.ofSeconds(10), () -> writer.queued() == queued);
            othersQueued.countDown();
        }
    }

    /** The connection, counting every COMMIT the writer issues on it. */
    private static java.sql.Connection countingCommits(java.sql.Connection real, java.util.concurrent.atomic.AtomicInteger commits) {
        return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(GroupCommitWriterTest.class.getClassLoader(),
                new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    // COMMIT goes as a statement of its own (SQLite) or last in a string of several (PostgreSQL)
                    if (method.getName().equals("createStatement")) {
                        java.sql.Statement st = (java.sql.Statement) result;
                        return java.lang.reflect.Proxy.newProxyInstance(GroupCommitWriterTest.class.getClassLoader(),
                                new Class<?>[] {java.sql.Statement.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("execute") && a2 != null && a2[0] instanceof String sql && sql.endsWith("COMMIT")) {
                                        commits.incrementAndGet();
                                    }
                                    return invoke(st, m2, a2);
                                });
                    }
                    if (method.getName().equals("prepareStatement") && "COMMIT".equals(args[0])) {
                        java.sql.PreparedStatement ps = (java.sql.PreparedStatement) result;
                        return java.lang.reflect.Proxy.newProxyInstance(GroupCommitWriterTest.class.getClassLoader(),
                                new Class<?>[] {java.sql.PreparedStatement.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("execute")) {
                                        commits.incrementAndGet();
                                    }
                                    return invoke(ps, m2, a2);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * PostgreSQL ends one of two deadlocked transactions (two nodes' batches that lock rows in
     * opposite orders): that batch wrote nothing, and is run again rather than answered with 503s.
     * The deadlock is signalled here as the driver does, by its SQLSTATE.
     */
    @Test
    void aBatchEndedToBreakADeadlockIsRunAgainWhole() throws Exception {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        List<RuntimeException> failures = writeTogether(20, (c, n) -> {
            Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", "dl" + n);
            if (n == 7 && runs.incrementAndGet() == 1) {
                throw new java.sql.SQLException("deadlock detected", "40P01");
            }
        });
        assertThat(failures).isEmpty();
        assertThat(runs.get()).isEqualTo(2);
        List<String> rows = db.read(c -> Sql.list(c, "SELECT name FROM meta WHERE name LIKE 'dl%'", rs -> rs.getString(1)));
        assertThat(rows).hasSize(20);
    }

    @Test
    void oneFailingUnitIsRolledBackAloneWhileItsBatchCommits() {
        List<RuntimeException> failures = writeTogether(50, (c, n) -> {
            Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", "row" + n);
            if (n % 10 == 0) {
                throw new Failure.Conflict("unit " + n + " fails after writing");
            }
        });
        assertThat(failures).hasSize(5).allMatch(e -> e instanceof Failure.Conflict);
        List<String> rows = db.read(c -> Sql.list(c, "SELECT name FROM meta WHERE name LIKE 'row%'", rs -> rs.getString(1)));
        assertThat(rows).hasSize(45).doesNotContain("row0", "row10", "row20", "row30", "row40");
    }

    /**
     * A unit's work may run twice (a batch in which one unit fails runs again, each unit in a
     * savepoint), so an effect outside the database waits for the commit: the metrics count each
     * stored message once, and never one that was rolled back.
     */
    @Test
    void whatAUnitLeavesForAfterItsCommitHappensOnceAndNotForAUnitRolledBack() {
        List<Integer> effects = java.util.Collections.synchronizedList(new ArrayList<>());
        List<RuntimeException> failures = writeTogether(50, (c, n) -> {
            Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", "fx" + n);
            db.afterCommit(() -> effects.add(n));
            if (n % 10 == 0) {
                throw new Failure.Conflict("unit " + n + " fails after writing");
            }
        });
        assertThat(failures).hasSize(5);
        List<Integer> committed = db.read(c -> Sql.list(c, "SELECT name FROM meta WHERE name LIKE 'fx%'",
                rs -> Integer.parseInt(rs.getString(1).substring(2))));
        assertThat(committed).hasSize(45);
        assertThat(effects).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void aSqlErrorFailsOnlyItsOwnCaller() {
        assertThatThrownBy(() -> db.write(c -> Sql.update(c, "INSERT INTO no_such_table VALUES (1)")))
                .isInstanceOf(StoreException.class);
        db.write(c -> Sql.update(c, "INSERT INTO meta (name, value) VALUES ('after', 'v')"));
        java.util.Optional<String> value = db.read(c -> Sql.one(c, "SELECT value FROM meta WHERE name = 'after'", rs -> rs.getString(1)));
        assertThat(value).hasValue("v");
    }

    @Test
    void refusesWorkOnceClosed() {
        db.close();
        assertThatThrownBy(() -> db.write(c -> null)).isInstanceOf(Failure.Unavailable.class);
    }

    /** A unit of work numbered {@code n}. */
    private interface NumberedUnit {
        void run(java.sql.Connection c, int n) throws java.sql.SQLException;
    }

    /** Writes units 0 to {@code count - 1}, each from its own thread, all let go at once (so they share batches); answers the failures. */
    private List<RuntimeException> writeTogether(int count, NumberedUnit unit) {
        List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int n = i;
                pool.execute(() -> {
                    try {
                        go.await();
                        db.write(c -> {
                            unit.run(c, n);
                            return null;
                        });
                    } catch (RuntimeException e) {
                        failures.add(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            go.countDown();
        }
        return failures;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hookline-writer");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
