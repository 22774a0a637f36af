package dev.hookline.inbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Hashes;
import dev.hookline.core.Ids;
import dev.hookline.core.RetiredSecrets;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.core.SecretCipher;
import dev.hookline.core.SecretRules;
import dev.hookline.signature.WebhookSecret;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Sources and their credentials. The verification secret is sealed with the master key (a receiver
 * must recompute HMACs, so it needs the secret itself); the API key is kept only as its SHA-256.
 * Generated credentials are returned once, when created or rotated.
 */
public final class SourceStore {
    public static final Duration ROTATION_GRACE = Duration.ofHours(24);
    private static final String COLUMNS = "id, token, enabled, config, created_at, updated_at";
    private static final String CREDENTIAL_COLUMNS = "secret, previous_secret, previous_secret_expires_at, api_key_hash";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CREATE_FIELDS;
    private static final Set<String> PATCH_FIELDS;

    static {
        Set<String> fields = new HashSet<>(SourceConfig.FIELDS);
        fields.add("enabled");
        PATCH_FIELDS = Set.copyOf(fields);
        fields.add("secret");
        fields.add("api_key");
        CREATE_FIELDS = Set.copyOf(fields);
    }

    private final Database db;
    private final Clock clock;
    private final SecretCipher cipher;
    private final UnaryOperator<String> appResolver;

    /** {@code appResolver} turns an app id or uid into the app's id, or fails with NotFound. */
    public SourceStore(Database db, Clock clock, SecretCipher cipher, UnaryOperator<String> appResolver) {
        this.db = db;
        this.clock = clock;
        this.cipher = cipher;
        this.appResolver = appResolver;
    }

    /** A source with whatever credentials were just generated for it, in clear, to be shown once. */
    public record Created(Source source, String secret, String apiKey) {
        @Override
        public String toString() {
            return "Created[" + source.id() + ", credentials hidden]";
        }
    }

    /** The credentials a receive needs: the live secrets (newest first) and the API key's hash. */
    public record Credentials(List<String> secrets, byte[] apiKeyHash) {
        @Override
        public String toString() {
            return "Credentials[hidden]";
        }
    }

