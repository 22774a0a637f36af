package dev.hookline.outbound;

import dev.hookline.core.Failure;

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

    /** A pull endpoint is sent nothing: a resend or a recovery has nowhere to go (409). */
    public void requirePush() {
        if (policy.pull()) {
            throw new Failure.Conflict("endpoint " + id + " is a pull endpoint: Hookline sends it nothing;"
                    + " read its deliveries again from GET …/endpoints/" + id + "/deliveries");
        }
    }

    /** A disabled endpoint is sent nothing, so a test or resend to it would wait forever (409). */
    public void requireEnabled() {
        if (!enabled) {
            throw new Failure.Conflict("endpoint " + id + " is disabled" + (health.disabledReason() == null ? ""
                    : " (" + health.disabledReason() + ")") + "; enable it first");
        }
    }
}
