package dev.hookline.core;

/** {@code ?limit=&after=}: at most {@code limit} items whose id sorts after {@code after}. */
public record PageRequest(int limit, String after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 250;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Failure.Invalid("limit", "must be from 1 to " + MAX_LIMIT);
        }
    }

    /** The lower bound for an {@code id > ?} comparison; the empty string sorts before every id. */
    public String afterOrStart() {
        return after == null ? "" : after;
    }
}
