package dev.hookline.svix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.api.Router;
import dev.hookline.core.Failure;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.time.Clock;
import java.time.Duration;

/**
 * Svix's {@code Idempotency-Key} for POSTs: the first request with a key runs; a retry with the same
 * key gets the first answer again instead of running twice. The SDKs retry a POST on a 5xx or a
 * broken connection with the same key, so a message is not sent twice because a response was lost.
 *
 * <p>The key is claimed in the database before the handler runs (the row is the lock, so two nodes
 * agree), and the answer is stored after. A 5xx is not stored: the retry it invites runs again. A
 * claim whose request died (its node stopped) is taken over after {@link #ABANDONED}.
 */
final class IdempotencyKeys {
    static final Duration KEPT = Duration.ofHours(24);
    static final Duration ABANDONED = Duration.ofMinutes(1);
    private static final int MAX_KEY_LENGTH = 256;

    private final Database db;
    private final Clock clock;

    IdempotencyKeys(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    private sealed interface Claim permits Fresh, Replay, InFlight, Mismatch {}

    private record Fresh() implements Claim {}

    private record Replay(int status, String body) implements Claim {}

    private record InFlight() implements Claim {}

    private record Mismatch(String request) implements Claim {}

    /** Runs {@code action} under the request's {@code Idempotency-Key}, if it has one. */
    Reply run(Call call, Router.Action action) {
        String key = call.request().headers().first(io.helidon.http.HeaderNames.create("Idempotency-Key")).orElse(null);
        if (key == null || key.isEmpty()) {
            return action.handle(call);
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new Failure.Invalid("Idempotency-Key", "must be at most " + MAX_KEY_LENGTH + " characters");
        }
        String caller = call.principal().keyId();
        String request = call.request().prologue().method().text() + " " + call.request().path().path();
        return switch (claim(caller, key, request)) {
            case Replay r -> new Reply(r.status(), r.body() == null ? null : Json.raw(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    java.util.Map.of("Idempotent-Replayed", "true"));
            case InFlight i -> throw new Failure.Conflict("a request with this Idempotency-Key is still in progress; retry later");
            case Mismatch m -> throw new Failure.Invalid("Idempotency-Key", "was used for another request (" + m.request() + ")");
            case Fresh f -> {
                Reply reply;
                try {
                    reply = Wire.run(call, action);
                } catch (RuntimeException e) {
                    release(caller, key);
                    throw e;
                }
                if (reply.status() >= 500) {
                    release(caller, key);
                } else {
                    complete(caller, key, reply);
                }
                yield reply;
            }
        };
    }

    private Claim claim(String caller, String key, String request) {
        long now = clock.millis();
        return db.write(c -> {
            // Expired and abandoned claims make way; deleting by age here keeps the table to a day of keys.
            Sql.update(c, "DELETE FROM svix_idempotency WHERE created_at < ?", now - KEPT.toMillis());
            Sql.update(c, "DELETE FROM svix_idempotency WHERE caller = ? AND idem_key = ? AND status IS NULL AND created_at < ?",
                    caller, key, now - ABANDONED.toMillis());
            int inserted = Sql.update(c, "INSERT INTO svix_idempotency (caller, idem_key, request, created_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (caller, idem_key) DO NOTHING", caller, key, request, now);
            if (inserted == 1) {
                return new Fresh();
            }
            return Sql.one(c, "SELECT request, status, body FROM svix_idempotency WHERE caller = ? AND idem_key = ?", rs -> {
                String first = rs.getString("request");
                int status = rs.getInt("status");
                boolean done = !rs.wasNull();
                if (!first.equals(request)) {
                    return (Claim) new Mismatch(first);
                }
                return done ? new Replay(status, rs.getString("body")) : new InFlight();
            }, caller, key).orElseThrow();
        });
    }

    private void complete(String caller, String key, Reply reply) {
        JsonNode body = reply.body();
        db.write(c -> Sql.update(c, "UPDATE svix_idempotency SET status = ?, body = ? WHERE caller = ? AND idem_key = ?",
                reply.status(), body == null ? null : body.toString(), caller, key));
    }

    private void release(String caller, String key) {
        db.write(c -> Sql.update(c, "DELETE FROM svix_idempotency WHERE caller = ? AND idem_key = ?", caller, key));
    }
}