    public Created create(Fields body) {
        body.allowOnly(CREATE_FIELDS);
        SourceConfig config = SourceConfig.fromJson(body, appResolver);
        boolean enabled = !Boolean.FALSE.equals(body.bool("enabled"));
        String secret = null;
        if (config.verification() != null) {
            secret = body.string("secret") != null ? checked("secret", body.string("secret"), config) : WebhookSecret.generate();
        } else if (body.has("secret")) {
            throw new Failure.Invalid("secret", "is only used with a verification scheme");
        }
        String apiKey = null;
        if (config.apiKeyRequired()) {
            apiKey = body.string("api_key") != null ? validApiKey(body.string("api_key")) : Ids.token(32);
        } else if (body.has("api_key")) {
            throw new Failure.Invalid("api_key", "is only used with api_key_required: true");
        }
        long now = clock.millis();
        Source source = new Source(Ids.next("src"), Ids.token(24), enabled, config, now, now);
        String sealed = secret == null ? null : cipher.seal(secret);
        String keyHash = apiKey == null ? null : HexFormat.of().formatHex(Hashes.sha256(apiKey));
        db.write(c -> Sql.update(c, "INSERT INTO sources (" + COLUMNS + ", secret, api_key_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                source.id(), source.token(), enabled, config.toJson().toString(), now, now, sealed, keyHash));
        return new Created(source, secret, apiKey);
    }

    public Source get(String id) {
        return db.read(c -> find(c, "id", id)).orElseThrow(() -> new Failure.NotFound("source", id));
    }

    /** The enabled source at {@code token}, read with its credentials, in one statement: a post's one read before its write. */
    public Optional<Found> byToken(String token) {
        return db.read(c -> Sql.one(c, "SELECT " + COLUMNS + ", " + CREDENTIAL_COLUMNS + " FROM sources WHERE token = ?",
                rs -> new Found(row(rs), Sealed.of(rs)), token)).filter(found -> found.source().enabled());
    }

    /** A source found by its token, with its credentials as stored: sealed until a post gets far enough to check them. */
    public final class Found {
        private final Source source;
        private final Sealed sealed;

        private Found(Source source, Sealed sealed) {
            this.source = source;
            this.sealed = sealed;
        }

        public Source source() {
            return source;
        }

        /**
         * The credentials as read with the source (when the post's headers had arrived: a rotation
         * acknowledged while its body uploads applies from the next post), the secrets opened now: a
         * post the rate limit refused never costs that.
         */
        public Credentials credentials() {
            return open(sealed, clock.millis());
        }
    }

    public Page<Source> list(PageRequest page) {
        return db.read(c -> Page.of(Sql.list(c, "SELECT " + COLUMNS + " FROM sources WHERE " + page.cursorSql("id") + page.orderSql("id"),
                SourceStore::row, page.afterOrStart(), page.limit() + 1), page.limit(), Source::id));
    }

    /**
     * Changes the fields given (config fields replace theirs; {@code enabled} toggles). Turning a
     * verification scheme or the API key requirement on generates the credential it needs, returned
     * in {@link Created}.
     */
    public Created update(String id, Fields patch) {
        patch.allowOnly(PATCH_FIELDS);
        Source current = get(id);
        ObjectNode merged = patch.mergeInto(current.config().toJson(), SourceConfig.FIELDS);
        // The stored app id needs no lookup; a new forward app is resolved here, outside the writer.
        SourceConfig config = SourceConfig.fromJson(Fields.of(merged), patch.present("forward") ? appResolver : UnaryOperator.identity());
        boolean enabled = patch.bool("enabled") == null ? current.enabled() : patch.bool("enabled");
        SourceStore.Credentials credentials = credentials(id);
        if (config.verification() != null && !credentials.secrets().isEmpty()
                && (current.config().verification() == null || current.config().verification().scheme() != config.verification().scheme())) {
            try {
                SecretRules.check("verification.scheme", credentials.secrets().get(0), config.verification().scheme(), 8);
            } catch (Failure.Invalid e) {
                throw new Failure.Invalid("verification.scheme", "the current secret does not suit '" + config.verification().scheme().wireName()
                        + "'; rotate it with a suitable one first (" + e.getMessage() + ")");
            }
        }
        String secret = config.verification() != null && credentials.secrets().isEmpty() ? WebhookSecret.generate() : null;
        String apiKey = config.apiKeyRequired() && credentials.apiKeyHash() == null ? Ids.token(32) : null;
        long now = Math.max(clock.millis(), current.updatedAt() + 1);
        Source updated = new Source(current.id(), current.token(), enabled, config, current.createdAt(), now);
        db.write(c -> {
            int changed = Sql.update(c, "UPDATE sources SET enabled = ?, config = ?, updated_at = ? WHERE id = ? AND updated_at = ?",
                    enabled, config.toJson().toString(), now, id, current.updatedAt());
            if (changed == 0) {
                throw new Failure.Conflict("source " + id + " changed while this update was prepared; send it again");
            }
            if (secret != null) {
                Sql.update(c, "UPDATE sources SET secret = ? WHERE id = ?", cipher.seal(secret), id);
            }
            if (apiKey != null) {
                Sql.update(c, "UPDATE sources SET api_key_hash = ? WHERE id = ?", HexFormat.of().formatHex(Hashes.sha256(apiKey)), id);
            }
            return null;
        });
        return new Created(updated, secret, apiKey);
    }

    /** A new verification secret (given or generated); the old one stays valid for {@link #ROTATION_GRACE}. */
    public String rotateSecret(String id, String newSecret) {
        Source current = get(id);
        if (current.config().verification() == null) {
            throw new Failure.Conflict("source " + id + " has no verification scheme, so it has no secret to rotate");
        }
        String secret = newSecret == null ? WebhookSecret.generate() : checked("secret", newSecret, current.config());
        db.write(c -> {
            long now = clock.millis();
            Secrets before = secrets(c, id);
            RetiredSecrets retired = before.current() == null ? before.retired() : before.retired().retire(before.current(), now, ROTATION_GRACE);
            return Sql.update(c, "UPDATE sources SET previous_secret = ?, previous_secret_expires_at = ?, secret = ?,"
                    + " updated_at = ? WHERE id = ?", cipher.seal(retired.encode()), retired.lastExpiry(), cipher.seal(secret), now, id);
        });
        return secret;
    }

    /** A new API key (given or generated), replacing the old one at once. */
    public String rotateApiKey(String id, String newKey) {
        String key = newKey == null ? Ids.token(32) : validApiKey(newKey);
        db.write(c -> {
            Source source = find(c, "id", id).orElseThrow(() -> new Failure.NotFound("source", id));
            if (!source.config().apiKeyRequired()) {
                throw new Failure.Conflict("source " + id + " does not require an API key; set api_key_required first");
            }
            return Sql.update(c, "UPDATE sources SET api_key_hash = ?, updated_at = ? WHERE id = ?",
                    HexFormat.of().formatHex(Hashes.sha256(key)), clock.millis(), id);
        });
        return key;
    }

    public void delete(String id) {
        if (db.write(c -> Sql.update(c, "DELETE FROM sources WHERE id = ?", id)) == 0) {
            throw new Failure.NotFound("source", id);
        }
    }

    Credentials credentials(String id) {
        return db.read(c -> credentials(c, id));
    }

    private Credentials credentials(Connection c, String id) throws SQLException {
        return open(sealed(c, id), clock.millis());
    }

    /** A source's credentials as stored: its secrets sealed with the master key ({@link #open} opens them). */
    private record Sealed(String secret, String previousSecret, long previousExpiresAt, String apiKeyHash) {
        static Sealed of(ResultSet rs) throws SQLException {
            return new Sealed(rs.getString("secret"), rs.getString("previous_secret"), rs.getLong("previous_secret_expires_at"),
                    rs.getString("api_key_hash"));
        }

        @Override
        public String toString() {
            return "Sealed[hidden]";
        }
    }

    private static Sealed sealed(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT " + CREDENTIAL_COLUMNS + " FROM sources WHERE id = ?", Sealed::of, id)
                .orElseThrow(() -> new Failure.NotFound("source", id));
    }

    private Credentials open(Sealed sealed, long now) {
        Secrets stored = secrets(sealed);
        List<String> secrets = new java.util.ArrayList<>(2);
        if (stored.current() != null) {
            secrets.add(stored.current());
        }
        secrets.addAll(stored.retired().live(now));
        return new Credentials(List.copyOf(secrets), sealed.apiKeyHash() == null ? null : HexFormat.of().parseHex(sealed.apiKeyHash()));
    }

    /** A source's secret (null without verification) and those it rotated out. */
    private record Secrets(String current, RetiredSecrets retired) {
        @Override
        public String toString() {
            return "Secrets[hidden]";
        }
    }

    private Secrets secrets(Connection c, String id) throws SQLException {
        return secrets(sealed(c, id));
    }

    private Secrets secrets(Sealed sealed) {
        return new Secrets(sealed.secret() == null ? null : cipher.open(sealed.secret()),
                RetiredSecrets.read(sealed.previousSecret() == null ? null : cipher.open(sealed.previousSecret()), sealed.previousExpiresAt()));
    }

    private static Optional<Source> find(Connection c, String column, String value) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM sources WHERE " + column + " = ?", SourceStore::row, value);
    }

    private static Source row(ResultSet rs) throws SQLException {
        SourceConfig config;
        try {
            config = SourceConfig.fromJson(Fields.of(JSON.readTree(rs.getString("config"))), UnaryOperator.identity());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("source " + rs.getString("id") + " has an unreadable config", e);
        }
        return new Source(rs.getString("id"), rs.getString("token"), rs.getInt("enabled") == 1, config,
                rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    /** Third parties often choose the secret (seed 004's example is "your-secret"), so short ones are accepted. */
    private static String checked(String field, String secret, SourceConfig config) {
        SecretRules.check(field, secret, config.verification().scheme(), 8);
        return secret;
    }

    private static String validApiKey(String key) {
        if (key.length() < 8 || key.length() > 256 || !key.chars().allMatch(ch -> ch > 32 && ch < 127)) {
            throw new Failure.Invalid("api_key", "must be 8 to 256 printable ASCII characters without spaces");
        }
        return key;
    }

}
