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
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                String name = "k" + i;
                pool.execute(() -> {
                    db.write(c -> Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", name));
                    // read back through a brand-new connection: only a committed row is visible there
                    try (var other = otherConnection()) {
                        if (Sql.one(other, "SELECT name FROM meta WHERE name = ?", rs -> rs.getString(1), name).isPresent()) {
                            returned.add(name);
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
        assertThat(returned).hasSize(writers);
    }

    @Test
    void oneFailingUnitIsRolledBackAloneWhileItsBatchCommits() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                int n = i;
                pool.execute(() -> {
                    try {
                        go.await();
                        db.write(c -> {
                            Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, 'v')", "row" + n);
                            if (n % 10 == 0) {
                                throw new Failure.Conflict("unit " + n + " fails after writing");
                            }
                            return null;
                        });
                    } catch (Failure.Conflict e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            go.countDown();
        }
        assertThat(failures).hasSize(5);
        List<String> rows = db.read(c -> Sql.list(c, "SELECT name FROM meta WHERE name LIKE 'row%'", rs -> rs.getString(1)));
        assertThat(rows).hasSize(45).doesNotContain("row0", "row10", "row20", "row30", "row40");
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

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hookline-writer");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
