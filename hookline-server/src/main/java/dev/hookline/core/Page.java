package dev.hookline.core;

import java.util.List;
import java.util.function.Function;

/** One page of a list, and the cursor for the next page ({@code null} on the last). */
public record Page<T>(List<T> data, String next) {

    /**
     * Builds a page from a query that fetched {@code limit + 1} rows: the extra row only proves
     * that there is a next page.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursor) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> data = rows.subList(0, limit);
        return new Page<>(List.copyOf(data), cursor.apply(data.get(limit - 1)));
    }

}
