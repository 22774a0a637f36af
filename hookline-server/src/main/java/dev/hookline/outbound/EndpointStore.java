package dev.hookline.outbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Ids;
import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.core.RetiredSecrets;
import dev.hookline.core.SecretCipher;
import dev.hookline.core.SecretRules;
import dev.hookline.signature.SignatureScheme;
import dev.hookline.signature.WebhookSecret;
import dev.hookline.store.Database;
import dev.hookline.store.GroupCommitWriter.Lane;
import dev.hookline.store.Sql;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Endpoints and their secrets. Secrets are sealed with the master key before they reach the
 * database and are returned in clear only once: when created or rotated.
 */
public final class EndpointStore {
    /** Endpoint state changes, under the logger name the dispatcher's circuit and disable lines use too. */
    private static final org.slf4j.Logger ENDPOINT_LOG = org.slf4j.LoggerFactory.getLogger("hookline.endpoint");
    public static final Duration ROTATION_GRACE = Duration.ofHours(24);

    /** The fields an endpoint is created with; a PATCH may change all but {@code secret}. */
    public static final Set<String> CREATE_FIELDS;
    private static final Set<String> PATCH_FIELDS;

    static {
        Set<String> patch = new HashSet<>(EndpointPolicy.FIELDS);
        patch.add("url");
        patch.add("enabled");
        patch.add("uid");
        PATCH_FIELDS = Set.copyOf(patch);
        patch.add("secret");
        CREATE_FIELDS = Set.copyOf(patch);
    }

    private static final String COLUMNS = "id, app_id, uid, url, enabled, policy, public_key, consecutive_failures,"
            + " circuit_open_until, failing_since, disabled_reason, created_at, updated_at";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The policy fields stored sealed, as {@code sealed_<field>}. */
    private static final List<String> SEALED = List.of("headers", "tls");

