package dev.hookline.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.hookline.core.Times;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointPolicy;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.SigningSecrets;
import dev.hookline.signature.SignatureScheme;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private static final JsonFactory NAMES = new JsonFactory();
    /**
     * Signers by scheme and live secrets, kept: making one reads the secrets (a base64 decode, a
     * {@code Mac} looked up in the providers and keyed, or an Ed25519 key), which done per signature
     * made signing cost about twice as much (profiled over a drain: 2.8 % of the server's CPU, 1.2 %
     * with kept signers, plus 1.0 % for this lookup). Keyed by value, since the claim hands over
     * the secrets afresh per batch; an entry left by a rotated secret ages out. It holds nothing the
     * process does not already: {@code SecretCipher} keeps the opened secrets too.
     */
    private static final Cache<SignerKey, SignatureScheme.Signer> SIGNERS = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    private record SignerKey(SignatureScheme scheme, List<String> secrets) {
        @Override
        public String toString() {
            return "SignerKey[" + scheme + ", hidden]";
        }
    }

    private RequestSigner() {}

    static SignedRequest sign(Message message, Endpoint endpoint, SigningSecrets secrets, int attempt, long nowMillis) {
        EndpointPolicy policy = endpoint.policy();
        // A test message takes the endpoint's own shape, so the Test button shows what real events will look like.
        byte[] body = switch (policy.payloadFormat()) {
            case ENVELOPE -> envelope(message, policy.envelope(), false);
            case MERGED -> envelope(message, policy.envelope(), true);
            case RAW -> message.payload();
        };
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
        SignatureScheme scheme = policy.signature().scheme();
        SignatureScheme.Signer signer = SIGNERS.get(new SignerKey(scheme, secrets.active(nowMillis)),
                key -> key.scheme().signer(key.secrets()));
        headers.put(policy.signatureHeader(), signer.sign(message.id(), timestamp, body));
        return new SignedRequest(endpoint.url(), headers, body, policy.timeoutMs(), policy.tlsCa(), policy.tls());
    }

    private static void putIfNamed(Map<String, String> headers, String name, String value) {
        if (name != null) {
            headers.put(name, value);
        }
    }

    /**
     * The envelope's keys in the configured order, with {@code data} spliced in as the producer sent
     * it. When {@code merged}, data's own members stand where {@code data} would (seed 001's
     * {@code {event, inbox, message}}); an envelope key that data also has is left out, so the
     * producer's value wins and the body never holds a key twice.
     */
    static byte[] envelope(Message m, List<String> keys, boolean merged) {
        byte[] payload = m.payload();
        Set<String> dataKeys = merged ? topLevelKeys(payload) : Set.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 128);
        out.write('{');
        boolean first = true;
        for (String key : keys) {
            if (!key.equals("data") && dataKeys.contains(key)) {
                continue;
            }
            if (merged && key.equals("data")) {
                int[] members = members(payload);
                if (members[0] < members[1]) {
                    if (!first) {
                        out.write(',');
                    }
                    out.write(payload, members[0], members[1] - members[0]);
                    first = false;
                }
                continue;
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            writeString(out, key);
            out.write(':');
            switch (key) {
                case "id" -> writeString(out, m.id());
                case "event", "type" -> writeString(out, m.event());
                case "created_at", "timestamp" -> writeString(out, Times.format(m.createdAt()));
                case "data" -> out.writeBytes(payload);
                default -> throw new IllegalStateException("unknown envelope key " + key);
            }
        }
        out.write('}');
        return out.toByteArray();
    }

    /** The names of a JSON object's own members (data is always an object: the API refuses anything else). */
    private static Set<String> topLevelKeys(byte[] object) {
        Set<String> names = new HashSet<>();
        try (JsonParser p = NAMES.createParser(object)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return names;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                names.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a stored payload is not JSON", e);
        }
        return names;
    }

    /**
     * Where an object's members start and end in its bytes: inside the outer braces, with the
     * whitespace next to them trimmed ({@code [n, n]} for an empty object).
     */
    private static int[] members(byte[] object) {
        int start = 0;
        int end = object.length;
        while (start < end && object[start] != '{') {
            start++;
        }
        while (end > start && object[end - 1] != '}') {
            end--;
        }
        start++;
        end--;
        while (start < end && isJsonWhitespace(object[start])) {
            start++;
        }
        while (end > start && isJsonWhitespace(object[end - 1])) {
            end--;
        }
        return new int[] {start, Math.max(start, end)};
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
        out.write('"');
    }
}
