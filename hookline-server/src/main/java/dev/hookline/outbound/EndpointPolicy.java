package dev.hookline.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.signature.SignatureScheme;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything about an endpoint except its identity, URL, state and secrets: what it subscribes to
 * and how its deliveries are made.
 *
 * <p>The policy has one JSON form, used both by the API and for the row's {@code policy} column, so
 * an endpoint reads back exactly as it was written and a new field needs one change here.
 */
public record EndpointPolicy(
        String name,
        String description,
        List<String> events,
        List<String> channels,
        JsonNode filterJson,
        ContentFilter filter,
        SignatureConfig signature,
        String headerPrefix,
        MetadataHeaders metadataHeaders,
        Map<String, String> headers,
        int timeoutMs,
        RetryPolicy retry,
        PayloadFormat payloadFormat,
        List<String> envelope,
        Integer maxConcurrency,
        Integer rateLimit,
        boolean fifo,
        TrustedCa tlsCa,
        EndpointTls tls,
        Map<String, String> metadata,
        Delivery delivery) {

    /**
     * How the endpoint gets its deliveries. {@code PUSH}: Hookline posts each to the URL. {@code PULL}:
     * it has no URL; Hookline never sends it anything, and its deliveries wait to be pulled from
     * {@code GET …/endpoints/{ep}/deliveries} (a developer's laptop behind NAT, {@code hookline listen}).
     */
    public enum Delivery {
        PUSH, PULL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Optional headers carrying the event name, the delivery time (unix seconds), the attempt
     * number (1, 2, 3…) and the message id. Each is null when not sent.
     */
    public record MetadataHeaders(String event, String timestamp, String attempt, String id) {}

    /** The keys an envelope may have, in the order the producer's format wants them. */
    public static final Set<String> ENVELOPE_KEYS = Set.of("id", "event", "type", "created_at", "timestamp", "data");
    public static final List<String> DEFAULT_ENVELOPE = List.of("id", "event", "created_at", "data");

    public static final int DEFAULT_TIMEOUT_MS = 30_000;
    public static final int MAX_TIMEOUT_MS = 120_000;

    static final Set<String> FIELDS = Set.of("name", "description", "events", "channels", "filter", "signature",
            "header_prefix", "event_header", "timestamp_header", "attempt_header", "id_header", "headers",
            "timeout_ms", "retry", "payload_format", "envelope", "max_concurrency", "rate_limit", "fifo", "tls_ca", "tls", "metadata", "delivery");

    /**
     * Header names no endpoint setting may name, whichever setting it is: framing and hop-by-hop
     * headers (a second {@code Transfer-Encoding} or {@code Content-Length} desynchronises the
     * receiver's parser), {@code Host} (it would reach another virtual host on an allowed address),
     * and the body's own {@code Content-Type} and {@code Content-Encoding}.
     */
    static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
            "upgrade", "expect", "content-type", "content-encoding");
    /** The Standard Webhooks headers every delivery carries: only the signature setting may name its own. */
    private static final Set<String> STANDARD_HEADERS = Set.of("webhook-id", "webhook-timestamp", "webhook-signature");

    /** Reads and validates a policy from its JSON form; absent fields take their defaults. */
    public static EndpointPolicy fromJson(Fields f) {
        List<String> events = f.strings("events", 500);
        if (events != null) {
            for (int i = 0; i < events.size(); i++) {
                EventMatcher.validatePattern(f.name("events") + "[" + i + "]", events.get(i));
            }
        }
        JsonNode filterJson = f.raw("filter");
        String prefix = f.headerName("header_prefix");
        if (prefix != null) {
            for (String suffix : List.of("Event", "Delivery", "Attempt", "Signature")) {
                requireUnreserved(f.name("header_prefix"), prefix + suffix, STANDARD_HEADERS);
            }
        }
        return new EndpointPolicy(
                f.string("name", 200),
                f.string("description", 2000),
                events,
                f.strings("channels", 100),
                filterJson,
                filterJson == null ? null : ContentFilter.compile(f.name("filter"), filterJson),
                signature(f.object("signature")),
                prefix,
                new MetadataHeaders(outgoingHeader(f, "event_header"), outgoingHeader(f, "timestamp_header"),
                        outgoingHeader(f, "attempt_header"), outgoingHeader(f, "id_header")),
                headers(f),
                Math.toIntExact(orDefault(f.integer("timeout_ms", 100, MAX_TIMEOUT_MS), (long) DEFAULT_TIMEOUT_MS)),
                retry(f.object("retry")),
                payloadFormat(f),
                envelope(f),
                intOrNull(f.integer("max_concurrency", 1, 1_000)),
                intOrNull(f.integer("rate_limit", 1, 10_000)),
                Boolean.TRUE.equals(f.bool("fifo")),
                trustedCa(f),
                EndpointTls.fromJson(f.object("tls")),
                metadata(f),
                delivery(f));
    }

    private static Delivery delivery(Fields f) {
        String value = f.string("delivery");
        if (value == null || value.equals("push")) {
            return Delivery.PUSH;
        }
        if (!value.equals("pull")) {
            throw new Failure.Invalid(f.name("delivery"), "must be 'push' or 'pull'");
        }
        if (Boolean.TRUE.equals(f.bool("fifo"))) {
            throw new Failure.Invalid(f.name("fifo"), "does not apply to a pull endpoint: its deliveries are read in order anyway");
        }
        return Delivery.PULL;
    }

    public boolean pull() {
        return delivery == Delivery.PULL;
    }

    /** The header the signature goes in: as configured, else {@code <prefix>Signature}, else the scheme's default. */
    public String signatureHeader() {
        if (signature.header() != null) {
            return signature.header();
        }
        return headerPrefix != null ? headerPrefix + "Signature" : signature.defaultHeader();
    }

    /**
     * The metadata headers deliveries carry: each as configured, else derived from
     * {@code header_prefix} ({@code <prefix>Event}, {@code <prefix>Delivery}, {@code <prefix>Attempt}).
     */
    public MetadataHeaders effectiveHeaders() {
        return new MetadataHeaders(orPrefixed(metadataHeaders.event(), headerPrefix, "Event"),
                orPrefixed(metadataHeaders.timestamp(), headerPrefix, "Delivery"),
                orPrefixed(metadataHeaders.attempt(), headerPrefix, "Attempt"),
                metadataHeaders.id());
    }

    /** Whether a message (seen as {@code {"event","channels","data"}}) passes this endpoint's filter. */
    public boolean passes(java.util.function.Supplier<JsonNode> message) {
        return filter == null || filter.matches(message.get());
    }

    public ObjectNode toJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        out.put("name", name);
        out.put("description", description);
        putList(out, "events", events);
        putList(out, "channels", channels);
        out.set("filter", filterJson);
        ObjectNode sig = out.putObject("signature");
        sig.put("scheme", signature.scheme().wireName());
        sig.put("header", signature.header());
        if (signature.ed25519()) {
            sig.put("algorithm", "ed25519");
        }
        out.put("header_prefix", headerPrefix);
        out.put("event_header", metadataHeaders.event());
        out.put("timestamp_header", metadataHeaders.timestamp());
        out.put("attempt_header", metadataHeaders.attempt());
        out.put("id_header", metadataHeaders.id());
        ObjectNode h = out.putObject("headers");
        headers.forEach(h::put);
        out.put("timeout_ms", timeoutMs);
        ObjectNode r = out.putObject("retry");
        switch (retry) {
            case RetryPolicy.Schedule s -> {
                var arr = r.putArray("schedule");
                s.delaysSeconds().forEach(arr::add);
            }
            case RetryPolicy.Exponential e -> {
                ObjectNode x = r.putObject("exponential");
                x.put("initial", e.initialSeconds());
                x.put("factor", e.factor());
                x.put("max_delay", e.maxDelaySeconds());
                x.put("max_attempts", e.maxAttempts());
            }
        }
        out.put("payload_format", payloadFormat.wireName());
        putList(out, "envelope", envelope);
        out.put("max_concurrency", maxConcurrency);
        out.put("rate_limit", rateLimit);
        out.put("fifo", fifo);
        out.put("tls_ca", tlsCa == null ? null : tlsCa.pem());
        if (tls == null) {
            out.putNull("tls");
        } else {
            ObjectNode t = out.putObject("tls");
            t.put("client_cert", tls.clientCert());
            t.put("client_key", tls.clientKey());
        }
        ObjectNode m = out.putObject("metadata");
        metadata.forEach(m::put);
        out.put("delivery", delivery.wireName());
        return out;
    }

    private static void putList(ObjectNode out, String field, List<String> values) {
        if (values == null) {
            out.putNull(field);
        } else {
            var arr = out.putArray(field);
            values.forEach(arr::add);
        }
    }

    private static SignatureConfig signature(Fields f) {
        if (f == null) {
            return SignatureConfig.DEFAULT;
        }
        f.allowOnly(Set.of("scheme", "header", "algorithm"));
        SignatureScheme scheme = SignatureScheme.STANDARD;
        String name = f.string("scheme");
        if (name != null) {
            try {
                scheme = SignatureScheme.fromWireName(name);
            } catch (IllegalArgumentException e) {
                throw new Failure.Invalid(f.name("scheme"), e.getMessage());
            }
        }
        String header = f.headerName("header");
        if (header != null) {
            requireUnreserved(f.name("header"), header, Set.of());
        }
        String algorithm = f.string("algorithm");
        boolean ed25519 = "ed25519".equals(algorithm);
        if (algorithm != null && !ed25519 && !"hmac-sha256".equals(algorithm)) {
            throw new Failure.Invalid(f.name("algorithm"), "must be 'hmac-sha256' or 'ed25519'");
        }
        if (ed25519 && scheme != SignatureScheme.STANDARD) {
            throw new Failure.Invalid(f.name("algorithm"), "ed25519 is offered with the 'standard' scheme only");
        }
        return new SignatureConfig(scheme, header, ed25519);
    }


    private static String orPrefixed(String explicit, String prefix, String suffix) {
        return explicit != null ? explicit : prefix == null ? null : prefix + suffix;
    }

    private static List<String> envelope(Fields f) {
        List<String> keys = f.strings("envelope", ENVELOPE_KEYS.size());
        if (keys == null) {
            return DEFAULT_ENVELOPE;
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!ENVELOPE_KEYS.contains(keys.get(i))) {
                throw new Failure.Invalid(f.name("envelope") + "[" + i + "]", "must be one of " + String.join(", ", new java.util.TreeSet<>(ENVELOPE_KEYS)));
            }
        }
        if (new java.util.HashSet<>(keys).size() != keys.size() || !keys.contains("data")) {
            throw new Failure.Invalid(f.name("envelope"), "must list each key once, 'data' among them");
        }
        return keys;
    }

    private static Map<String, String> headers(Fields f) {
        Map<String, String> headers = f.stringMap("headers", 50);
        if (headers == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String field = f.name("headers") + "." + e.getKey();
            if (!Fields.isHeaderName(e.getKey())) {
                throw new Failure.Invalid(field, "is not a valid HTTP header name");
            }
            requireUnreserved(field, e.getKey(), STANDARD_HEADERS);
            // HTTP clients write a header value one byte per char and put '?' for what they cannot: a
            // receiver would get another value than the one configured, so only ASCII is taken.
            if (!e.getValue().chars().allMatch(c -> c < 0x7F)) {
                throw new Failure.Invalid(field, "must be ASCII (header values carry no other characters reliably);"
                        + " percent-encode or base64 anything else");
            }
            if (!isHeaderValue(e.getValue())) {
                throw new Failure.Invalid(field, "must be printable text: no line breaks, NUL or other control characters");
            }
        }
        return Map.copyOf(headers);
    }

    /**
     * The producer's own key–value notes on the endpoint (Svix's {@code metadata}): stored and returned,
     * never sent and never interpreted. Bounded like anything a page displays.
     */
    private static Map<String, String> metadata(Fields f) {
        Map<String, String> metadata = f.stringMap("metadata", 50);
        if (metadata == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 100) {
                throw new Failure.Invalid(f.name("metadata"), "keys must be 1 to 100 characters");
            }
            if (e.getValue().length() > 1000) {
                throw new Failure.Invalid(f.name("metadata") + "." + e.getKey(), "must be at most 1000 characters");
            }
        }
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /** A metadata header's name: a valid header name that none of the reserved lists holds. */
    private static String outgoingHeader(Fields f, String field) {
        String name = f.headerName(field);
        if (name != null) {
            requireUnreserved(f.name(field), name, STANDARD_HEADERS);
        }
        return name;
    }

    private static void requireUnreserved(String field, String name, Set<String> alsoReserved) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (RESERVED_HEADERS.contains(lower) || alsoReserved.contains(lower)) {
            throw new Failure.Invalid(field, "'" + name + "' is a header Hookline sets itself (or HTTP reserves) and cannot be configured");
        }
    }

    /** RFC 9110 field-value characters: visible ASCII, space, tab and obs-text; nothing that can end a line. */
    static boolean isHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static RetryPolicy retry(Fields f) {
        if (f == null) {
            return RetryPolicy.DEFAULT;
        }
        f.allowOnly(Set.of("schedule", "exponential"));
        List<Long> schedule = f.integers("schedule", 0, 7 * 24 * 3600, 50);
        Fields exp = f.object("exponential");
        if ((schedule == null) == (exp == null)) {
            throw new Failure.Invalid(f.name("schedule"), "give exactly one of 'schedule' (delays in seconds) or 'exponential'");
        }
        if (schedule != null) {
            return new RetryPolicy.Schedule(schedule);
        }
        exp.allowOnly(Set.of("initial", "factor", "max_delay", "max_attempts"));
        long initial = orDefault(exp.integer("initial", 0, 86_400), 30L);
        double factor = exp.number("factor", 1.0, 10.0) == null ? 2.0 : exp.number("factor", 1.0, 10.0);
        long maxDelay = orDefault(exp.integer("max_delay", 1, 7 * 86_400), 6 * 3600L);
        long maxAttempts = orDefault(exp.integer("max_attempts", 1, 100), 12L);
        return new RetryPolicy.Exponential(initial, factor, maxDelay, (int) maxAttempts);
    }

    private static PayloadFormat payloadFormat(Fields f) {
        String v = f.string("payload_format");
        if (v == null) {
            return PayloadFormat.ENVELOPE;
        }
        return switch (v) {
            case "envelope" -> PayloadFormat.ENVELOPE;
            case "merged" -> PayloadFormat.MERGED;
            case "raw" -> PayloadFormat.RAW;
            default -> throw new Failure.Invalid(f.name("payload_format"), "must be 'envelope', 'merged' or 'raw'");
        };
    }

    private static TrustedCa trustedCa(Fields f) {
        String pem = f.string("tls_ca", TrustedCa.MAX_CHARS);
        return pem == null ? null : TrustedCa.parse(f.name("tls_ca"), pem);
    }

    private static Integer intOrNull(Long value) {
        return value == null ? null : Math.toIntExact(value);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

}
