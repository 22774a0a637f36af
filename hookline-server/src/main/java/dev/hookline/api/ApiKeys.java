package dev.hookline.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hookline.core.Failure;
import dev.hookline.core.Hashes;
import dev.hookline.core.Ids;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API keys: {@code hk_} and 43 characters (256 random bits), shown once and stored only as their
 * SHA-256. A key's high entropy makes a fast hash the right one (nothing to brute-force), and
 * lookup by hash means the secret itself is never compared byte by byte in a way that leaks time.
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
    /** How long a revoked key may still pass on another node (on this one, revoking evicts it at once). */
    private static final Duration CACHE_FOR = Duration.ofSeconds(10);
    /** Live keys cached at most; unknown keys are never cached, so random tokens cannot fill memory. */
    private static final int CACHE_MAX = 10_000;

    record ApiKey(String id, String name, String appId, String keyPrefix, long createdAt) {}

    private final Database db;
    private final Clock clock;
    private final byte[] configuredRootHash;
    private final Cache<String, Principal> cache;

    ApiKeys(Database db, Clock clock, String configuredRootKey) {
        this.db = db;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(CACHE_MAX).expireAfterWrite(CACHE_FOR).ticker(() -> clock.millis() * 1_000_000L).build();
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
            return Optional.of(new Principal("root", null));
        }
        String hex = HexFormat.of().formatHex(hash);
        Principal cached = cache.getIfPresent(hex);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Principal> principal = db.read(c -> Sql.one(c, "SELECT id, app_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                rs -> new Principal(rs.getString("id"), rs.getString("app_id")), hex));
        principal.ifPresent(p -> cache.put(hex, p));
        return principal;
    }

    record Created(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Created[" + key.id() + ", key hidden]";
        }
    }

    Created create(String name, String appId) {
        String secret = PREFIX + Ids.token(32);
        long now = clock.millis();
        ApiKey key = new ApiKey(Ids.next("key"), name, appId, secret.substring(0, PREFIX.length() + 6), now);
        db.write(c -> Sql.update(c, "INSERT INTO api_keys (id, name, app_id, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                key.id(), name, appId, HexFormat.of().formatHex(Hashes.sha256(secret)), key.keyPrefix(), now));
        return new Created(key, secret);
    }

    Page<ApiKey> list(PageRequest page) {
        return db.read(c -> Page.of(Sql.list(c, "SELECT * FROM api_keys WHERE revoked_at IS NULL AND " + page.cursorSql("id") + page.orderSql("id"),
                ApiKeys::row, page.afterOrStart(), page.limit() + 1), page.limit(), ApiKey::id));
    }

    void revoke(String id) {
        int n = db.write(c -> Sql.update(c, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", clock.millis(), id));
        if (n == 0) {
            throw new Failure.NotFound("api key", id);
        }
        cache.asMap().values().removeIf(principal -> principal.keyId().equals(id));
    }

    private static ApiKey row(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("app_id"), rs.getString("key_prefix"),
                rs.getLong("created_at"));
    }

}
