package dev.hookline.delivery;

/**
 * What came back from one HTTP request: a status and body, or the error that stopped it.
 * {@code retryAfterSeconds} is the receiver's {@code Retry-After} on a 429 or 503, else null.
 */
record SendResult(Integer statusCode, String responseBody, long durationMs, String error, Long retryAfterSeconds) {

    SendResult(Integer statusCode, String responseBody, long durationMs, String error) {
        this(statusCode, responseBody, durationMs, error, null);
    }

    boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
