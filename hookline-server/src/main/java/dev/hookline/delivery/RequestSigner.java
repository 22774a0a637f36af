package dev.hookline.delivery;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.hookline.core.Times;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointPolicy;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.SigningSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a message into the bytes and headers one endpoint receives, signed with the endpoint's
 * live secrets through {@code hookline-signature} (the same code receivers can use to verify).
 *
 * <p>The body is the same on every attempt; only the timestamp and signature change. The
 * {@code webhook-id} is the message id, stable across retries, so receivers can de-duplicate.
 */
final class RequestSigner {
    static final String USER_AGENT = "Hookline/0.1 (+https://github.com/hookline)";

    private RequestSigner() {}

    static SignedRequest sign(Message message, Endpoint endpoint, SigningSecrets secrets, long nowMillis) {
        EndpointPolicy policy = endpoint.policy();
        byte[] body = switch (policy.payloadFormat()) {
            case ENVELOPE -> envelope(message);
            case RAW -> message.payload();
        };
        long timestamp = nowMillis / 1000;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.putAll(policy.headers());
        headers.put("webhook-id", message.id());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put(policy.signature().header(),
                policy.signature().scheme().sign(secrets.active(nowMillis), message.id(), timestamp, body));
        return new SignedRequest(endpoint.url(), headers, body, policy.timeoutMs());
    }

    /** {@code {"id","event","created_at","data"}} with {@code data} spliced in as the producer sent it. */
    static byte[] envelope(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.payload().length + 128);
        out.writeBytes("{\"id\":".getBytes(StandardCharsets.UTF_8));
        writeString(out, m.id());
        out.writeBytes(",\"event\":".getBytes(StandardCharsets.UTF_8));
        writeString(out, m.event());
        out.writeBytes(",\"created_at\":".getBytes(StandardCharsets.UTF_8));
        writeString(out, Times.format(m.createdAt()));
        out.writeBytes(",\"data\":".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(m.payload());
        out.write('}');
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
        out.write('"');
    }
}
