package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Fields;
import dev.hookline.outbound.App;
import dev.hookline.outbound.AppSettings;
import dev.hookline.outbound.AppStore;
import io.helidon.http.Method;
import java.util.Set;

/** {@code /v1/apps}: the product's customers. */
final class AppRoutes {
    private static final Set<String> FIELDS = Set.of("name", "uid", "https_only", "test_message");

    private final AppStore apps;
    private final AppAccess access;

    AppRoutes(AppStore apps, AppAccess access) {
        this.apps = apps;
        this.access = access;
    }

    void register(Router r) {
        r.route(Method.POST, "/v1/apps", this::create)
                .route(Method.GET, "/v1/apps", call -> Reply.page(apps.list(call.page("app"), call.principal().appId()), AppRoutes::view))
                .route(Method.GET, "/v1/apps/{app}", call -> Reply.ok(view(access.app(call))))
                .route(Method.PATCH, "/v1/apps/{app}", this::update)
                .route(Method.DELETE, "/v1/apps/{app}", call -> {
                    call.requireRoot();
                    apps.delete(access.app(call).id());
                    return Reply.noContent();
                });
    }

    private Reply create(Call call) {
        call.requireRoot();
        Fields f = call.fields().allowOnly(FIELDS);
        String name = f.string("name", 200);
        String uid = uid(f);
        if (name == null || name.isBlank()) {
            throw new dev.hookline.core.Failure.Invalid("name", "is required");
        }
        return Reply.created(view(apps.create(name, uid, AppSettings.DEFAULT.with(f))));
    }

    private Reply update(Call call) {
        App app = access.app(call);
        Fields f = call.fields().allowOnly(FIELDS);
        String name = f.string("name", 200);
        if (name != null && name.isBlank()) {
            throw new dev.hookline.core.Failure.Invalid("name", "must not be blank");
        }
        String uid = uid(f);
        // uids are unique across apps, so a scoped key that could change its own would learn, from the
        // conflict, which uids other apps have: the product (a root key) sets them.
        if (uid != null && !uid.equals(app.uid()) && !call.principal().isRoot()) {
            throw new dev.hookline.core.Failure.Forbidden("an app's uid is set with a root API key");
        }
        return Reply.ok(view(apps.update(app.id(), name, uid, f)));
    }

    private static String uid(Fields f) {
        String uid = f.string("uid", 200);
        if (uid != null && !uid.matches("[A-Za-z0-9_.-]+")) {
            throw new dev.hookline.core.Failure.Invalid("uid", "may contain only letters, digits, '_', '.' and '-'");
        }
        if (uid != null && uid.startsWith("app_")) {
            throw new dev.hookline.core.Failure.Invalid("uid", "must not start with 'app_' (reserved for ids)");
        }
        return uid;
    }

    static ObjectNode view(App app) {
        ObjectNode out = Json.object();
        out.put("id", app.id());
        out.put("uid", app.uid());
        out.put("name", app.name());
        app.settings().putInto(out);
        Json.putTime(out, "created_at", app.createdAt());
        Json.putTime(out, "updated_at", app.updatedAt());
        return out;
    }
}
