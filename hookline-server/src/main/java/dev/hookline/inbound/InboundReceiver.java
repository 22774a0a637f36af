package dev.hookline.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Failure;
import dev.hookline.core.Hashes;
import dev.hookline.core.Ids;
import dev.hookline.core.JsonLimits;
import dev.hookline.core.JsonPaths;
import dev.hookline.core.SlidingWindowLimiter;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.NewMessage;
import dev.hookline.signature.HexSignature;
import dev.hookline.signature.PrefixedSignature;
import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.TimestampedSignature;
import dev.hookline.signature.WebhookVerificationException;
import dev.hookline.store.Database;
import dev.hookline.store.GroupCommitWriter.Lane;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The receive path, {@code POST /webhooks/{token}}: limit, authenticate, check the body, de-duplicate,
 * then store the post (and the message it is forwarded as) in one transaction before answering.
 *
 * <p>Order matters: the rate limit comes first, before the body is even read (it is the cheapest
 * defence), authentication before
 * the body is looked at (an unauthenticated caller learns nothing about parsing), and nothing is
 * written for a post that is refused, so rejections never appear as accepted events.
 */
public final class InboundReceiver {
    /**
     * Headers whose values are secrets: kept out of the stored log entirely, as is the source's API
     * key header. Signature headers are kept: a puller verifies the sender's signature from the log.
     */
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key");
    private static final String MASK = "[redacted]";
    private static final ObjectMapper JSON = JsonLimits.input();
    /** Stored bodies were accepted under whatever limits held then. */
    private static final ObjectMapper STORED = JsonLimits.stored();

    /** What became of a post. */
    public sealed interface Outcome {
        /** Stored (or recognised as a duplicate of {@code event}). */
        record Accepted(InboundEvent event, boolean duplicate) implements Outcome {}

        record Rejected(Reason reason, String message, long retryAfterMillis) implements Outcome {}
    }

    public enum Reason { RATE_LIMITED, UNAUTHORIZED, MALFORMED_BODY, UNNAMED_EVENT }

    /** The name an event is forwarded under, and why it is not the one the request gave (null when it is). */
    record EventName(String name, String note) {}

    private final Database db;
    private final Clock clock;
    private final SourceStore sources;
    private final InboundEventStore events;
    private final MessageStore messages;
    private final SlidingWindowLimiter limiter = new SlidingWindowLimiter();

    public InboundReceiver(Database db, Clock clock, SourceStore sources, InboundEventStore events, MessageStore messages) {
        this.db = db;
        this.clock = clock;
        this.sources = sources;
        this.events = events;
        this.messages = messages;
    }

    /** The enabled source behind {@code token}, or NotFound (unknown and disabled look the same). */
    public SourceStore.Found source(String token) {
        return sources.byToken(token).orElseThrow(() -> new Failure.NotFound("webhook", "…"));
    }

    /** Sources with a rate-limit window in memory now: one per source that was posted to, never one per token tried. */
    public long rateLimitedSources() {
        return limiter.keys();
    }

    /**
     * The rate limit, checked before the body is read: a flood over the limit costs a counter, not
     * up to {@code max_body_bytes} read per post. Empty when the post may go on to {@link #receive}.
     */
    public Optional<Outcome.Rejected> admit(Source source) {
        SourceConfig config = source.config();
        if (limiter.acquire(source.id(), config.rateLimitRequests(), config.rateLimitPeriodSeconds() * 1000L, clock.millis())
                instanceof SlidingWindowLimiter.Decision.Refused refused) {
            return Optional.of(new Outcome.Rejected(Reason.RATE_LIMITED, "more than " + config.rateLimitRequests() + " requests in "
                    + config.rateLimitPeriodSeconds() + " s", refused.retryAfterMillis()));
        }
        return Optional.empty();
    }

