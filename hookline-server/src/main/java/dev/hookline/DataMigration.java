package dev.hookline;

import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.store.Database;
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
            Map<String, Integer> copied = SqliteToPostgres.copy(sqliteDataDir, postgresUrl, System.currentTimeMillis());
            // The copy made every leased delivery due now: the queue heads follow from the rows as copied.
            try (Database target = Database.openPostgres(postgresUrl, 1_000)) {
                DeliveryQueue.refreshAllHeads(target);
            }
            return copied;
        }
    }
}
