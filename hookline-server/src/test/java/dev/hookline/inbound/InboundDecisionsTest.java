package dev.hookline.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Fields;
import dev.hookline.core.Hashes;
import dev.hookline.signature.HexSignature;
import dev.hookline.signature.StandardWebhook;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What a source decides about one post — who may post, which signature counts, the event name and
 * the de-duplication key, what is masked — without a server. {@code InboundTest} checks the same
 * end to end over HTTP; these pin each rule so a mutation of it fails in milliseconds.
 */
class InboundDecisionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BODY = "{\"event\":\"order_created\",\"id\":\"ord_1\",\"n\":{\"deep\":1}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void anApiKeyMustBePresentAndRight() {
        SourceConfig config = config("{\"name\":\"k\",\"api_key_required\":true,\"api_key_header\":\"X-Api-Key\"}");
        var credentials = new SourceStore.Credentials(List.of(), Hashes.sha256("right"));

        assertThat(InboundReceiver.authenticate(config, credentials, headers(), BODY)).hasValue("the X-Api-Key header is missing");
        assertThat(InboundReceiver.authenticate(config, credentials, headers("x-api-key", "wrong"), BODY))
                .hasValue("the X-Api-Key header is not the right key");
        assertThat(InboundReceiver.authenticate(config, credentials, headers("x-api-key", "right"), BODY)).isEmpty();
        assertThat(InboundReceiver.authenticate(config, new SourceStore.Credentials(List.of(), null), headers("x-api-key", "right"), BODY))
                .as("no key stored: nothing matches").isPresent();
    }

    @Test
    void aSignatureIsTakenFromTheFirstConfiguredHeaderPresentAndCheckedAgainstEverySecret() {
        SourceConfig config = config("{\"name\":\"h\",\"verification\":{\"scheme\":\"hex\",\"headers\":[\"X-First\",\"X-Second\"]}}");
        String old = "old-secret";
        String current = "new-secret";
        var rotating = new SourceStore.Credentials(List.of(current, old), null);

        assertThat(InboundReceiver.authenticate(config, rotating, headers(), BODY))
                .hasValue("a signature is required in X-First or X-Second");
        assertThat(InboundReceiver.authenticate(config, rotating, headers("X-Second", hex(old)), BODY)).as("the old secret, in grace").isEmpty();
        assertThat(InboundReceiver.authenticate(config, rotating, headers("X-First", hex(current)), BODY)).isEmpty();
        assertThat(InboundReceiver.authenticate(config, new SourceStore.Credentials(List.of(current), null),
                headers("X-First", hex(old)), BODY)).as("the old secret, after the grace").isPresent();
        // the first header present is the one checked, even when a later one would match
        assertThat(InboundReceiver.authenticate(config, rotating, headers("X-First", hex("other"), "X-Second", hex(current)), BODY)).isPresent();
        assertThat(InboundReceiver.authenticate(config("{\"name\":\"open\"}"), rotating, headers(), BODY)).as("no verification").isEmpty();
    }

    @Test
    void aStandardWebhooksSignatureNeedsItsIdAndTimestampHeaders() throws Exception {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        SourceConfig config = config("{\"name\":\"s\",\"verification\":{\"scheme\":\"standard\"}}");
        long now = System.currentTimeMillis() / 1000; // the verifier's window is the wall clock's, as a sender's would be
        String signature = StandardWebhook.sign(secret, "msg_1", now, BODY);
        var credentials = new SourceStore.Credentials(List.of(secret), null);

        assertThat(InboundReceiver.authenticate(config, credentials,
                headers("webhook-id", "msg_1", "webhook-timestamp", Long.toString(now), "webhook-signature", signature), BODY)).isEmpty();
        assertThat(InboundReceiver.authenticate(config, credentials,
                headers("webhook-id", "msg_2", "webhook-timestamp", Long.toString(now), "webhook-signature", signature), BODY)).isPresent();
    }

    @Test
    void theEventNameComesFromTheConfiguredPlaceOrFallsBackWithAReason() throws Exception {
        JsonNode body = JSON.readTree(BODY);
        var byPath = forward("{\"path\":\"event\"}");
        assertThat(InboundReceiver.eventName(byPath, headers(), body)).isEqualTo(new InboundReceiver.EventName("order_created", null));
        var missing = InboundReceiver.eventName(forward("{\"path\":\"type\"}"), headers(), body);
        assertThat(missing.name()).isEqualTo("inbound.received");
        assertThat(missing.note()).isEqualTo("there is no event name in the body's type; forwarded as inbound.received");
        var byHeader = forward("{\"header\":\"X-Event\"}");
        assertThat(InboundReceiver.eventName(byHeader, headers("x-event", "user.created"), body).name()).isEqualTo("user.created");
        var invalid = InboundReceiver.eventName(byHeader, headers("X-Event", "not a name!"), body);
        assertThat(invalid.name()).isEqualTo("inbound.received");
        assertThat(invalid.note()).contains("'not a name!', is not a valid name");
        assertThat(InboundReceiver.eventName(byHeader, headers("X-Event", dev.hookline.outbound.NewMessage.TEST_EVENT), body).note()).contains("reserved");
        var rejecting = forward("{\"header\":\"X-Event\",\"on_invalid\":\"reject\"}");
        assertThat(InboundReceiver.eventName(rejecting, headers(), body).note()).isEqualTo("there is no event name in the X-Event header");
        assertThat(InboundReceiver.eventName(forward("{\"name\":\"fixed.name\"}"), headers("X-Event", "x.y"), body))
                .isEqualTo(new InboundReceiver.EventName("fixed.name", null));
    }

    @Test
    void theDedupeKeyIsAHeaderOrAScalarAtAPath() throws Exception {
        JsonNode body = JSON.readTree(BODY);
        assertThat(InboundReceiver.dedupeKey(null, headers("webhook-id", "x"), body)).isNull();
        assertThat(InboundReceiver.dedupeKey(new SourceConfig.DedupeKey("webhook-id", null), headers("Webhook-Id", "msg_9"), body)).isEqualTo("msg_9");
        assertThat(InboundReceiver.dedupeKey(new SourceConfig.DedupeKey(null, "id"), headers(), body)).isEqualTo("ord_1");
        assertThat(InboundReceiver.dedupeKey(new SourceConfig.DedupeKey(null, "n"), headers(), body)).as("an object is no key").isNull();
        assertThat(InboundReceiver.dedupeKey(new SourceConfig.DedupeKey(null, "n.deep"), headers(), body)).isEqualTo("1");
        assertThat(InboundReceiver.dedupeKey(new SourceConfig.DedupeKey(null, "absent"), headers(), body)).isNull();
        assertThat(InboundReceiver.dedupeKey(new SourceConfig.DedupeKey(null, "id"), headers(), null)).as("not JSON").isNull();
    }

    @Test
    void credentialsInHeadersAreMaskedAndTheRestKept() {
        SourceConfig config = config("{\"name\":\"k\",\"api_key_required\":true,\"api_key_header\":\"X-Source-Key\"}");
        var masked = InboundReceiver.masked(headers("Authorization", "Bearer t", "Cookie", "c=1", "X-Api-Key", "k",
                "x-source-key", "s", "Proxy-Authorization", "p", "X-Signature", "abc"), config);
        assertThat(masked.get("Authorization")).containsExactly("[redacted]");
        assertThat(masked.get("Cookie")).containsExactly("[redacted]");
        assertThat(masked.get("X-Api-Key")).containsExactly("[redacted]");
        assertThat(masked.get("x-source-key")).containsExactly("[redacted]");
        assertThat(masked.get("Proxy-Authorization")).containsExactly("[redacted]");
        assertThat(masked.get("X-Signature")).as("a signature is no credential: pullers re-verify it").containsExactly("abc");
    }

    private static SourceConfig config(String json) {
        try {
            return SourceConfig.fromJson(Fields.of(JSON.readTree(json)), app -> app);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A forward to an app with this {@code event} object. */
    private static SourceConfig.Forward forward(String event) {
        return config("{\"name\":\"f\",\"forward\":{\"app\":\"app_1\",\"event\":" + event + "}}").forward();
    }

    private static String hex(String secret) {
        return HexSignature.sign(secret, BODY);
    }

    /** Case-insensitive, as the receiver sees them. */
    private static Map<String, List<String>> headers(String... pairs) {
        Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], List.of(pairs[i + 1]));
        }
        return out;
    }
}
