package dev.hookline.outbound;

/** A URL a customer registered to receive an app's messages. Secrets live apart, in {@link SigningSecrets}. */
public record Endpoint(String id, String appId, String url, boolean enabled, EndpointPolicy policy,
                       long createdAt, long updatedAt) {

    boolean wants(String event, java.util.List<String> messageChannels) {
        return enabled
                && EventMatcher.eventMatches(policy.events(), event)
                && EventMatcher.channelMatches(policy.channels(), messageChannels);
    }
}
