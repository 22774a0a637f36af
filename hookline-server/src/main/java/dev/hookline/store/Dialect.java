package dev.hookline.store;

/**
 * The few places where SQLite and PostgreSQL need different SQL. Everything else is written once,
 * in the portable subset both accept (BIGINT millisecond times, INTEGER flags, TEXT JSON, and
 * CAST on parameters that may be null, which PostgreSQL cannot otherwise type).
 */
public enum Dialect {
    // IMMEDIATE takes SQLite's write lock when the batch begins, waiting out busy_timeout if another
    // process holds it; a deferred transaction that reads first would be refused the upgrade at once.
    SQLITE("BLOB", "", "BEGIN IMMEDIATE"),
    POSTGRESQL("BYTEA", " FOR UPDATE SKIP LOCKED", "BEGIN");

    private final String bytesType;
    private final String lockRows;
    private final String beginWrite;

    Dialect(String bytesType, String lockRows, String beginWrite) {
        this.bytesType = bytesType;
        this.lockRows = lockRows;
        this.beginWrite = beginWrite;
    }

    /** The migrations, one set for both databases; {@link #migrationPlaceholders} fills in the types. */
    public static String migrationLocation() {
        return "classpath:db/migration/common";
    }

    public java.util.Map<String, String> migrationPlaceholders() {
        return java.util.Map.of("bytes", bytesType);
    }

    /** The statement that opens a write batch's transaction. */
    public String beginWrite() {
        return beginWrite;
    }

    /**
     * Appended to the selects that pick rows to claim. On PostgreSQL concurrent claimers skip rows
     * another node has locked instead of waiting for them; SQLite has a single writer, so a claim
     * cannot race.
     */
    public String lockRows() {
        return lockRows;
    }

    /** {@link #lockRows()} for a select that joins other tables: only the rows of the tables {@code aliases} name are locked. */
    public String lockRows(String... aliases) {
        return lockRows.isEmpty() ? "" : " FOR NO KEY UPDATE OF " + String.join(", ", aliases) + " SKIP LOCKED";
    }

    /**
     * Appended to a select whose row the transaction goes on to write, to take that row's lock now
     * (waiting for it): on PostgreSQL, {@code FOR NO KEY UPDATE}; on SQLite, nothing (one writer).
     */
    public String lockForWrite() {
        return lockRows.isEmpty() ? "" : " FOR NO KEY UPDATE";
    }

    /** The dialect of a connection, for code that was handed only the connection. */
    public static Dialect of(java.sql.Connection c) throws java.sql.SQLException {
        return c.isWrapperFor(org.sqlite.SQLiteConnection.class) ? SQLITE : POSTGRESQL;
    }
}
