package dev.hookline.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Hashes;
import dev.hookline.core.Ids;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys: {@code hk_} and 43 characters (256 random bits), shown once and stored only as their
 * SHA-256. A key's high entropy makes a fast hash the right one (nothing to brute-force), and
 * lookup by hash means the secret itself is never compared byte by byte in a way that leaks time.
 *
 * <p>Every request looks its key up in the database (one read by a unique index): a revoked or
 * expired key, or one scoped to an app since deleted, fails on the next request on every node,
 * with no cache to outlive it. {@code last_used_at} is written at most once a
 * {@link #LAST_USED_RESOLUTION_MILLIS} per key, so a busy key costs no write per request.
 *
 * <p>The root key is either {@code HOOKLINE_API_KEY} or, when that is unset, one generated on first
 * start and printed once. The generated one is an ordinary unscoped key in {@code api_keys} (named
 * {@value #GENERATED_ROOT_NAME}), so it is listed and revoked like any other; {@code meta} keeps its id
 * as the mark that it was generated, so a revoked one is not made again at the next start.
 */
final class ApiKeys {
    static final String PREFIX = "hk_";
    /** Where versions before the generated key was listed kept its hash; moved into api_keys at start. */
    private static final String LEGACY_ROOT_HASH = "root_key_sha256";
    private static final String GENERATED_ROOT_ID = "generated_root_key_id";
    static final String GENERATED_ROOT_NAME = "root (generated at first start)";
    static final long LAST_USED_RESOLUTION_MILLIS = 60_000;

    record ApiKey(String id, String name, String appId, String keyPrefix, boolean readOnly, Long expiresAt, Integer ratePerMinute,
                  Long lastUsedAt, long createdAt) {}

    private final Database db;
    private final Clock clock;
    private final OperationalEvents operational;
    private final byte[] configuredRootHash;

    ApiKeys(Database db, Clock clock, String configuredRootKey, OperationalEvents operational) {
        this.db = db;
        this.clock = clock;
        this.operational = operational;
        this.configuredRootHash = configuredRootKey == null ? null : Hashes.sha256(configuredRootKey);
    }

    /** Claims the generated-root mark and stores the key under it; false when another node (or an earlier start) has it. */
    private static boolean insertGenerated(java.sql.Connection c, String hashHex, String prefix, long now) throws SQLException {
        String id = Ids.next("key");
        if (Sql.update(c, "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", GENERATED_ROOT_ID, id) == 0) {
            return false;
        }
        Sql.update(c, "INSERT INTO api_keys (id, name, app_id, key_hash, key_prefix, created_at) VALUES (?, ?, NULL, ?, ?, ?)",
                id, GENERATED_ROOT_NAME, hashHex, prefix, now);
        return true;
    }

    /**
     * On first start without {@code HOOKLINE_API_KEY}: makes the root key, stores its hash and
     * returns it (for the caller to print once). Otherwise empty.
     */
    Optional<String> generateRootKeyIfNone() {
        Optional<String> legacy = db.read(c -> Sql.one(c, "SELECT value FROM meta WHERE name = ?", rs -> rs.getString(1), LEGACY_ROOT_HASH));
        if (legacy.isPresent()) {
            db.write(c -> {
                insertGenerated(c, legacy.get(), PREFIX, clock.millis());
                return Sql.update(c, "DELETE FROM meta WHERE name = ?", LEGACY_ROOT_HASH);
            });
        }
        if (configuredRootHash != null) {
            return Optional.empty();
        }
        String key = PREFIX + Ids.token(32);
        // Several nodes may start at once on a new database: the first insert wins; the others print nothing.
        boolean inserted = db.write(c -> insertGenerated(c, HexFormat.of().formatHex(Hashes.sha256(key)),
                key.substring(0, PREFIX.length() + 6), clock.millis()));
        return inserted ? Optional.of(key) : Optional.empty();
    }

    /** The caller behind an {@code Authorization: Bearer …} value, or empty when it is not a live key. */
    Optional<Principal> authenticate(String bearer) {
        if (bearer == null || bearer.isEmpty() || bearer.length() > 200) {
            return Optional.empty();
        }
        byte[] hash = Hashes.sha256(bearer);
        if (configuredRootHash != null && MessageDigest.isEqual(hash, configuredRootHash)) {
            return Optional.of(Principal.ROOT);
        }
        long now = clock.millis();
        record Live(Principal principal, Long lastUsedAt) {}
        Optional<Live> live = db.read(c -> Sql.one(c, "SELECT k.id, k.app_id, k.read_only, k.rate_limit, k.last_used_at FROM api_keys k"
                        + " WHERE k.key_hash = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)"
                        + " AND (k.app_id IS NULL OR EXISTS (SELECT 1 FROM apps a WHERE a.id = k.app_id))",
                rs -> new Live(new Principal(rs.getString("id"), rs.getString("app_id"), rs.getInt("read_only") == 1,
                        nullableInt(rs, "rate_limit")),
                        Sql.nullableLong(rs, "last_used_at")), HexFormat.of().formatHex(hash), now));
        live.ifPresent(l -> {
            if (l.lastUsedAt() == null || l.lastUsedAt() < now - LAST_USED_RESOLUTION_MILLIS) {
                touch(l.principal().keyId(), now);
            }
        });
        return live.map(Live::principal);
    }

    /** Whether {@code bearer} is no key at all (a revoked or expired key is a key: an honest stale client, not a guess). */
    boolean isUnknown(String bearer) {
        if (bearer.isEmpty() || bearer.length() > 200) {
            return true;
        }
        return db.read(c -> Sql.one(c, "SELECT id FROM api_keys WHERE key_hash = ?", rs -> rs.getString(1),
                HexFormat.of().formatHex(Hashes.sha256(bearer)))).isEmpty();
    }

    /** Records a use; best effort, since a saturated writer must not turn a valid key into a failed request. */
    private void touch(String keyId, long now) {
        try {
            db.write(c -> Sql.update(c, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                    now, keyId, now - LAST_USED_RESOLUTION_MILLIS));
        } catch (Failure.Unavailable busy) {
            // the next request a minute on tries again
        }
    }

    record Created(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Created[" + key.id() + ", key hidden]";
        }
    }

    Created create(String name, String appId, boolean readOnly, Long expiresAt, Integer ratePerMinute) {
        String secret = PREFIX + Ids.token(32);
        long now = clock.millis();
        ApiKey key = new ApiKey(Ids.next("key"), name, appId, secret.substring(0, PREFIX.length() + 6), readOnly, expiresAt,
                ratePerMinute, null, now);
        boolean wake = db.write(c -> {
            Sql.update(c, "INSERT INTO api_keys (id, name, app_id, key_hash, key_prefix, read_only, expires_at, rate_limit, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    key.id(), name, appId, HexFormat.of().formatHex(Hashes.sha256(secret)), key.keyPrefix(), readOnly, expiresAt,
                    ratePerMinute, now);
            return operational.emit(c, OperationalEvents.APIKEY_CREATED, event(key), now);
        });
        if (wake) {
            operational.wake();
        }
        return new Created(key, secret);
    }

    /** What operational webhooks say about a key: never the key, nor any part of it. */
    private static ObjectNode event(ApiKey key) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("key_id", key.id());
        data.put("name", key.name());
        data.put("app_id", key.appId());
        data.put("read_only", key.readOnly());
        return data;
    }

    Page<ApiKey> list(PageRequest page) {
        return db.read(c -> Page.of(Sql.list(c, "SELECT * FROM api_keys WHERE revoked_at IS NULL AND " + page.cursorSql("id") + page.orderSql("id"),
                ApiKeys::row, page.afterOrStart(), page.limit() + 1), page.limit(), ApiKey::id));
    }

    void revoke(String id) {
        long now = clock.millis();
        boolean wake = db.write(c -> {
            ApiKey key = Sql.one(c, "SELECT * FROM api_keys WHERE id = ? AND revoked_at IS NULL", ApiKeys::row, id)
                    .orElseThrow(() -> new Failure.NotFound("api key", id));
            Sql.update(c, "UPDATE api_keys SET revoked_at = ? WHERE id = ?", now, id);
            return operational.emit(c, OperationalEvents.APIKEY_REVOKED, event(key), now);
        });
        if (wake) {
            operational.wake();
        }
    }

    private static ApiKey row(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("app_id"), rs.getString("key_prefix"),
                rs.getInt("read_only") == 1, Sql.nullableLong(rs, "expires_at"), nullableInt(rs, "rate_limit"),
                Sql.nullableLong(rs, "last_used_at"), rs.getLong("created_at"));
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        Long value = Sql.nullableLong(rs, column);
        return value == null ? null : Math.toIntExact(value);
    }
}
