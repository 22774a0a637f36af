package dev.hookline.store;

/**
 * The few places where SQLite and PostgreSQL need different SQL. Everything else is written once,
 * in the portable subset both accept (BIGINT millisecond times, INTEGER flags, TEXT JSON).
 */
public enum Dialect {
    SQLITE("sqlite", ""),
    POSTGRESQL("postgresql", " FOR UPDATE SKIP LOCKED");

    private final String migrationFolder;
    private final String lockDueRows;

    Dialect(String migrationFolder, String lockDueRows) {
        this.migrationFolder = migrationFolder;
        this.lockDueRows = lockDueRows;
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
