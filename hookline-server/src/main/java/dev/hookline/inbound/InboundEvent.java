package dev.hookline.inbound;

import java.util.List;
import java.util.Map;

/**
 * One accepted post, exactly as it arrived: headers, raw body and content type, with how it was
 * verified and the message it was forwarded as (null when held for pulling).
 */
public record InboundEvent(String id, String sourceId, String dedupeKey, String contentType,
                           Map<String, List<String>> headers, byte[] body, String verification, String messageId,
                           long receivedAt) {}
