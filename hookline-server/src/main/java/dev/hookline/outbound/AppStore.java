package dev.hookline.outbound;

import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Ids;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/** Apps, addressed by id ({@code app_…}) or by the caller's own {@code uid}. */
public final class AppStore {
    private static final String COLUMNS = "id, uid, name, settings, created_at, updated_at";
    /** {@link #COLUMNS} and the {@link App.Versions} read with them. */
    private static final String READ_COLUMNS = COLUMNS + ", endpoints_version, " + EventSchemas.VERSION_SQL + " AS event_types_version";

    private final Database db;
    private final Clock clock;

    public AppStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public App create(String name, String uid, AppSettings settings) {
        return db.write(c -> {
            if (uid != null && find(c, uid).isPresent()) {
                throw new Failure.Conflict("an app with uid '" + uid + "' already exists");
            }
            long now = clock.millis();
            App app = new App(Ids.next("app"), uid, name, settings, now, now, null);
            Sql.update(c, "INSERT INTO apps (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                    app.id(), app.uid(), app.name(), settings.toStored(), now, now);
            return app;
        });
    }

    public App get(String idOrUid) {
        return db.read(c -> find(c, idOrUid)).orElseThrow(() -> new Failure.NotFound("app", idOrUid));
    }

    /**
     * Looks an app up (inside a write, so the check and the write that depends on it are atomic). No
     * uid has the shape of an app id (both APIs refuse one) or is the operational events' app's, so the
     * one index that can hold it is read: {@code id = ? OR uid = ?} read both, on every request that
     * names an app.
     */
    static Optional<App> find(Connection c, String idOrUid) throws SQLException {
        boolean id = Ids.isId("app", idOrUid) || idOrUid.equals(OperationalEvents.APP_ID);
        return Sql.one(c, "SELECT " + READ_COLUMNS + " FROM apps WHERE " + (id ? "id" : "uid") + " = ?", AppStore::row, idOrUid);
    }

    /** Whether the app exists, inside the caller's transaction. */
    public static boolean exists(Connection c, String appId) throws SQLException {
        return Sql.one(c, "SELECT id FROM apps WHERE id = ?", rs -> rs.getString(1), appId).isPresent();
    }

    static App require(Connection c, String idOrUid) throws SQLException {
        return find(c, idOrUid).orElseThrow(() -> new Failure.NotFound("app", idOrUid));
    }

    public Page<App> list(PageRequest page, String onlyAppId) {
        return db.read(c -> Page.of(Sql.list(c,
                "SELECT " + READ_COLUMNS + " FROM apps WHERE " + page.cursorSql("id") + " AND id <> '" + OperationalEvents.APP_ID + "'"
                        + " AND (CAST(? AS TEXT) IS NULL OR id = ?)" + page.orderSql("id"),
                AppStore::row, page.afterOrStart(), onlyAppId, onlyAppId, page.limit() + 1), page.limit(), App::id));
    }

    /**
     * Changes the name and/or uid (a {@code null} argument leaves that field as it is) and the
     * settings given in {@code settings}. Requiring HTTPS is refused while an endpoint still has an
     * {@code http://} URL: the rule would otherwise hold for new URLs only.
     */
    public App update(String idOrUid, String name, String uid, Fields settings) {
        return db.write(c -> {
            App app = require(c, idOrUid);
            if (uid != null && !uid.equals(app.uid()) && find(c, uid).isPresent()) {
                throw new Failure.Conflict("an app with uid '" + uid + "' already exists");
            }
            AppSettings changed = app.settings().with(settings);
            if (changed.httpsOnly() && !app.settings().httpsOnly()) {
                int plain = Sql.one(c, "SELECT COUNT(*) AS n FROM endpoints WHERE app_id = ? AND LOWER(url) LIKE 'http:%' AND deleted_at IS NULL",
                        rs -> rs.getInt("n"), app.id()).orElse(0);
                if (plain > 0) {
                    throw new Failure.Conflict(plain + " of the app's endpoints use http://; change their URLs to https:// first");
                }
            }
            App updated = new App(app.id(), uid == null ? app.uid() : uid, name == null ? app.name() : name, changed,
                    app.createdAt(), clock.millis(), null);
            Sql.update(c, "UPDATE apps SET uid = ?, name = ?, settings = ?, updated_at = ? WHERE id = ?",
                    updated.uid(), updated.name(), changed.toStored(), updated.updatedAt(), app.id());
            return updated;
        });
    }

    /** Deletes the app with its endpoints, messages, deliveries and attempts. */
    public void delete(String idOrUid) {
        db.write(c -> {
            App app = require(c, idOrUid);
            Sql.update(c, "DELETE FROM apps WHERE id = ?", app.id());
            return null;
        });
    }

    /** The versions ingest checks its copies against ({@link App.Versions}), for an app read without them. */
    static App.Versions versions(Connection c, String appId) throws SQLException {
        return Sql.one(c, "SELECT endpoints_version, " + EventSchemas.VERSION_SQL + " AS event_types_version FROM apps WHERE id = ?",
                AppStore::versions, appId).orElse(new App.Versions(-1, -1));
    }

    private static App row(ResultSet rs) throws SQLException {
        return new App(rs.getString("id"), rs.getString("uid"), rs.getString("name"),
                AppSettings.fromStored(rs.getString("settings")), rs.getLong("created_at"), rs.getLong("updated_at"), versions(rs));
    }

    private static App.Versions versions(ResultSet rs) throws SQLException {
        return new App.Versions(rs.getLong("endpoints_version"), EventSchemas.version(rs.getString("event_types_version")));
    }
}
