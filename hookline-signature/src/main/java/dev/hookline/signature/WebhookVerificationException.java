package dev.hookline.signature;

/**
 * A delivery failed verification. The only exception a {@code verify} method throws, whatever the
 * input: a receiver catches this one type and answers 4xx. {@link #reason()} says why, for logs and
 * for choosing the response; the message never echoes header values (they are attacker-controlled).
 */
public final class WebhookVerificationException extends Exception {

    /** Why verification failed. */
    public enum Reason {
        /** A required header (or the signature header itself) is absent or blank. */
        MISSING_HEADER,
        /** A header is present but does not follow the scheme's grammar. */
        MALFORMED_HEADER,
        /** The signature is authentic but its timestamp is older than the tolerance allows (a replay). */
        TIMESTAMP_TOO_OLD,
        /** The signature is authentic but its timestamp is further in the future than the tolerance allows. */
        TIMESTAMP_IN_FUTURE,
        /** No signature in the header matches the secret and body (wrong secret, tampered body or unknown versions only). */
        NO_MATCHING_SIGNATURE
    }

    private final Reason reason;

    public WebhookVerificationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
