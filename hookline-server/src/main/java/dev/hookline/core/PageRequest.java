package dev.hookline.core;

/**
 * {@code ?limit=&after=&order=}: at most {@code limit} items after the cursor {@code after} (an id of
 * the list's kind), oldest first, or newest first when {@code newest}. The cursor means "after" in
 * the order asked for, so a client pages the same way in both.
 */
public record PageRequest(int limit, String after, boolean newest) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 250;
    /**
     * Sorts after every id in any collation: '~' is past every letter and digit bytewise, and where a
     * locale ignores it, 'Z's are past every id (they start with a lower-case prefix before 'z').
     */
    private static final String PAST_EVERY_ID = "~" + "Z".repeat(27);

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Failure.Invalid("limit", "must be from 1 to " + MAX_LIMIT);
        }
    }

    public PageRequest(int limit, String after) {
        this(limit, after, false);
    }

    /** The cursor condition on {@code column}: {@code column > ?} oldest first, {@code column < ?} newest first. */
    public String cursorSql(String column) {
        return column + (newest ? " < ?" : " > ?");
    }

    /** The value for {@link #cursorSql}'s parameter: the cursor, or a bound past every id at the start. */
    public String afterOrStart() {
        if (after != null) {
            return after;
        }
        return newest ? PAST_EVERY_ID : "";
    }

    /** {@code ORDER BY column [DESC] LIMIT ?}; bind {@link #limit()} + 1 (see {@link Page#of}). */
    public String orderSql(String column) {
        return " ORDER BY " + column + (newest ? " DESC" : "") + " LIMIT ?";
    }
}
