package dev.hookline.inbound;

import java.util.List;
import java.util.Map;

/**
 * One accepted post, exactly as it arrived: headers, raw body and content type, with how it was
 * verified, the message it was forwarded as (null when held for pulling), and a note on how it was
 * forwarded when that differs from the configuration (its event name could not be used).
 */
public record InboundEvent(String id, String sourceId, String dedupeKey, String contentType,
                           Map<String, List<String>> headers, byte[] body, String verification, String messageId,
                           String note, long receivedAt) {

    InboundEvent forwardedAs(String messageId, String note) {
        return new InboundEvent(id, sourceId, dedupeKey, contentType, headers, body, verification, messageId, note, receivedAt);
    }
}
