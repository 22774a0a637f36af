package dev.hookline.outbound;

import java.util.List;

/**
 * An event a producer sent for an app. {@code payload} is the producer's {@code data} exactly as
 * sent (JSON bytes); {@code eventId} is the producer's own idempotency key, if it gave one.
 */
public record Message(String id, String appId, String eventId, String event, List<String> channels,
                      byte[] payload, long createdAt) {}
