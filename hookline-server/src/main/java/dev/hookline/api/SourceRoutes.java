package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.JsonPaths;
import dev.hookline.core.PageRequest;
import dev.hookline.inbound.InboundEvent;
import dev.hookline.inbound.InboundEventStore;
import dev.hookline.inbound.InboundReceiver;
import dev.hookline.inbound.Source;
import dev.hookline.inbound.SourceStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/** {@code /v1/sources}: inbound sources (root keys only), their event log, long-poll pulls and replays. */
final class SourceRoutes {

    private final SourceStore sources;
    private final InboundEventStore events;
    private final InboundReceiver receiver;
    private final String publicUrl;

    SourceRoutes(SourceStore sources, InboundEventStore events, InboundReceiver receiver, String publicUrl) {
        this.sources = sources;
        this.events = events;
        this.receiver = receiver;
        this.publicUrl = publicUrl;
    }

    void register(Router r) {
        String one = "/v1/sources/{id}";
        r.route(Method.POST, "/v1/sources", call -> {
                    call.requireRoot();
                    return Reply.created(view(call, sources.create(call.fields())));
                })
                .route(Method.GET, "/v1/sources", call -> {
                    call.requireRoot();
                    return Reply.page(sources.list(call.page("src")), s -> view(call, s));
                })
                .route(Method.GET, one, call -> {
                    call.requireRoot();
                    return Reply.ok(view(call, sources.get(call.param("id"))));
                })
                .route(Method.PATCH, one, call -> {
                    call.requireRoot();
                    return Reply.ok(view(call, sources.update(call.param("id"), call.fields())));
                })
                .route(Method.DELETE, one, call -> {
                    call.requireRoot();
                    sources.delete(call.param("id"));
                    receiver.forget(call.param("id"));
                    return Reply.noContent();
                })
                .route(Method.POST, one + "/secret/rotate", call -> {
                    call.requireRoot();
                    Fields f = call.fields().allowOnly(Set.of("secret"));
                    ObjectNode out = Json.object();
                    out.put("secret", sources.rotateSecret(call.param("id"), f.string("secret")));
                    return Reply.ok(out);
                })
                .route(Method.POST, one + "/api-key/rotate", call -> {
                    call.requireRoot();
                    Fields f = call.fields().allowOnly(Set.of("api_key"));
                    ObjectNode out = Json.object();
                    out.put("api_key", sources.rotateApiKey(call.param("id"), f.string("api_key")));
                    return Reply.ok(out);
                })
                .route(Method.GET, one + "/events", this::events)
                .route(Method.GET, one + "/events/{evt}", call -> {
                    call.requireRoot();
                    return Reply.ok(view(events.get(sources.get(call.param("id")).id(), call.param("evt")), rawBody(call)));
                })
                .route(Method.POST, one + "/events/{evt}/replay", call -> {
                    call.requireRoot();
                    return Reply.accepted(view(receiver.replay(sources.get(call.param("id")), call.param("evt")), false));
                });
    }

    /** The event log; {@code ?wait=N} long-polls up to N seconds for an event after the cursor. */
    private Reply events(Call call) {
        call.requireRoot();
        Source source = sources.get(call.param("id"));
        PageRequest page = call.pageOldestFirst("evt", "wait", "body_encoding");
        Duration wait = call.waitParameter();
        boolean raw = rawBody(call);
        return Reply.log(events.listAfter(source.id(), page, wait), page, InboundEvent::id, e -> view(e, raw));
    }

    private ObjectNode view(Call call, SourceStore.Created created) {
        ObjectNode out = view(call, created.source());
        if (created.secret() != null) {
            out.put("secret", created.secret());
        }
        if (created.apiKey() != null) {
            out.put("api_key", created.apiKey());
        }
        return out;
    }

    private ObjectNode view(Call call, Source s) {
        ObjectNode out = Json.object();
        out.put("id", s.id());
        out.put("url", baseUrl(call, publicUrl) + "/webhooks/" + s.token());
        out.put("enabled", s.enabled());
        out.setAll(s.config().toJson());
        Json.putTime(out, "created_at", s.createdAt());
        Json.putTime(out, "updated_at", s.updatedAt());
        return out;
    }

    /** Where this server is reached from outside: {@code HOOKLINE_PUBLIC_URL}, or what the request's Host says. */
    static String baseUrl(Call call, String publicUrl) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = call.request().headers().value(HeaderNames.HOST).orElse("localhost");
        String proto = call.request().headers().value(HeaderNames.create("X-Forwarded-Proto")).orElse(call.request().isSecure() ? "https" : "http");
        return proto + "://" + host;
    }

    /**
     * {@code ?body_encoding=base64}: the body as the exact bytes received, so a puller can check the
     * sender's signature itself (parsing JSON and writing it again would change the bytes).
     */
    private static boolean rawBody(Call call) {
        String encoding = call.query("body_encoding");
        if (encoding == null || encoding.equals("auto")) {
            return false;
        }
        if (!encoding.equals("base64")) {
            throw new Failure.Invalid("body_encoding", "must be 'base64' (the exact bytes received) or 'auto'");
        }
        return true;
    }

    static ObjectNode view(InboundEvent e, boolean rawBody) {
        ObjectNode out = Json.object();
        out.put("id", e.id());
        out.put("source_id", e.sourceId());
        Json.putTime(out, "received_at", e.receivedAt());
        out.put("content_type", e.contentType());
        ObjectNode headers = out.putObject("headers");
        e.headers().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        if (rawBody) {
            out.put("body", Base64.getEncoder().encodeToString(e.body()));
            out.put("body_encoding", "base64");
        } else {
            putBody(out, e);
        }
        out.put("verification", e.verification());
        out.put("dedupe_key", e.dedupeKey());
        out.put("message_id", e.messageId());
        out.put("note", e.note());
        return out;
    }

    /** JSON bodies as JSON, UTF-8 text as a string, anything else as base64 ({@code body_encoding} says which). */
    private static void putBody(ObjectNode out, InboundEvent e) {
        if (JsonPaths.isJsonMediaType(e.contentType())) {
            try {
                out.set("body", Json.raw(e.body()));
                out.put("body_encoding", "json");
                return;
            } catch (IllegalStateException storedAsSent) {
                // accepted raw (the receive path parses strictly only what it verifies); show it as text
            }
        }
        try {
            out.put("body", StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(e.body())).toString());
            out.put("body_encoding", "text");
        } catch (CharacterCodingException notText) {
            out.put("body", Base64.getEncoder().encodeToString(e.body()));
            out.put("body_encoding", "base64");
        }
    }
}
