package dev.hookline.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Failure;
import java.util.List;

/**
 * What the message list and the attempt log can be narrowed to: an event (a name, {@code *} or a
 * {@code prefix.*}), a channel, an endpoint, a status (of a delivery for messages, {@code succeeded}
 * or {@code failed} for attempts), one message (attempts only), and a time window
 * {@code [since, until)} in epoch milliseconds. Null means "any".
 */
public record MessageFilter(String event, String channel, String endpointId, String status, String messageId, Long since, Long until) {
    public static final MessageFilter ANY = new MessageFilter(null, null, null, null, null, null, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    public MessageFilter {
        if (event != null) {
            EventMatcher.validatePattern("event", event);
        }
        if (since != null && until != null && since >= until) {
            throw new Failure.Invalid("until", "must be later than since");
        }
    }

    public MessageFilter withMessage(String id) {
        return new MessageFilter(event, channel, endpointId, status, id, since, until);
    }

    public MessageFilter withEndpoint(String id) {
        return new MessageFilter(event, channel, id, status, messageId, since, until);
    }

    /** Whether a condition on the message's event or channels is asked for (the attempt log then joins messages). */
    public boolean onMessageContent() {
        return (event != null && !event.equals("*")) || channel != null;
    }

    /** Appends {@code AND …} for the event and channel, on the messages table under {@code alias}. */
    public void appendContent(StringBuilder sql, List<Object> params, String alias) {
        if (event != null && !event.equals("*")) {
            if (event.endsWith(".*")) {
                String prefix = event.substring(0, event.length() - 1); // keeps the dot: "invoice." matches "invoice.paid"
                sql.append(" AND substr(").append(alias).append(".event, 1, ").append(prefix.length()).append(") = ?");
                params.add(prefix);
            } else {
                sql.append(" AND ").append(alias).append(".event = ?");
                params.add(event);
            }
        }
        if (channel != null) {
            // channels is stored as a JSON array: look for the channel's JSON string, LIKE's own characters escaped
            sql.append(" AND ").append(alias).append(".channels LIKE ? ESCAPE '\\'");
            params.add("%" + likeEscaped(quoted(channel)) + "%");
        }
    }

    /** Appends {@code AND …} for the time window, on {@code column}. */
    public void appendWindow(StringBuilder sql, List<Object> params, String column) {
        if (since != null) {
            sql.append(" AND ").append(column).append(" >= ?");
            params.add(since);
        }
        if (until != null) {
            sql.append(" AND ").append(column).append(" < ?");
            params.add(until);
        }
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String likeEscaped(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
