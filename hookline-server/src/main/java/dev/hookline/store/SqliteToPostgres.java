package dev.hookline.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a single-node installation's SQLite database into an empty PostgreSQL database, in one
 * transaction on the target: all of it arrives, or none. Both are migrated to the current schema
 * first, so the tables match column for column. Secrets are copied sealed, so the target's nodes
 * must use the source's master key.
 */
public final class SqliteToPostgres {
    /** Parents before children, so foreign keys hold at every insert. */
    private static final List<String> TABLES = List.of("meta", "api_keys", "event_types", "apps", "endpoints", "messages",
            "deliveries", "attempts", "sources", "inbound_events");
    private static final int BATCH = 500;

    private SqliteToPostgres() {}

    /** Rows copied per table, in copy order. */
    public static Map<String, Integer> copy(Path sqliteDataDir, String postgresUrl, long nowMillis) throws SQLException {
        try (Database source = Database.openSqlite(sqliteDataDir); Database target = Database.openPostgres(postgresUrl, 1_000)) {
            refuseNonEmpty(target);
            Map<String, Integer> copied = new LinkedHashMap<>();
            try (Connection from = sqlite(sqliteDataDir); Connection to = PostgresUrl.parse(postgresUrl).connect()) {
                to.setAutoCommit(false);
                try {
                    for (String table : TABLES) {
                        copied.put(table, copyTable(from, to, table));
                    }
                    // Leases in the copy belong to no live node: make those deliveries due at once.
                    try (PreparedStatement ps = to.prepareStatement(
                            "UPDATE deliveries SET lease_owner = NULL, leased_until = NULL, next_attempt_at = ? WHERE lease_owner IS NOT NULL AND status = 'pending'")) {
                        ps.setLong(1, nowMillis);
                        ps.executeUpdate();
                    }
                    to.commit();
                } catch (SQLException | RuntimeException e) {
                    to.rollback();
                    throw e;
                }
            }
            return copied;
        }
    }

    private static void refuseNonEmpty(Database target) {
        int rows = target.read(c -> Sql.one(c, "SELECT (SELECT COUNT(*) FROM apps WHERE id <> 'app_operational')"
                + " + (SELECT COUNT(*) FROM sources) + (SELECT COUNT(*) FROM api_keys) AS n", rs -> rs.getInt("n")).orElse(0));
        if (rows > 0) {
            throw new IllegalStateException("the target database already holds apps, sources or API keys; migrate into an empty one");
        }
    }

    private static int copyTable(Connection from, Connection to, String table) throws SQLException {
        int copied = 0;
        try (Statement st = from.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i));
            }
            // Rows the target's own migrations created (the operational app, the key check) give way to the source's.
            String conflict = switch (table) {
                case "meta" -> " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value";
                case "apps" -> " ON CONFLICT (id) DO NOTHING";
                default -> "";
            };
            String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")" + conflict;
            try (PreparedStatement insert = to.prepareStatement(sql)) {
                while (rs.next()) {
                    for (int i = 1; i <= columns.size(); i++) {
                        Object value = rs.getObject(i);
                        if (value instanceof byte[] bytes) {
                            insert.setBytes(i, bytes);
                        } else if (value == null) {
                            insert.setNull(i, java.sql.Types.NULL);
                        } else {
                            insert.setObject(i, value);
                        }
                    }
                    insert.addBatch();
                    if (++copied % BATCH == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
        }
        return copied;
    }

    /** A plain read connection to the SQLite file (outside the pool, for one long scan). */
    private static Connection sqlite(Path dataDir) throws SQLException {
        return java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("hookline.db").toAbsolutePath());
    }
}
