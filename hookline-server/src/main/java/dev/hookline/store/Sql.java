package dev.hookline.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/** Plain JDBC, three verbs. Queries stay as SQL strings next to the code that uses them. */
public final class Sql {
    private Sql() {}

    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        PreparedStatement ps = prepare(c, sql, params);
        try (ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } finally {
            done(c, sql, ps);
        }
    }

    public static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        PreparedStatement ps = prepare(c, sql, params);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        } finally {
            done(c, sql, ps);
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = prepare(c, sql, params);
        try {
            return ps.executeUpdate();
        } finally {
            done(c, sql, ps);
        }
    }

    /**
     * Runs {@code sql} once per row of parameters as one JDBC batch: on PostgreSQL one round trip for
     * all of them instead of one each. Answers the rows each one changed.
     */
    public static int[] batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        PreparedStatement ps = statement(c, sql);
        try {
            for (Object[] params : rows) {
                bind(ps, params);
                ps.addBatch();
            }
            return ps.executeBatch();
        } finally {
            try {
                ps.clearBatch();
            } finally {
                done(c, sql, ps);
            }
        }
    }

    /**
     * Keeps the prepared statements of {@code c} for reuse (at most {@link #CACHED_STATEMENTS}, least
     * recently used first out), until the connection closes. For the single writer's connection:
     * its units run the same few statements thousands of times a second, and parsing them again
     * each time was a measured share of the writer's time. Only for a connection one thread uses
     * at a time.
     */
    public static void cacheStatements(Connection c) {
        CACHES.put(c, new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() <= CACHED_STATEMENTS) {
                    return false;
                }
                closeQuietly(eldest.getValue());
                return true;
            }
        });
    }

    /**
     * {@code c}, keeping its prepared statements from now on if it did not already: for a pooled
     * connection (the physical one, not a pool's wrapper, which would close them when given back),
     * used by one borrower at a time.
     */
    static Connection reusingStatements(Connection c) {
        if (!CACHES.containsKey(c)) {
            cacheStatements(c);
        }
        return c;
    }

    private static final int CACHED_STATEMENTS = 200;
    private static final Map<Connection, Map<String, PreparedStatement>> CACHES = java.util.Collections.synchronizedMap(new WeakHashMap<>());

    private static PreparedStatement statement(Connection c, String sql) throws SQLException {
        Map<String, PreparedStatement> cache = CACHES.get(c);
        if (cache == null) {
            return c.prepareStatement(sql);
        }
        PreparedStatement ps = cache.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            cache.put(sql, ps);
        }
        return ps;
    }

    /** After use: a cached statement is kept (its parameters cleared), any other closed. */
    private static void done(Connection c, String sql, PreparedStatement ps) throws SQLException {
        Map<String, PreparedStatement> cache = CACHES.get(c);
        if (cache != null && cache.get(sql) == ps) {
            ps.clearParameters();
        } else {
            ps.close();
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // the connection is going or gone; nothing to free
        }
    }

    /** A nullable BIGINT column as a boxed value. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** {@code ?, ?, ?} for an IN list of n values. */
    public static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = statement(c, sql);
        try {
            bind(ps, params);
            return ps;
        } catch (SQLException | RuntimeException e) {
            done(c, sql, ps);
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            switch (p) {
                case null -> ps.setNull(i + 1, java.sql.Types.NULL);
                case byte[] bytes -> ps.setBytes(i + 1, bytes);
                case Boolean b -> ps.setInt(i + 1, b ? 1 : 0);
                default -> ps.setObject(i + 1, p);
            }
        }
    }
}