    /**
     * Accepts or rejects one post that {@link #admit} let through. {@code headers} are as received; the body has already been cut
     * at the source's size limit by the caller.
     */
    public Outcome receive(SourceStore.Found found, Map<String, List<String>> rawHeaders, byte[] body) {
        Source source = found.source();
        SourceConfig config = source.config();
        long now = clock.millis();
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(rawHeaders);
        SourceStore.Credentials credentials = found.credentials();
        Optional<String> denied = authenticate(config, credentials, headers, body);
        if (denied.isPresent()) {
            return new Outcome.Rejected(Reason.UNAUTHORIZED, denied.get(), 0);
        }
        String contentType = first(headers, "Content-Type");
        JsonNode json = null;
        if (JsonPaths.isJsonMediaType(contentType)) {
            try {
                json = JSON.readTree(body);
                if (json == null || json.isMissingNode()) {
                    return new Outcome.Rejected(Reason.MALFORMED_BODY, "the body is empty but Content-Type says JSON", 0);
                }
            } catch (java.io.IOException e) {
                return new Outcome.Rejected(Reason.MALFORMED_BODY, "the body is not the JSON its Content-Type says: "
                        + JsonLimits.describe(e), 0);
            }
        }
        EventName name = config.forward() == null ? null : eventName(config.forward(), headers, json);
        if (name != null && name.note() != null && config.forward().rejectUnnamed()) {
            return new Outcome.Rejected(Reason.UNNAMED_EVENT, name.note(), 0);
        }
        String dedupeKey = config.dedupe() != null ? dedupeKey(config.dedupe(), headers, json) : replayKey(config.verification(), headers);
        InboundEvent event = new InboundEvent(Ids.next("evt"), source.id(), dedupeKey, contentType, masked(headers, config),
                body, config.verification() == null && !config.apiKeyRequired() ? "not_required" : "verified", null, null, now);
        // routed before the write, as an API post is: the write names the endpoints it will lock
        MessageStore.Routed routed = config.forward() == null ? null : messages.route(config.forward().appId(),
                new NewMessage(name.name(), forwardedData(event, json), event.id(), null));
        Outcome outcome = db.write(Lane.REQUESTS, routed == null ? List.of() : routed.endpointIds(), c -> {
            if (!events.insert(c, event)) {
                return new Outcome.Accepted(events.byDedupeKey(c, source.id(), dedupeKey).orElseThrow(), true);
            }
            return new Outcome.Accepted(forward(c, config.forward(), event, routed, name), false);
        });
        if (outcome instanceof Outcome.Accepted a && !a.duplicate()) {
            events.signal();
            if (a.event().messageId() != null) {
                messages.wake();
            }
        }
        return outcome;
    }

