package dev.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An installation upgraded across V19 keeps its queue: the heads kept in {@code endpoints.next_due_at}
 * move to {@code endpoint_heads}, for enabled endpoints only. On PostgreSQL nothing rebuilds the heads
 * when a node starts (other nodes may be running), so a head lost here would strand its endpoint's
 * pending deliveries until the endpoint's next message.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class HeadsMigrationTest {
    private static final long DUE = 1_800_000_000_000L;

    private final Backend backend;

    HeadsMigrationTest(Backend backend) {
        this.backend = backend;
    }

    @Test
    void anEndpointsHeadMovesToItsOwnTable() throws Exception {
        String url = backend.newDatabaseUrl();
        Path dir = Files.createTempDirectory("hookline-heads");
        FluentConfiguration flyway = Flyway.configure().locations(Dialect.migrationLocation()).target("18");
        Dialect dialect = url == null ? Dialect.SQLITE : Dialect.POSTGRESQL;
        PostgresUrl pg = url == null ? null : PostgresUrl.parse(url);
        String jdbc = url == null ? "jdbc:sqlite:" + dir.resolve("hookline.db") : pg.jdbcUrl();
        flyway.placeholders(dialect.migrationPlaceholders())
                .dataSource(jdbc, pg == null ? null : pg.user(), pg == null ? null : pg.password())
                .load().migrate();
        try (Connection c = url == null ? DriverManager.getConnection(jdbc) : pg.connect()) {
            Sql.update(c, "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('app_a', 'A', 0, 0)");
            for (String[] ep : List.of(new String[] {"ep_waiting", "1"}, new String[] {"ep_off", "0"}, new String[] {"ep_idle", "1"})) {
                Sql.update(c, "INSERT INTO endpoints (id, app_id, url, enabled, timeout_ms, fifo, policy, secret, created_at, updated_at,"
                                + " next_due_at) VALUES (?, 'app_a', 'https://example.com', ?, 5000, 0, '{}', 'x', 0, 0, ?)",
                        ep[0], Integer.parseInt(ep[1]), ep[0].equals("ep_idle") ? null : DUE);
            }
        }

        try (Database db = url == null ? Database.openSqlite(dir) : Database.openPostgres(url, 1_000)) { // migrates to the last version
            List<String> heads = db.read(c -> Sql.list(c, "SELECT endpoint_id, next_due_at FROM endpoint_heads ORDER BY endpoint_id",
                    rs -> rs.getString("endpoint_id") + "@" + rs.getLong("next_due_at")));
            assertThat(heads).containsExactly("ep_waiting@" + DUE);
        }
    }
}
