package dev.hookline.delivery;

import dev.hookline.core.Page;
import dev.hookline.core.PageRequest;
import dev.hookline.outbound.Endpoint;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.Message;
import dev.hookline.outbound.MessageStore;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An endpoint's deliveries as a log to pull, oldest first, each with the request the endpoint would
 * receive: the same {@link RequestSigner} signs it, with the endpoint's live secrets, at the time it
 * is pulled. A reader follows the log with a cursor (the last delivery id) and may long-poll for the
 * next one, so it needs no inbound port ({@code hookline listen --app … --endpoint …}).
 *
 * <p>What a pull means depends on the endpoint's {@code delivery}:
 * <ul>
 *   <li>{@code pull}: the pull is the delivery. Hookline never sends such an endpoint anything; a
 *       delivery waits {@code pending} until it is first pulled, and is then {@code delivered}.</li>
 *   <li>{@code push} (the default): the pull is a read-only tap on what is pushed. The delivery's
 *       state, retries and attempt log are the push's alone, and the endpoint keeps being pushed to,
 *       so a developer watching a staging endpoint changes nothing for its real receiver.</li>
 * </ul>
 */
public final class DeliveryFeed {
    /** A delivery as pulled; {@code request} is null when the message's content was deleted. */
    public record Pulled(String id, Message message, String status, SignedRequest request) {}

    private final Database db;
    private final EndpointStore endpoints;
    private final MessageStore messages;
    private final Clock clock;

    public DeliveryFeed(Database db, EndpointStore endpoints, MessageStore messages, Clock clock) {
        this.db = db;
        this.endpoints = endpoints;
        this.messages = messages;
        this.clock = clock;
    }

    /** The endpoint's deliveries after the cursor; with a positive {@code wait}, an empty answer waits for one. */
    public Page<Pulled> after(Endpoint endpoint, PageRequest page, Duration wait) {
        record Row(String id, String messageId, String status, int attempts) {}
        Page<Row> rows = messages.awaitDeliveries(() -> db.read(c -> Page.of(Sql.list(c,
                        "SELECT id, message_id, status, attempts FROM deliveries WHERE endpoint_id = ? AND id > ? ORDER BY id LIMIT ?",
                        rs -> new Row(rs.getString("id"), rs.getString("message_id"), rs.getString("status"), rs.getInt("attempts")),
                        endpoint.id(), page.afterOrStart(), page.limit() + 1), page.limit(), Row::id)),
                found -> !found.data().isEmpty(), wait);
        if (rows.data().isEmpty()) {
            return new Page<>(List.of(), rows.next());
        }
        long now = clock.millis();
        Map<String, Message> byId = messages.byIds(rows.data().stream().map(Row::messageId).toList());
        EndpointStore.Signable signable = endpoints.signable(List.of(endpoint.id())).get(endpoint.id());
        boolean pull = endpoint.policy().pull();
        List<String> firstPulls = new ArrayList<>();
        List<Pulled> out = new ArrayList<>();
        for (Row r : rows.data()) {
            Message m = byId.get(r.messageId());
            boolean signed = m != null && m.payload() != null && signable != null;
            String status = r.status();
            if (pull && signed && status.equals("pending")) {
                firstPulls.add(r.id());
                status = "delivered";
            }
            int attempt = pull ? 1 : Math.max(1, r.attempts());
            out.add(new Pulled(r.id(), m, status,
                    signed ? RequestSigner.sign(m, signable.endpoint(), signable.secrets(), attempt, now) : null));
        }
        if (!firstPulls.isEmpty()) {
            db.write(c -> Sql.update(c, "UPDATE deliveries SET status = 'delivered', attempts = 1, next_attempt_at = NULL, updated_at = ?"
                    + " WHERE id IN (" + Sql.placeholders(firstPulls.size()) + ") AND status = 'pending'",
                    concat(now, firstPulls)));
        }
        return new Page<>(out, rows.next());
    }

    private static Object[] concat(long now, List<String> ids) {
        Object[] args = new Object[ids.size() + 1];
        args[0] = now;
        for (int i = 0; i < ids.size(); i++) {
            args[i + 1] = ids.get(i);
        }
        return args;
    }
}
