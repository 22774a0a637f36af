package dev.hookline.store;

import java.sql.SQLException;

/** An unexpected database error: a bug or a broken database, never a user mistake. */
public final class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
