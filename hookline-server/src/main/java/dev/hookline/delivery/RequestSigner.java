package dev.hookline.delivery;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.hookline.core.Times;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointPolicy;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.NewMessage;
import dev.hookline.outbound.SigningSecrets;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a message into the bytes and headers one endpoint receives, signed with the endpoint's
 * live secrets through {@code hookline-signature} (the same code receivers can use to verify).
 *
 * <p>The body is the same on every attempt; only the timestamp, the attempt number and the
 * signature change. The {@code webhook-id} is the message id, stable across retries, so receivers
 * can de-duplicate.
 */
final class RequestSigner {
    static final String USER_AGENT = "Hookline/0.1";
    private static final List<String> TEST_ENVELOPE = List.of("id", "event", "timestamp", "data");

    private RequestSigner() {}

    static SignedRequest sign(Message message, Endpoint endpoint, SigningSecrets secrets, int attempt, long nowMillis) {
        EndpointPolicy policy = endpoint.policy();
        byte[] body;
        if (message.event().equals(NewMessage.TEST_EVENT)) {
            body = envelope(message, TEST_ENVELOPE);
        } else {
            body = switch (policy.payloadFormat()) {
                case ENVELOPE -> envelope(message, policy.envelope());
                case RAW -> message.payload();
            };
        }
        long timestamp = nowMillis / 1000;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.putAll(policy.headers());
        headers.put("webhook-id", message.id());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        EndpointPolicy.MetadataHeaders meta = policy.effectiveHeaders();
        putIfNamed(headers, meta.event(), message.event());
        putIfNamed(headers, meta.timestamp(), Long.toString(timestamp));
        putIfNamed(headers, meta.attempt(), Integer.toString(attempt));
        putIfNamed(headers, meta.id(), message.id());
        headers.put(policy.signatureHeader(),
                policy.signature().scheme().sign(secrets.active(nowMillis), message.id(), timestamp, body));
        return new SignedRequest(endpoint.url(), headers, body, policy.timeoutMs());
    }

    private static void putIfNamed(Map<String, String> headers, String name, String value) {
        if (name != null) {
            headers.put(name, value);
        }
    }

    /** The envelope's keys in the configured order, with {@code data} spliced in as the producer sent it. */
    static byte[] envelope(Message m, List<String> keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.payload().length + 128);
        out.write('{');
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (i > 0) {
                out.write(',');
            }
            writeString(out, key);
            out.write(':');
            switch (key) {
                case "id" -> writeString(out, m.id());
                case "event", "type" -> writeString(out, m.event());
                case "created_at", "timestamp" -> writeString(out, Times.format(m.createdAt()));
                case "data" -> out.writeBytes(m.payload());
                default -> throw new IllegalStateException("unknown envelope key " + key);
            }
        }
        out.write('}');
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
        out.write('"');
    }
}
