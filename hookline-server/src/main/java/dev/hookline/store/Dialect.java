package dev.hookline.store;

/**
 * The few places where SQLite and PostgreSQL need different SQL. Everything else is written once,
 * in the portable subset both accept (BIGINT millisecond times, INTEGER flags, TEXT JSON).
 */
public enum Dialect {
    // IMMEDIATE takes SQLite's write lock when the batch begins, waiting out busy_timeout if another
    // process holds it; a deferred transaction that reads first would be refused the upgrade at once.
    SQLITE("sqlite", "", "BEGIN IMMEDIATE"),
    POSTGRESQL("postgresql", " FOR UPDATE SKIP LOCKED", "BEGIN");

    private final String migrationFolder;
    private final String lockDueRows;
    private final String beginWrite;

    Dialect(String migrationFolder, String lockDueRows, String beginWrite) {
        this.migrationFolder = migrationFolder;
        this.lockDueRows = lockDueRows;
        this.beginWrite = beginWrite;
    }

    /** The statement that opens a write batch's transaction. */
    public String beginWrite() {
        return beginWrite;
    }

    /** Flyway location for this dialect's migrations. */
    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /**
     * Appended to the sub-select that picks due rows to claim. On PostgreSQL concurrent claimers
     * skip rows another node has locked instead of waiting for them; SQLite has a single writer,
     * so the sub-select cannot race.
     */
    public String lockDueRows() {
        return lockDueRows;
    }
}
