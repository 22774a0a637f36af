package dev.hookline.delivery;

/** One HTTP request made for a delivery, as the API shows it. {@code statusCode} is null when no response came. */
public record Attempt(String id, String messageId, String endpointId, int attempt, boolean succeeded,
                      Integer statusCode, String responseBody, long durationMs, String error, long createdAt) {}