    /** Parsed policies by endpoint id, valid while the row's updated_at is unchanged; bounded, least recently used out. */
    private final com.github.benmanes.caffeine.cache.Cache<String, CachedPolicy> parsed =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).build();

    private record CachedPolicy(long updatedAt, EndpointPolicy policy) {}

    private final Database db;
    private final Clock clock;
    private final SecretCipher cipher;
    private final UrlCheck urlCheck;
    private final boolean strictEventTypes;

    /** With {@code strictEventTypes}, endpoints may subscribe only to declared event types ({@code HOOKLINE_STRICT_EVENT_TYPES}). */
    public EndpointStore(Database db, Clock clock, SecretCipher cipher, UrlCheck urlCheck, boolean strictEventTypes) {
        this.db = db;
        this.clock = clock;
        this.cipher = cipher;
        this.urlCheck = urlCheck;
        this.strictEventTypes = strictEventTypes;
    }

    /** What the endpoint subscribes to that no declared event type answers to (empty in strict mode: it was refused). */
    public List<String> subscriptionWarnings(Endpoint ep) {
        return db.read(c -> EventTypeStore.undeclared(c, "events", ep.policy().events()));
    }

    /** In strict mode, a subscription no declared event type answers to is refused. */
    private void requireDeclared(Connection c, EndpointPolicy policy) throws SQLException {
        if (strictEventTypes) {
            List<String> undeclared = EventTypeStore.undeclared(c, "events", policy.events());
            if (!undeclared.isEmpty()) {
                String first = undeclared.get(0);
                int colon = first.indexOf(": ");
                throw new Failure.Invalid(first.substring(0, colon), first.substring(colon + 2)
                        + "; this server takes only declared event types (HOOKLINE_STRICT_EVENT_TYPES)");
            }
        }
    }

    /** A new endpoint and its secret in clear, to be shown once. */
    public record Created(Endpoint endpoint, String secret) {
        @Override
        public String toString() {
            return "Created[" + endpoint.id() + ", secret hidden]";
        }
    }

    public Created create(String appIdOrUid, Fields body) {
        body.allowOnly(CREATE_FIELDS);
        limitFilter(body);
        EndpointPolicy policy = EndpointPolicy.fromJson(body);
        String url = policy.pull() ? noUrl(body) : url(body);
        boolean enabled = !Boolean.FALSE.equals(body.bool("enabled"));
        String secret = newSecret(body.name("secret"), body.string("secret"), policy.signature());
        String sealed = cipher.seal(secret);
        String publicKey = publicKeyOf(secret);
        String uid = uid(body);
        return db.write(c -> {
            App app = AppStore.require(c, appIdOrUid);
            if (!policy.pull()) {
                requireHttpsIfAsked(app, body.name("url"), url);
            }
            requireFreeUid(c, app.id(), uid, null);
            requireDeclared(c, policy);
            long now = clock.millis();
            Endpoint ep = new Endpoint(Ids.next("ep"), app.id(), uid, url, enabled, policy, publicKey, Endpoint.Health.NEW, now, now);
            Sql.update(c, "INSERT INTO endpoints (id, app_id, uid, url, enabled, timeout_ms, fifo, policy, secret, public_key, created_at,"
                            + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ep.id(), ep.appId(), ep.uid(), ep.url(), ep.enabled(), policy.timeoutMs(), policy.fifo(), stored(policy), sealed,
                    publicKey, now, now);
            Fanout.changed(c, app.id());
            return new Created(ep, secret);
        });
    }

    public Endpoint get(String appIdOrUid, String endpointId) {
        return db.read(c -> require(c, AppStore.require(c, appIdOrUid).id(), endpointId));
    }

    public Page<Endpoint> list(String appIdOrUid, PageRequest page) {
        return list(appIdOrUid, page, null);
    }

    /**
     * An app's endpoints, a page at a time; with {@code search}, only those whose id, uid, URL or name
     * contains it, in any case (a picker's type-ahead over an app with thousands of endpoints).
     */
    public Page<Endpoint> list(String appIdOrUid, PageRequest page, String search) {
        String needle = search == null ? "" : search.strip().toLowerCase(java.util.Locale.ROOT);
        return db.read(c -> {
            App app = AppStore.require(c, appIdOrUid);
            String sql = "SELECT " + COLUMNS + " FROM endpoints WHERE app_id = ? AND deleted_at IS NULL AND " + page.cursorSql("id");
            if (needle.isEmpty()) {
                return Page.of(Sql.list(c, sql + page.orderSql("id"), this::row, app.id(), page.afterOrStart(), page.limit() + 1),
                        page.limit(), Endpoint::id);
            }
            // The name is inside the policy's JSON, so the SQL keeps every row whose columns or policy text
            // contain the words (more than match), and the endpoint's own fields decide. A batch that the
            // second step thins out is followed by the next, until the page (and one more) is full.
            String like = "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
            String contains = " AND (LOWER(id) LIKE ? ESCAPE '!' OR LOWER(COALESCE(uid, '')) LIKE ? ESCAPE '!'"
                    + " OR LOWER(url) LIKE ? ESCAPE '!' OR LOWER(policy) LIKE ? ESCAPE '!')";
            List<Endpoint> found = new java.util.ArrayList<>();
            String after = page.afterOrStart();
            while (found.size() <= page.limit()) {
                List<Endpoint> batch = Sql.list(c, sql + contains + page.orderSql("id"), this::row,
                        app.id(), after, like, like, like, like, page.limit() + 1);
                batch.stream().filter(ep -> contains(ep, needle)).forEach(found::add);
                if (batch.size() <= page.limit()) {
                    break;
                }
                after = batch.getLast().id();
            }
            return Page.of(found.subList(0, Math.min(found.size(), page.limit() + 1)), page.limit(), Endpoint::id);
        });
    }

    private static boolean contains(Endpoint ep, String needle) {
        return java.util.stream.Stream.of(ep.id(), ep.uid(), ep.url(), ep.policy().name())
                .anyMatch(v -> v != null && v.toLowerCase(java.util.Locale.ROOT).contains(needle));
    }

    /** Runs inside every update's transaction, after the row is written (the queue head, operational events). */
    @FunctionalInterface
    public interface Updated {
        void run(Connection c, Endpoint before, Endpoint after) throws SQLException;
    }

    /**
     * Applies a partial update: fields absent from {@code patch} keep their value, {@code null}
     * resets to the default.
     */
    public Endpoint update(String appIdOrUid, String endpointId, Fields patch, Updated then) {
        patch.allowOnly(PATCH_FIELDS);
        limitFilter(patch);
        String newUrl = patch.has("url") ? url(patch) : null;
        Boolean enabled = patch.bool("enabled");
        String newUid = uid(patch);
        Change change = db.write(Lane.REQUESTS, List.of(endpointId), c -> {
            App app = AppStore.require(c, appIdOrUid);
            Endpoint current = require(c, app.id(), endpointId);
            String uid = patch.present("uid") ? newUid : current.uid();
            requireFreeUid(c, app.id(), uid, current.id());
            if (newUrl != null) {
                requireHttpsIfAsked(app, patch.name("url"), newUrl);
            }
            ObjectNode merged = patch.mergeInto(current.policy().toJson(), EndpointPolicy.FIELDS);
            EndpointPolicy policy = EndpointPolicy.fromJson(Fields.of(merged));
            if (policy.delivery() != current.policy().delivery()) {
                throw new Failure.Invalid("delivery", "cannot change between push and pull: create a new endpoint instead");
            }
            if (patch.present("events")) {
                requireDeclared(c, policy);
            }
            if (policy.pull() && newUrl != null) {
                throw new Failure.Invalid("url", "a pull endpoint has no URL: its deliveries are pulled from …/deliveries");
            }
            if (policy.signature().ed25519() != current.policy().signature().ed25519()
                    || (current.policy().signature().scheme() == SignatureScheme.STANDARD) != (policy.signature().scheme() == SignatureScheme.STANDARD)) {
                throw new Failure.Invalid("signature", "changing between HMAC and ed25519, or between 'standard' and the other"
                        + " schemes, needs a new secret: create a new endpoint instead");
            }
            boolean nowEnabled = enabled == null ? current.enabled() : enabled;
            // Re-enabling is a fresh start: the failure streak and any open circuit are forgotten.
            Endpoint.Health health = nowEnabled && !current.enabled() ? Endpoint.Health.NEW : current.health();
            Endpoint updated = new Endpoint(current.id(), current.appId(), uid, newUrl == null ? current.url() : newUrl,
                    nowEnabled, policy, current.publicKey(), health, current.createdAt(),
                    Math.max(clock.millis(), current.updatedAt() + 1));
            Sql.update(c, "UPDATE endpoints SET uid = ?, url = ?, enabled = ?, timeout_ms = ?, fifo = ?, policy = ?, updated_at = ?,"
                            + " consecutive_failures = ?, circuit_open_until = ?, failing_since = ?, disabled_reason = ? WHERE id = ?",
                    updated.uid(), updated.url(), updated.enabled(), policy.timeoutMs(), policy.fifo(), stored(policy), updated.updatedAt(),
                    health.consecutiveFailures(), health.circuitOpenUntil(), health.failingSince(), health.disabledReason(), updated.id());
            Fanout.changed(c, updated.appId());
            then.run(c, current, updated);
            return new Change(current, updated);
        });
        if (change.before().enabled() != change.after().enabled()) {
            ENDPOINT_LOG.atInfo().setMessage(change.after().enabled() ? "endpoint enabled" : "endpoint disabled")
                    .addKeyValue("event", change.after().enabled() ? "endpoint_enabled" : "endpoint_disabled")
                    .addKeyValue("app_id", change.after().appId()).addKeyValue("endpoint_id", change.after().id())
                    .addKeyValue("reason", "api").log();
        }
        return change.after();
    }

    private record Change(Endpoint before, Endpoint after) {}


    /**
     * Deletes the endpoint for every purpose but its history: the row stays as a tombstone (see
     * the V16 migration) so the message views and attempt logs keep what was sent to it. It is
     * disabled and its uid freed; its deliveries still waiting end as {@code failed} (one in flight
     * finishes and records itself).
     */
    public void delete(String appIdOrUid, String endpointId) {
        db.write(Lane.REQUESTS, List.of(endpointId), c -> {
            Endpoint ep = require(c, AppStore.require(c, appIdOrUid).id(), endpointId);
            long now = clock.millis();
            Sql.update(c, "UPDATE endpoints SET deleted_at = ?, enabled = 0, uid = NULL, updated_at = ? WHERE id = ?",
                    now, Math.max(now, ep.updatedAt() + 1), ep.id());
            Sql.update(c, "DELETE FROM endpoint_heads WHERE endpoint_id = ?", ep.id());
            Sql.update(c, "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = ?"
                    + " WHERE endpoint_id = ? AND status = 'pending' AND lease_owner IS NULL", now, ep.id());
            parsed.invalidate(ep.id());
            Fanout.changed(c, ep.appId());
            return null;
        });
    }

    /**
     * Replaces the secret (with {@code newSecret}, or a generated one) and keeps the old one live
     * for {@link #ROTATION_GRACE}, beside any rotated out earlier that are still live
     * ({@link RetiredSecrets}). Returns the new secret in clear, to be shown once.
     */
    public String rotateSecret(String appIdOrUid, String endpointId, String newSecret) {
        return db.write(Lane.REQUESTS, List.of(endpointId), c -> {
            Endpoint ep = require(c, AppStore.require(c, appIdOrUid).id(), endpointId);
            String secret = newSecret("secret", newSecret, ep.policy().signature());
            long now = clock.millis();
            SigningSecrets before = secretsOf(c, ep.id());
            RetiredSecrets retired = before.retired().retire(before.current(), now, ROTATION_GRACE);
            Sql.update(c, "UPDATE endpoints SET previous_secret = ?, previous_secret_expires_at = ?, secret = ?,"
                            + " public_key = ?, updated_at = ? WHERE id = ?",
                    cipher.seal(retired.encode()), retired.lastExpiry(), cipher.seal(secret), publicKeyOf(secret),
                    Math.max(now, ep.updatedAt() + 1), ep.id());
            return secret;
        });
    }

    private SigningSecrets secretsOf(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT secret, previous_secret, previous_secret_expires_at FROM endpoints WHERE id = ?", this::secrets, id)
                .orElseThrow(() -> new Failure.NotFound("endpoint", id));
    }

    private SigningSecrets secrets(ResultSet rs) throws SQLException {
        String previous = rs.getString("previous_secret");
        return new SigningSecrets(cipher.open(rs.getString("secret")),
                RetiredSecrets.read(previous == null ? null : cipher.open(previous), rs.getLong("previous_secret_expires_at")));
    }

    /** The endpoints with these ids, each with its secrets in clear (for signing deliveries). */
    public Map<String, Signable> signable(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return db.read(c -> {
            Map<String, Signable> out = new java.util.HashMap<>();
            for (Signable s : Sql.list(c, "SELECT " + COLUMNS + ", secret, previous_secret, previous_secret_expires_at"
                    + " FROM endpoints WHERE id IN (" + Sql.placeholders(ids.size()) + ")", rs -> new Signable(row(rs), secrets(rs)), ids.toArray())) {
                out.put(s.endpoint().id(), s);
            }
            return out;
        });
    }

    public record Signable(Endpoint endpoint, SigningSecrets secrets) {}

    /** The app's enabled endpoints, for {@link Fanout} to index. */
    List<Endpoint> enabledOf(Connection c, String appId) throws SQLException {
        return Sql.list(c, "SELECT " + COLUMNS + " FROM endpoints WHERE app_id = ? AND enabled = 1 AND deleted_at IS NULL", this::row, appId);
    }

    /** The app's endpoint with this id or uid. */
    private Endpoint require(Connection c, String appId, String endpointId) throws SQLException {
        return Sql.one(c, "SELECT " + COLUMNS + " FROM endpoints WHERE app_id = ? AND (id = ? OR uid = ?) AND deleted_at IS NULL", this::rowUncached,
                        appId, endpointId, endpointId)
                .orElseThrow(() -> new Failure.NotFound("endpoint", endpointId));
    }

    /** NotFound unless the app has this endpoint. */
    static void requireExists(Connection c, String appId, String endpointId) throws SQLException {
        if (Sql.one(c, "SELECT id FROM endpoints WHERE id = ? AND app_id = ?", rs -> rs.getString(1), endpointId, appId).isEmpty()) {
            throw new Failure.NotFound("endpoint", endpointId);
        }
    }

    /** An endpoint's uid: the product's own id for it, e.g. a UUID; never one that looks like an {@code ep_} id. */
    private static String uid(Fields body) {
        String uid = body.string("uid", 200);
        if (uid != null && !uid.matches("[A-Za-z0-9_.-]+")) {
            throw new Failure.Invalid(body.name("uid"), "may contain only letters, digits, '_', '.' and '-'");
        }
        if (uid != null && uid.startsWith("ep_")) {
            throw new Failure.Invalid(body.name("uid"), "must not start with 'ep_' (reserved for ids)");
        }
        return uid;
    }

    private static void requireFreeUid(Connection c, String appId, String uid, String self) throws SQLException {
        if (uid != null && Sql.one(c, "SELECT id FROM endpoints WHERE app_id = ? AND uid = ?", rs -> rs.getString(1), appId, uid)
                .filter(id -> !id.equals(self)).isPresent()) {
            throw new Failure.Conflict("an endpoint with uid '" + uid + "' already exists in this app");
        }
    }

    private Endpoint row(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        long updatedAt = rs.getLong("updated_at");
        CachedPolicy cached = parsed.getIfPresent(id);
        EndpointPolicy policy;
        if (cached != null && cached.updatedAt() == updatedAt) {
            policy = cached.policy();
        } else {
            policy = policy(rs);
            parsed.put(id, new CachedPolicy(updatedAt, policy));
        }
        return endpoint(rs, policy);
    }

    private Endpoint rowUncached(ResultSet rs) throws SQLException {
        return endpoint(rs, policy(rs));
    }

    /**
     * The policy as stored: the fields that hold credentials sealed like secrets — custom headers
     * (where receivers' {@code Authorization} goes) and TLS (a client key) — each as
     * {@code sealed_<field>}.
     */
    private String stored(EndpointPolicy policy) {
        ObjectNode json = policy.toJson();
        for (String field : SEALED) {
            var value = json.remove(field);
            if (value != null && !value.isNull() && !value.isEmpty()) {
                json.put("sealed_" + field, cipher.seal(value.toString()));
            }
        }
        return json.toString();
    }

    private EndpointPolicy policy(ResultSet rs) throws SQLException {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(rs.getString("policy"));
            for (String field : SEALED) {
                var sealed = json.remove("sealed_" + field);
                if (sealed != null) {
                    json.set(field, JSON.readTree(cipher.open(sealed.textValue())));
                } // else a row written before the field was sealed, or without it: the field is as stored
            }
            return EndpointPolicy.fromJson(Fields.of(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("endpoint " + rs.getString("id") + " has an unreadable policy", e);
        }
    }

    private static Endpoint endpoint(ResultSet rs, EndpointPolicy policy) throws SQLException {
        Endpoint.Health health = new Endpoint.Health(rs.getInt("consecutive_failures"), Sql.nullableLong(rs, "circuit_open_until"),
                Sql.nullableLong(rs, "failing_since"), rs.getString("disabled_reason"));
        return new Endpoint(rs.getString("id"), rs.getString("app_id"), rs.getString("uid"), rs.getString("url"), rs.getInt("enabled") == 1,
                policy, rs.getString("public_key"), health, rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    /** A pull endpoint's URL column: empty, since nothing is ever sent to it. */
    private static String noUrl(Fields body) {
        if (body.has("url")) {
            throw new Failure.Invalid(body.name("url"), "a pull endpoint has no URL: its deliveries are pulled from …/deliveries");
        }
        return "";
    }

    private String url(Fields body) {
        String raw = body.requiredString("url");
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new Failure.Invalid(body.name("url"), "is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Failure.Invalid(body.name("url"), "must be an absolute http:// or https:// URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Failure.Invalid(body.name("url"), "must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Failure.Invalid(body.name("url"), "must not carry credentials; use headers instead");
        }
        if (raw.length() > 2048) {
            throw new Failure.Invalid(body.name("url"), "must be at most 2048 characters");
        }
        urlCheck.check(body.name("url"), uri);
        return raw;
    }

    /** An app with {@code https_only} takes {@code https://} URLs only, whatever the server allows. */
    private static void requireHttpsIfAsked(App app, String field, String url) {
        if (app.settings().httpsOnly() && !url.regionMatches(true, 0, "https://", 0, 8)) {
            throw new Failure.Invalid(field, "must use https:// (the app " + (app.uid() == null ? app.id() : app.uid())
                    + " is set to https_only)");
        }
    }

    /** The most JSON a filter may be: enough for any real condition, and a bound on fan-out's work per endpoint. */
    public static final int MAX_FILTER_CHARS = 8 * 1024;

    private static void limitFilter(Fields body) {
        var filter = body.raw("filter");
        if (filter != null && filter.toString().length() > MAX_FILTER_CHARS) {
            throw new Failure.Invalid(body.name("filter"), "must be at most " + MAX_FILTER_CHARS
                    + " characters of JSON; match on fewer values, or tag messages with channels instead");
        }
    }

    /** The secret to store: the caller's (validated) or a generated one of the kind the signature needs. */
    private static String newSecret(String field, String supplied, SignatureConfig signature) {
        if (supplied == null) {
            return signature.ed25519() ? WebhookSecret.generateEd25519().secretKey() : WebhookSecret.generate();
        }
        if (signature.ed25519() != supplied.startsWith("whsk_")) {
            throw new Failure.Invalid(field, signature.ed25519()
                    ? "an ed25519 endpoint needs a 'whsk_' secret key (or none, to have one generated)"
                    : "a 'whsk_' key signs with ed25519: set signature.algorithm to 'ed25519'");
        }
        SecretRules.check(field, supplied, signature.scheme(), 16);
        return supplied;
    }

    private static String publicKeyOf(String secret) {
        return secret.startsWith("whsk_") ? WebhookSecret.publicKeyOf(secret) : null;
    }

}
