package dev.hookline.api;

import dev.hookline.core.Failure;
import dev.hookline.inbound.InboundReceiver;
import dev.hookline.inbound.Source;
import dev.hookline.inbound.SourceStore;
import dev.hookline.ops.Metrics;
import io.helidon.http.Header;
import io.helidon.http.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /webhooks/{token}} (and {@code /v1/webhooks/{token}}): where third parties post. No API
 * key: the unguessable token, and the source's signature or key requirement, authenticate.
 */
final class ReceiveRoutes {
    private static final String COUNTER = "hookline_inbound_requests_total";
    private static final org.slf4j.Logger REFUSED_LOG = org.slf4j.LoggerFactory.getLogger("hookline.inbound");

    private final InboundReceiver receiver;
    private final Metrics metrics;

    ReceiveRoutes(InboundReceiver receiver, Metrics metrics) {
        this.receiver = receiver;
        this.metrics = metrics;
    }

    void register(Router r) {
        r.open(Method.POST, "/webhooks/{token}", this::receive)
                .open(Method.POST, "/v1/webhooks/{token}", this::receive);
    }

    private Reply receive(Call call) {
        SourceStore.Found found;
        byte[] body;
        try {
            found = receiver.source(call.param("token"));
        } catch (Failure.NotFound e) {
            refused(null, "not_found", 404);
            return Reply.error(404, "not_found", "no webhook is registered at this URL");
        }
        Source source = found.source();
        var limited = receiver.admit(source);
        if (limited.isPresent()) {
            return rejected(source, limited.get());
        }
        try {
            body = Call.readBody(call.request(), source.config().maxBodyBytes());
        } catch (Json.BadRequest e) {
            refused(source.id(), e.status == 413 ? "too_large" : "unreadable", e.status);
            throw e;
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : call.request().headers()) {
            headers.put(h.name(), h.allValues());
        }
        return switch (receiver.receive(found, headers, body)) {
            case InboundReceiver.Outcome.Accepted a -> {
                count(a.duplicate() ? "duplicate" : "accepted");
                yield Reply.ok(source.config().answer().render(a.event()));
            }
            case InboundReceiver.Outcome.Rejected rejected -> rejected(source, rejected);
        };
    }

    private Reply rejected(Source source, InboundReceiver.Outcome.Rejected rejected) {
        Reply reply = switch (rejected.reason()) {
            case RATE_LIMITED -> Reply.error(429, "rate_limited", rejected.message())
                    .withHeader("Retry-After", Long.toString(Math.max(1, (rejected.retryAfterMillis() + 999) / 1000)));
            case UNAUTHORIZED -> Reply.error(401, "unauthorized", rejected.message());
            case MALFORMED_BODY -> Reply.error(400, "invalid_body", rejected.message());
            case UNNAMED_EVENT -> Reply.error(400, "invalid_event", rejected.message());
        };
        refused(source.id(), rejected.reason().name().toLowerCase(java.util.Locale.ROOT), reply.status());
        return reply;
    }

    /**
     * Counts and logs a refused post. The line names the source and the reason only: not the token
     * (it is the URL's secret), nor the refusal's message (a JSON parse error quotes the body).
     */
    private void refused(String sourceId, String reason, int status) {
        count(reason);
        REFUSED_LOG.atInfo().setMessage("inbound post refused").addKeyValue("event", "inbound_refused")
                .addKeyValue("source_id", sourceId).addKeyValue("reason", reason).addKeyValue("status", status).log();
    }

    private void count(String outcome) {
        metrics.count(COUNTER, "posts to /webhooks/{token}, by outcome", "outcome", outcome);
    }
}
