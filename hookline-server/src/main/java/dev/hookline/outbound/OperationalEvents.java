package dev.hookline.outbound;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Times;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Operational webhooks: what happens to endpoints and deliveries, sent as messages of a built-in
 * app ({@link #APP_ID}) to the endpoints the root key registered for it. They are signed, retried
 * and logged like any other message, and written in the same transaction as the change they report.
 */
public final class OperationalEvents {
    public static final String APP_ID = "app_operational";
    public static final String ENDPOINT_DISABLED = "endpoint.disabled";
    public static final String ENDPOINT_ENABLED = "endpoint.enabled";
    public static final String ATTEMPT_EXHAUSTED = "message.attempt.exhausted";
    public static final String ATTEMPT_FAILING = "message.attempt.failing";
    public static final String APIKEY_CREATED = "apikey.created";
    public static final String APIKEY_REVOKED = "apikey.revoked";

    private final MessageStore messages;
    private final java.time.Clock clock;

    public OperationalEvents(MessageStore messages, java.time.Clock clock) {
        this.messages = messages;
        this.clock = clock;
    }

    /** The event's data: which app and endpoint it concerns; callers add the rest. */
    public static ObjectNode about(Endpoint endpoint) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("app_id", endpoint.appId());
        data.put("endpoint_id", endpoint.id());
        data.put("url", endpoint.url());
        return data;
    }

    /**
     * The endpoints an event about {@code subject} may be queued for, read before a write that may
     * {@link #emit} it: queueing locks their rows, so that write names them to its batch
     * ({@link dev.hookline.store.Database#write}). None for the operational app's own endpoints.
     */
    public List<String> endpointsFor(Endpoint subject) {
        return subject.appId().equals(APP_ID) ? List.of() : messages.enabledEndpointIds(APP_ID);
    }

    /**
     * Queues the event inside the caller's write, unless it concerns the operational app itself
     * (a failing operational endpoint must not report on itself). Returns whether deliveries were
     * created, so the caller knows to wake the dispatcher after its commit.
     */
    public boolean emit(Connection c, Endpoint subject, String type, ObjectNode data, long nowMillis) throws SQLException {
        if (subject.appId().equals(APP_ID)) {
            return false;
        }
        return emit(c, type, data, nowMillis);
    }

    /** Queues an event that concerns no endpoint (an API key's creation or revocation) inside the caller's write. */
    public boolean emit(Connection c, String type, ObjectNode data, long nowMillis) throws SQLException {
        data.put("occurred_at", Times.format(nowMillis));
        var ingested = messages.ingestIn(c, APP_ID, new NewMessage(type, data.toString().getBytes(StandardCharsets.UTF_8), null, null));
        return ingested.deliveries() > 0;
    }

    /** {@link EndpointStore.ReEnabled}: reports {@code endpoint.enabled}. */
    public void enabled(Connection c, Endpoint endpoint) throws SQLException {
        emit(c, endpoint, ENDPOINT_ENABLED, about(endpoint), clock.millis());
    }

    public void wake() {
        messages.wake();
    }
}
