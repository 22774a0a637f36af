package dev.hookline.testing;

/** The databases every store and API test runs against. */
public enum Backend {
    SQLITE,
    POSTGRESQL;

    /** The HOOKLINE_DATABASE_URL for a new, empty database of this kind (null: SQLite in the data folder). */
    public String newDatabaseUrl() {
        return this == SQLITE ? null : TestPostgres.newDatabase();
    }
}
