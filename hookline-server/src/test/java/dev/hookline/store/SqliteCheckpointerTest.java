package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SQLite's log is copied into the database file beside the writer, not inside its commits. */
class SqliteCheckpointerTest {
    private final Path dir;
    private final Database db;

    SqliteCheckpointerTest() throws Exception {
        dir = Files.createTempDirectory("hookline-checkpoint");
        db = Database.openSqlite(dir);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theWritersCommitsLeaveCheckpointsToTheCheckpointer() {
        java.util.Optional<Integer> pages = db.write(c -> Sql.one(c, "PRAGMA wal_autocheckpoint", rs -> rs.getInt(1)));
        assertThat(pages).contains(0);
    }

    @Test
    void whatIsCommittedReachesTheDatabaseFileItselfNotOnlyTheLog() {
        // ~8 MB: twice what the automatic checkpoint would have let the log hold
        String value = "x".repeat(4_000);
        for (int batch = 0; batch < 20; batch++) {
            int from = batch * 100;
            db.write(c -> {
                for (int i = from; i < from + 100; i++) {
                    Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, ?)", "k" + i, value);
                }
                return null;
            });
        }
        // The database file alone, without its log beside it, holds every row once they are copied.
        Await.until("every committed row in the database file", Duration.ofSeconds(30), () -> rowsInFileAlone() == 2_000);
    }

    private long rowsInFileAlone() {
        try {
            Path copy = Files.createTempDirectory("hookline-checkpoint-copy").resolve("alone.db");
            Files.copy(dir.resolve("hookline.db"), copy, StandardCopyOption.REPLACE_EXISTING);
            try (var c = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
                return Sql.one(c, "SELECT COUNT(*) FROM meta WHERE name LIKE 'k%'", rs -> rs.getLong(1)).orElse(0L);
            }
        } catch (Exception torn) { // copied while a checkpoint was writing it: look again
            return -1;
        }
    }
}
