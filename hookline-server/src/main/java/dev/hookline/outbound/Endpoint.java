package dev.hookline.outbound;


/**
 * A URL a customer registered to receive an app's messages. Secrets live apart, in
 * {@link SigningSecrets}; {@code publicKey} is the {@code whpk_} key of an ed25519 endpoint, else null;
 * {@code uid} is the product's own id for it (null when it has none).
 */
public record Endpoint(String id, String appId, String uid, String url, boolean enabled, EndpointPolicy policy, String publicKey,
                       Health health, long createdAt, long updatedAt) {

    /**
     * How deliveries to the endpoint have been going: failed attempts in a row, until when its
     * circuit is open (null when closed), since when it has failed without a success, and why it
     * was disabled by Hookline (null when it was not).
     */
    public record Health(int consecutiveFailures, Long circuitOpenUntil, Long failingSince, String disabledReason) {
        public static final Health NEW = new Health(0, null, null, null);
    }
}
