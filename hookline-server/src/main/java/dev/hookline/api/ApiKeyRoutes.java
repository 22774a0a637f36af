package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Times;
import dev.hookline.outbound.AppStore;
import io.helidon.http.Method;
import java.util.Set;

/** {@code /v1/api-keys}: root-only management of API keys, each optionally scoped to one app, read-only, or expiring. */
final class ApiKeyRoutes {
    private final ApiKeys keys;
    private final AppStore apps;
    private final java.time.Clock clock;

    ApiKeyRoutes(ApiKeys keys, AppStore apps, java.time.Clock clock) {
        this.keys = keys;
        this.apps = apps;
        this.clock = clock;
    }

    void register(Router r) {
        r.route(Method.POST, "/v1/api-keys", this::create)
                .route(Method.GET, "/v1/api-keys", call -> {
                    call.requireRoot();
                    return Reply.page(keys.list(call.page("key")), ApiKeyRoutes::view);
                })
                .route(Method.DELETE, "/v1/api-keys/{id}", call -> {
                    call.requireRoot();
                    keys.revoke(call.param("id"));
                    return Reply.noContent();
                });
    }

    private Reply create(Call call) {
        call.requireRoot();
        Fields f = call.fields().allowOnly(Set.of("name", "app", "read_only", "expires_at", "rate_limit"));
        String name = f.requiredString("name");
        if (name.isBlank() || name.length() > 200) {
            throw new Failure.Invalid("name", "must be 1 to 200 characters");
        }
        String app = f.string("app");
        String appId = app == null ? null : apps.get(app).id();
        String expires = f.string("expires_at", 64);
        Long expiresAt = expires == null ? null : Times.parse("expires_at", expires);
        if (expiresAt != null && expiresAt <= clock.millis()) {
            throw new Failure.Invalid("expires_at", "must be in the future");
        }
        Long rate = f.integer("rate_limit", 1, 1_000_000);
        ApiKeys.Created created = keys.create(name, appId, Boolean.TRUE.equals(f.bool("read_only")), expiresAt,
                rate == null ? null : Math.toIntExact(rate));
        ObjectNode out = view(created.key());
        out.put("key", created.secret());
        return Reply.created(out);
    }

    static ObjectNode view(ApiKeys.ApiKey key) {
        ObjectNode out = Json.object();
        out.put("id", key.id());
        out.put("name", key.name());
        out.put("app_id", key.appId());
        out.put("key_prefix", key.keyPrefix());
        out.put("read_only", key.readOnly());
        Json.putTime(out, "expires_at", key.expiresAt());
        if (key.ratePerMinute() == null) {
            out.putNull("rate_limit");
        } else {
            out.put("rate_limit", key.ratePerMinute());
        }
        Json.putTime(out, "last_used_at", key.lastUsedAt());
        Json.putTime(out, "created_at", key.createdAt());
        return out;
    }
}
