package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Failure;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The enforced event types are held in memory up to a bound; a catalog past it is checked type by
 * type, and refuses and takes exactly what the held set does.
 */
class EventSchemasTest {

    @Test
    void aCatalogTooLargeToHoldIsEnforcedTypeByTypeTheSameWay() throws Exception {
        try (Database db = Database.openSqlite(Files.createTempDirectory("hookline-schemas"))) {
            EventTypeStore types = new EventTypeStore(db, Clock.systemUTC());
            for (int i = 1; i <= 3; i++) {
                types.create("order.v" + i, null, "{\"type\":\"object\",\"required\":[\"id" + i + "\"]}", true);
            }
            types.create("order.loose", null, "{\"type\":\"object\",\"required\":[\"id\"]}", false);

            for (EventSchemas schemas : new EventSchemas[] {new EventSchemas(), new EventSchemas(2)}) {
                long version = db.read(c -> Sql.one(c, "SELECT " + EventSchemas.VERSION_SQL + " AS v",
                        rs -> EventSchemas.version(rs.getString("v")))).orElseThrow();
                db.read(c -> {
                    for (int i = 1; i <= 3; i++) {
                        schemas.check(c, version, "order.v" + i, json("{\"id" + i + "\":1}"));
                        String event = "order.v" + i;
                        assertThatThrownBy(() -> schemas.check(c, version, event, json("{\"other\":1}")))
                                .isInstanceOf(Failure.Invalid.class).hasMessageContaining("'" + event + "'");
                    }
                    schemas.check(c, version, "order.loose", json("{}")); // documented, not enforced
                    schemas.check(c, version, "undeclared", json("{}"));
                    return null;
                });
            }
        }
    }

    @Test
    void aTypeDeletedAndDeclaredAgainInTheSameMillisecondIsEnforcedWithItsNewSchema() throws Exception {
        try (Database db = Database.openSqlite(Files.createTempDirectory("hookline-schemas"))) {
            // a stopped clock: the type declared again has the updated_at the deleted one had
            EventTypeStore types = new EventTypeStore(db, Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC));
            EventSchemas schemas = new EventSchemas();
            types.create("order.paid", null, "{\"type\":\"object\",\"required\":[\"a\"]}", true);
            db.read(c -> {
                schemas.check(c, version(c), "order.paid", json("{\"a\":1}"));
                return null;
            });
            types.delete("order.paid");
            types.create("order.paid", null, "{\"type\":\"object\",\"required\":[\"b\"]}", true);
            db.read(c -> {
                long version = version(c);
                assertThatThrownBy(() -> schemas.check(c, version, "order.paid", json("{\"a\":1}")))
                        .isInstanceOf(Failure.Invalid.class).hasMessageContaining("'order.paid'");
                schemas.check(c, version, "order.paid", json("{\"b\":1}"));
                return null;
            });
        }
    }

    private static long version(java.sql.Connection c) throws java.sql.SQLException {
        return Sql.one(c, "SELECT " + EventSchemas.VERSION_SQL + " AS v", rs -> EventSchemas.version(rs.getString("v"))).orElseThrow();
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