    /** Forwards a stored event again, as a new message (the replay button). */
    public InboundEvent replay(Source source, String eventId) {
        if (source.config().forward() == null) {
            throw new Failure.Conflict("source " + source.id() + " does not forward events; pull them from its event list instead");
        }
        InboundEvent stored = events.get(source.id(), eventId);
        JsonNode json = null;
        if (JsonPaths.isJsonMediaType(stored.contentType())) {
            try {
                json = STORED.readTree(stored.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a stored JSON body is unreadable", e);
            }
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(stored.headers());
        // named by today's configuration: a replay after fixing the source's event path gets the right name
        EventName name = eventName(source.config().forward(), headers, json);
        // a replay is deliberately a new message: no idempotency key
        MessageStore.Routed routed = messages.route(source.config().forward().appId(),
                new NewMessage(name.name(), forwardedData(stored, json), null, null));
        InboundEvent replayed = db.write(Lane.REQUESTS, routed.endpointIds(),
                c -> forward(c, source.config().forward(), stored.forwardedAs(null, null), routed, name));
        messages.wake();
        return replayed;
    }

    /** Stores the message {@code routed} made of {@code event}, linked to the event; nothing when the source does not forward. */
    private InboundEvent forward(java.sql.Connection c, SourceConfig.Forward forward, InboundEvent event, MessageStore.Routed routed,
                                 EventName name) throws java.sql.SQLException {
        if (forward == null) {
            return event;
        }
        if (!AppStore.exists(c, forward.appId())) {
            return event; // the app was deleted after the source was set up: keep the event, held for pulling
        }
        var ingested = messages.ingestIn(c, routed);
        events.linkMessage(c, event.id(), ingested.message().id(), name.note());
        return event.forwardedAs(ingested.message().id(), name.note());
    }

    /**
     * The name from the configured header or JSON path; when it is missing or not a usable event
     * name, the source's fallback name, with a note saying why (kept on the event, or the reason
     * for a 400 when the source rejects such posts).
     */
    static EventName eventName(SourceConfig.Forward forward, Map<String, List<String>> headers, JsonNode json) {
        String where;
        String candidate;
        if (forward.eventHeader() != null) {
            where = "the " + forward.eventHeader() + " header";
            candidate = first(headers, forward.eventHeader());
        } else if (forward.eventPath() != null) {
            where = "the body's " + forward.eventPath();
            JsonNode v = json == null ? null : JsonPaths.at(json, forward.eventPath());
            candidate = v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
        } else {
            return new EventName(forward.eventName(), null); // no name is taken from the request: the configured one is the name
        }
        String problem;
        if (candidate == null) {
            problem = "there is no event name in " + where;
        } else if (candidate.equals(NewMessage.TEST_EVENT)) {
            problem = "the event name in " + where + " is '" + NewMessage.TEST_EVENT + "', which is reserved";
        } else {
            try {
                EventTypeStore.validateName("event", candidate);
                return new EventName(candidate, null);
            } catch (Failure.Invalid e) {
                String shown = candidate.length() > 100 ? candidate.substring(0, 100) + "…" : candidate;
                problem = "the event name in " + where + ", '" + shown + "', is not a valid name (use letters, digits, '_', ':'"
                        + " or '-' in dot-separated parts)";
            }
        }
        return new EventName(forward.eventName(), problem + (forward.rejectUnnamed() ? "" : "; forwarded as " + forward.eventName()));
    }

    /** The data of the message an event is forwarded as. */
    private static byte[] forwardedData(InboundEvent event, JsonNode json) {
        return json == null || !json.isObject() ? wrap(event)
                : JsonLimits.isPlainUtf8(event.body()) ? event.body()
                : reencoded(json); // UTF-16 or UTF-32 (or a BOM): re-encoded, so every delivery is UTF-8
    }

    private static byte[] reencoded(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a parsed body could not be written back", e);
        }
    }

    /** A body that is not a JSON object travels as {@code {"content_type", "body"}}, the body as text. */
    private static byte[] wrap(InboundEvent event) {
        var node = JSON.createObjectNode();
        node.put("content_type", event.contentType());
        node.put("body", new String(event.body(), StandardCharsets.UTF_8));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Optional<String> authenticate(SourceConfig config, SourceStore.Credentials credentials,
                                                 Map<String, List<String>> headers, byte[] body) {
        if (config.apiKeyRequired()) {
            String key = first(headers, config.apiKeyHeader());
            if (key == null) {
                return Optional.of("the " + config.apiKeyHeader() + " header is missing");
            }
            if (credentials.apiKeyHash() == null || !MessageDigest.isEqual(Hashes.sha256(key), credentials.apiKeyHash())) {
                return Optional.of("the " + config.apiKeyHeader() + " header is not the right key");
            }
        }
        SourceConfig.Verification v = config.verification();
        if (v == null) {
            return Optional.empty();
        }
        String signature = null;
        for (String header : v.headers()) {
            signature = first(headers, header);
            if (signature != null) {
                break;
            }
        }
        if (signature == null) {
            return Optional.of("a signature is required in " + String.join(" or ", v.headers()));
        }
        WebhookVerificationException last = null;
        for (String secret : credentials.secrets()) {
            try {
                verify(v, secret, headers, signature, body);
                return Optional.empty();
            } catch (WebhookVerificationException e) {
                last = e;
            } catch (IllegalArgumentException unusableSecret) {
                // a stored secret the scheme cannot use (checked at write time, so not expected): no match
            }
        }
        return Optional.of(last == null ? "the signature does not match" : last.getMessage());
    }

    private static void verify(SourceConfig.Verification v, String secret, Map<String, List<String>> headers, String signature,
                               byte[] body) throws WebhookVerificationException {
        Duration tolerance = Duration.ofSeconds(v.toleranceSeconds());
        switch (v.scheme()) {
            case PREFIXED -> new PrefixedSignature(secret).verify(signature, body);
            case HEX -> new HexSignature(secret).verify(signature, body);
            case TIMESTAMPED -> new TimestampedSignature(secret).withTolerance(tolerance).verify(signature, body);
            case STANDARD -> new StandardWebhook(secret).withTolerance(tolerance)
                    .verify(first(headers, "webhook-id"), first(headers, "webhook-timestamp"), signature, body);
        }
    }

    /**
     * Without a configured dedupe key, a timestamped signature still makes an exact replay (within
     * the tolerance, when the signature verifies again) recognisable: {@code standard} by its
     * {@code webhook-id}, {@code timestamped} by the signature itself, which covers the timestamp and
     * the body. A replay is answered like a duplicate: with the first event, storing nothing new.
     */
    static String replayKey(SourceConfig.Verification v, Map<String, List<String>> headers) {
        if (v == null) {
            return null;
        }
        return switch (v.scheme()) {
            case STANDARD -> {
                String id = first(headers, "webhook-id");
                yield id == null ? null : "webhook-id:" + id;
            }
            case TIMESTAMPED -> {
                String signature = null;
                for (String header : v.headers()) {
                    signature = signature == null ? first(headers, header) : signature;
                }
                yield signature == null ? null : "signature:" + java.util.HexFormat.of().formatHex(Hashes.sha256(signature));
            }
            case PREFIXED, HEX -> null; // no timestamp: every post is a new event unless a dedupe key says otherwise
        };
    }

    static String dedupeKey(SourceConfig.DedupeKey dedupe, Map<String, List<String>> headers, JsonNode json) {
        if (dedupe == null) {
            return null;
        }
        if (dedupe.header() != null) {
            return first(headers, dedupe.header());
        }
        JsonNode v = json == null ? null : JsonPaths.at(json, dedupe.path());
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }


    static Map<String, List<String>> masked(Map<String, List<String>> headers, SourceConfig config) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean secret = SECRET_HEADERS.contains(lower) || lower.equals(config.apiKeyHeader().toLowerCase(Locale.ROOT));
            out.put(name, secret ? List.of(MASK) : values);
        });
        return out;
    }


    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Forgets a deleted source's rate-limit window. */
    public void forget(String sourceId) {
        limiter.forget(sourceId);
    }
}
