package dev.hookline;

import dev.hookline.store.SqliteToPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code hookline migrate}: moves a single-node installation onto PostgreSQL while nothing else uses it. */
public final class DataMigration {
    private DataMigration() {}

    public static Map<String, Integer> run(Path sqliteDataDir, String postgresUrl) throws Exception {
        if (!Files.exists(sqliteDataDir.resolve("hookline.db"))) {
            throw new IllegalArgumentException("no Hookline database in " + sqliteDataDir.toAbsolutePath());
        }
        try (DataDirLock ignored = DataDirLock.acquire(sqliteDataDir)) { // the server must not be running
            return SqliteToPostgres.copy(sqliteDataDir, postgresUrl, System.currentTimeMillis());
        }
    }
}
