package dev.hookline.core;

/**
 * The ways a request can fail that a caller must hear about. The API maps each to one status and a
 * JSON error body; nothing else escapes as a stack trace.
 */
public sealed abstract class Failure extends RuntimeException
        permits Failure.NotFound, Failure.Conflict, Failure.Invalid, Failure.Forbidden, Failure.Unavailable {

    private final String code;

    private Failure(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static final class NotFound extends Failure {
        public NotFound(String what, String id) {
            super("not_found", what + " '" + id + "' was not found");
        }
    }

    public static final class Conflict extends Failure {
        public Conflict(String message) {
            super("conflict", message);
        }
    }

    /** The request is well-formed JSON but a field is missing, of the wrong type or not allowed. */
    public static final class Invalid extends Failure {
        public Invalid(String field, String message) {
            super("validation_failed", field == null ? message : field + ": " + message);
        }
    }

    public static final class Forbidden extends Failure {
        public Forbidden(String message) {
            super("forbidden", message);
        }
    }

    /** The store cannot take the work now (saturated or down); the caller should retry later. */
    public static final class Unavailable extends Failure {
        private final int retryAfterSeconds;

        public Unavailable(String message, int retryAfterSeconds) {
            super("unavailable", message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
