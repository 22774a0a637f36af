package dev.hookline.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * A URL a customer registered to receive an app's messages. Secrets live apart, in
 * {@link SigningSecrets}; {@code publicKey} is the {@code whpk_} key of an ed25519 endpoint, else null.
 */
public record Endpoint(String id, String appId, String url, boolean enabled, EndpointPolicy policy, String publicKey,
                       long createdAt, long updatedAt) {

    /** Whether this endpoint receives a message; {@code message} is built only if a filter needs it. */
    boolean wants(String event, List<String> messageChannels, Supplier<JsonNode> message) {
        return enabled
                && EventMatcher.eventMatches(policy.events(), event)
                && EventMatcher.channelMatches(policy.channels(), messageChannels)
                && policy.passes(message);
    }
}
