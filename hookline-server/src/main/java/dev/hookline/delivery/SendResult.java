package dev.hookline.delivery;

/** What came back from one HTTP request: a status and body, or the error that stopped it. */
record SendResult(Integer statusCode, String responseBody, long durationMs, String error) {

    boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
