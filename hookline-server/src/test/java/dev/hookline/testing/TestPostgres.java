package dev.hookline.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the tests: an embedded server (zonky) started once per test JVM, or the
 * server named by {@code HOOKLINE_TEST_DATABASE_URL} (a {@code jdbc:postgresql:} URL with user and
 * password to a database from which new databases can be created). Each caller gets its own new
 * database, so tests never see each other's rows.
 */
public final class TestPostgres {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres embedded;
    private static String adminUrl;

    private TestPostgres() {}

    /** A {@code jdbc:postgresql:} URL, with credentials, of a new empty database. */
    public static synchronized String newDatabase() {
        String admin = adminUrl();
        String name = "hookline_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(admin); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return admin.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    private static String adminUrl() {
        if (adminUrl != null) {
            return adminUrl;
        }
        String external = System.getenv("HOOKLINE_TEST_DATABASE_URL");
        if (external != null && !external.isBlank()) {
            adminUrl = external;
            return adminUrl;
        }
        try {
            embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the server's folder is temporary
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
        }
        adminUrl = embedded.getJdbcUrl("postgres", "postgres") + "&password=postgres";
        return adminUrl;
    }
}
