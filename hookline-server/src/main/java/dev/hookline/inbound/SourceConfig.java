package dev.hookline.inbound;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.signature.SignatureScheme;
import java.util.List;
import java.util.Set;

/**
 * How a source checks, limits and routes what third parties post to it. Like an endpoint's policy
 * it has one JSON form, for the API and for the row's {@code config} column.
 *
 * @param verification null when no signature is required
 * @param dedupe null when every post is a new event
 * @param forward null when events are held for pulling
 * @param answer the body an accepted post is answered with
 */
public record SourceConfig(
        String name,
        String description,
        Verification verification,
        boolean apiKeyRequired,
        String apiKeyHeader,
        int rateLimitRequests,
        int rateLimitPeriodSeconds,
        int maxBodyBytes,
        DedupeKey dedupe,
        Forward forward,
        AnswerTemplate answer) {

    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    public static final int MAX_MAX_BODY = 10 * 1024 * 1024;
    /** Seed 000 accepts a {@code sha256=} signature in any of these. */
    static final List<String> PREFIXED_HEADERS = List.of("X-Signature-256", "X-Hub-Signature-256", "X-Signature", "X-Hub-Signature");

    static final Set<String> FIELDS = Set.of("name", "description", "verification", "api_key_required", "api_key_header",
            "rate_limit", "max_body_bytes", "dedupe", "forward", "success_response");

    /** A signature scheme, the headers it may arrive in (any one will do), and the timestamp window. */
    public record Verification(SignatureScheme scheme, List<String> headers, int toleranceSeconds) {}

    /** Where a post's de-duplication key comes from: a header, or a dotted path into a JSON body. */
    public record DedupeKey(String header, String path) {}

    /**
     * The app that receives each event as a message, and where its event name comes from. When the
     * header or path gives no usable name, the event is forwarded as {@code eventName} with a note
     * saying why, or, with {@code rejectUnnamed}, refused with 400.
     */
    public record Forward(String appId, String eventHeader, String eventPath, String eventName, boolean rejectUnnamed) {
        public static final String DEFAULT_EVENT = "inbound.received";
    }

    /** Reads and validates a config; {@code appResolver} turns the forward's app (id or uid) into an id. */
    public static SourceConfig fromJson(Fields f, java.util.function.UnaryOperator<String> appResolver) {
        String name = f.string("name", 200);
        if (name == null || name.isBlank()) {
            throw new Failure.Invalid(f.name("name"), "is required");
        }
        Fields rate = f.object("rate_limit");
        if (rate != null) {
            rate.allowOnly(Set.of("requests", "period_seconds"));
        }
        return new SourceConfig(
                name,
                f.string("description", 2000),
                verification(f.object("verification")),
                Boolean.TRUE.equals(f.bool("api_key_required")),
                header(f, "api_key_header", "X-API-KEY"),
                rate == null ? 30 : Math.toIntExact(orDefault(rate.integer("requests", 1, 1_000_000), 30L)),
                rate == null ? 60 : Math.toIntExact(orDefault(rate.integer("period_seconds", 1, 86_400), 60L)),
                Math.toIntExact(orDefault(f.integer("max_body_bytes", 1, MAX_MAX_BODY), (long) DEFAULT_MAX_BODY)),
                dedupe(f.object("dedupe")),
                forward(f.object("forward"), appResolver),
                f.raw("success_response") == null ? AnswerTemplate.DEFAULT
                        : AnswerTemplate.parse(f.name("success_response"), f.raw("success_response")));
    }

    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", name);
        out.put("description", description);
        if (verification == null) {
            out.putObject("verification").put("scheme", "none");
        } else {
            ObjectNode v = out.putObject("verification");
            v.put("scheme", verification.scheme().wireName());
            var headers = v.putArray("headers");
            verification.headers().forEach(headers::add);
            v.put("tolerance_seconds", verification.toleranceSeconds());
        }
        out.put("api_key_required", apiKeyRequired);
        out.put("api_key_header", apiKeyHeader);
        ObjectNode rate = out.putObject("rate_limit");
        rate.put("requests", rateLimitRequests);
        rate.put("period_seconds", rateLimitPeriodSeconds);
        out.put("max_body_bytes", maxBodyBytes);
        if (dedupe == null) {
            out.putNull("dedupe");
        } else {
            ObjectNode d = out.putObject("dedupe");
            if (dedupe.header() != null) {
                d.put("header", dedupe.header());
            } else {
                d.put("path", dedupe.path());
            }
        }
        if (forward == null) {
            out.putNull("forward");
        } else {
            ObjectNode fw = out.putObject("forward");
            fw.put("app", forward.appId());
            ObjectNode event = fw.putObject("event");
            if (forward.eventHeader() != null) {
                event.put("header", forward.eventHeader());
            }
            if (forward.eventPath() != null) {
                event.put("path", forward.eventPath());
            }
            event.put("name", forward.eventName());
            event.put("on_invalid", forward.rejectUnnamed() ? "reject" : "fallback");
        }
        out.set("success_response", answer.template().deepCopy());
        return out;
    }

    private static Verification verification(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(Set.of("scheme", "headers", "tolerance_seconds"));
        String name = f.requiredString("scheme");
        if (name.equals("none")) {
            return null;
        }
        SignatureScheme scheme;
        try {
            scheme = SignatureScheme.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw new Failure.Invalid(f.name("scheme"), e.getMessage() + ", or none");
        }
        List<String> headers = f.strings("headers", 10);
        if (headers == null) {
            headers = switch (scheme) {
                case PREFIXED -> PREFIXED_HEADERS;
                case HEX -> List.of("X-Signature");
                case TIMESTAMPED -> List.of("X-Webhook-Signature");
                case STANDARD -> List.of("webhook-signature");
            };
        }
        if (headers.isEmpty()) {
            throw new Failure.Invalid(f.name("headers"), "must name at least one header");
        }
        for (int i = 0; i < headers.size(); i++) {
            if (!Fields.isHeaderName(headers.get(i))) {
                throw new Failure.Invalid(f.name("headers") + "[" + i + "]", "is not a valid HTTP header name");
            }
        }
        int tolerance = Math.toIntExact(orDefault(f.integer("tolerance_seconds", 1, 86_400), 300L));
        return new Verification(scheme, headers, tolerance);
    }

    private static DedupeKey dedupe(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(Set.of("header", "path"));
        String header = header(f, "header", null);
        String path = f.string("path", 200);
        if ((header == null) == (path == null)) {
            throw new Failure.Invalid(f.name("header"), "give exactly one of 'header' (e.g. webhook-id) or 'path' (e.g. data.id)");
        }
        return new DedupeKey(header, path);
    }

    private static Forward forward(Fields f, java.util.function.UnaryOperator<String> appResolver) {
        if (f == null) {
            return null;
        }
        f.allowOnly(Set.of("app", "event"));
        String appId = appResolver.apply(f.requiredString("app"));
        Fields event = f.object("event");
        String header = null;
        String path = null;
        String name = Forward.DEFAULT_EVENT;
        boolean reject = false;
        if (event != null) {
            event.allowOnly(Set.of("header", "path", "name", "on_invalid"));
            header = header(event, "header", null);
            path = event.string("path", 200);
            if (header != null && path != null) {
                throw new Failure.Invalid(event.name("header"), "give 'header' or 'path', not both");
            }
            if (event.string("name") != null) {
                name = event.string("name");
                EventTypeStore.validateName(event.name("name"), name);
            }
            String onInvalid = event.string("on_invalid");
            if (onInvalid != null && !onInvalid.equals("fallback") && !onInvalid.equals("reject")) {
                throw new Failure.Invalid(event.name("on_invalid"), "must be 'fallback' (forward as 'name', with a note) or 'reject' (answer 400)");
            }
            reject = "reject".equals(onInvalid);
            if (reject && header == null && path == null) {
                throw new Failure.Invalid(event.name("on_invalid"), "'reject' needs a 'header' or 'path' to take the name from");
            }
        }
        return new Forward(appId, header, path, name, reject);
    }

    private static String header(Fields f, String field, String fallback) {
        String name = f.headerName(field);
        return name == null ? fallback : name;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
