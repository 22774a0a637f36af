package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.core.Ids;
import dev.hookline.store.Database;
import dev.hookline.store.Dialect;
import dev.hookline.store.Sql;
import dev.hookline.testing.Backend;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An endpoint's delivery counts over a time window (Svix's endpoint stats) read the deliveries made in
 * that window, through the endpoint's index, and not the long history the endpoint has besides.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class EndpointCountsTest {
    private static final int OLD = 20_000;

    private final Database db;
    private final DeliveryQueue queue;

    EndpointCountsTest(Backend backend) throws Exception {
        String url = backend.newDatabaseUrl();
        db = url == null ? Database.openSqlite(Files.createTempDirectory("hookline-counts")) : Database.openPostgres(url, 1_000);
        queue = new DeliveryQueue(db, new EndpointHealth(EndpointHealth.DEFAULT_DISABLE_AFTER), null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void countsOnlyTheWindowAndReadsOnlyItsRows() {
        long made = System.currentTimeMillis();
        db.write(c -> {
            Sql.update(c, "INSERT INTO apps (id, name, created_at, updated_at) VALUES ('app_a', 'A', 0, 0)");
            for (String ep : new String[] {"ep_busy", "ep_other"}) {
                Sql.update(c, "INSERT INTO endpoints (id, app_id, url, enabled, timeout_ms, policy, secret, created_at, updated_at)"
                        + " VALUES (?, 'app_a', 'https://example.com', 1, 5000, '{}', 'x', 0, 0)", ep);
            }
            // A long history, made long before the window (ids sort by creation time: these sort first).
            String numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + OLD + ") ";
            Sql.update(c, numbers + "INSERT INTO messages (id, app_id, event, created_at) SELECT 'msg_old_' || i, 'app_a', 'e', 0 FROM n");
            Sql.update(c, numbers + "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, created_at, updated_at)"
                    + " SELECT 'dlv_00' || i, 'msg_old_' || i, 'ep_busy', 'app_a', 'delivered', 1, 0, 0 FROM n");
            String[][] recent = {{"ep_busy", "delivered"}, {"ep_busy", "delivered"}, {"ep_busy", "failed"}, {"ep_busy", "pending"},
                {"ep_other", "delivered"}};
            for (int i = 0; i < recent.length; i++) {
                Sql.update(c, "INSERT INTO messages (id, app_id, event, created_at) VALUES (?, 'app_a', 'e', ?)", "msg_new_" + i, made);
                Sql.update(c, "INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status, attempts, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'app_a', ?, 1, ?, ?)", Ids.next("dlv"), "msg_new_" + i, recent[i][0], recent[i][1], made, made);
            }
            return null;
        });
        if (db.dialect() == Dialect.POSTGRESQL) {
            db.write(c -> Sql.update(c, "ANALYZE deliveries"));
        }
        long now = System.currentTimeMillis(); // the window ends after the deliveries were made
        long since = now - Duration.ofDays(28).toMillis();

        assertThat(queue.countsOfEndpoint("app_a", "ep_busy", since, now)).isEqualTo(new DeliveryQueue.Counts(1, 0, 2, 1));
        assertThat(queue.countsOfEndpoint("app_a", "ep_busy", 0, now).delivered()).isEqualTo(OLD + 2);
        assertThat(queue.countsOfEndpoint("app_a", "ep_busy", since, made - 60_000)).isEqualTo(new DeliveryQueue.Counts(0, 0, 0, 0));

        Object[] params = {"ep_busy", Ids.floor("dlv", since), Ids.floor("dlv", now + 1), "app_a"};
        if (db.dialect() == Dialect.POSTGRESQL) {
            String plan = db.read(c -> String.join("\n", Sql.list(c, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                    + DeliveryQueue.ENDPOINT_COUNTS, rs -> rs.getString(1), params)));
            assertThat(plan).contains("deliveries_by_endpoint").doesNotContain("Seq Scan");
            // every node of the plan handled the window's four rows, none the history's twenty thousand
            assertThat(Pattern.compile("actual rows=(\\d+)").matcher(plan).results().mapToInt(m -> Integer.parseInt(m.group(1))).max()
                    .orElseThrow()).as(plan).isLessThanOrEqualTo(4);
        } else {
            String plan = db.read(c -> String.join("\n", Sql.list(c, "EXPLAIN QUERY PLAN " + DeliveryQueue.ENDPOINT_COUNTS,
                    rs -> rs.getString("detail"), params)));
            assertThat(plan).contains("USING INDEX deliveries_by_endpoint (endpoint_id=? AND id>? AND id<?)");
        }
    }
}
