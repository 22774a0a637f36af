package dev.hookline.svix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.AppAccess;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.Reply;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.core.Ids;
import dev.hookline.outbound.App;
import dev.hookline.outbound.AppSettings;
import dev.hookline.outbound.AppStore;
import java.util.Set;

/** {@code /api/v1/app}: Svix's applications are Hookline's apps (a Svix {@code uid} is the app's uid). */
final class Applications {
    static final Set<String> FIELDS = Set.of("name", "uid", "rateLimit", "throttleRate", "metadata");

    private final AppStore apps;
    private final AppAccess access;

    Applications(AppStore apps, AppAccess access) {
        this.apps = apps;
        this.access = access;
    }

    void register(SvixApi.Routes r) {
        r.post("/api/v1/app", this::create)
                .get("/api/v1/app", call -> Wire.list(apps.list(Wire.page(call), call.principal().appId()), Applications::view))
                .get("/api/v1/app/{app}", call -> Reply.ok(view(access.app(call))))
                .put("/api/v1/app/{app}", this::update)
                .patch("/api/v1/app/{app}", this::update)
                .delete("/api/v1/app/{app}", call -> {
                    call.requireRoot();
                    apps.delete(access.app(call).id());
                    return Reply.noContent();
                });
    }

    /** {@code ?get_if_exists=true} answers 200 with the app whose uid is given, instead of a 409. */
    private Reply create(Call call) {
        call.requireRoot();
        Fields f = Wire.body(call);
        In in = In.read(f, true);
        if ("true".equals(call.query("get_if_exists")) && in.uid() != null) {
            try {
                return Reply.ok(view(apps.get(in.uid())));
            } catch (Failure.NotFound absent) {
                // fall through to create it
            }
        }
        return Reply.created(view(create(in)));
    }

    /** Creates the app a message names inline ({@code MessageIn.application}), with the path's uid when it gives none. */
    App create(In in) {
        return apps.create(in.name(), in.uid(), AppSettings.DEFAULT);
    }

    /**
     * The path's app; with an inline {@code application} (Svix's {@code MessageIn} and
     * {@code AppPortalAccessIn} carry one), created under the path's uid when it does not exist yet.
     */
    App ofPath(Call call, Fields inline) {
        try {
            return access.app(call);
        } catch (Failure.NotFound absent) {
            if (inline == null) {
                throw absent;
            }
            call.requireRoot();
            In in = In.read(inline, true);
            return create(new In(in.name(), in.uid() == null ? call.param("app") : in.uid()));
        }
    }

    private Reply update(Call call) {
        App app = access.app(call);
        In in = In.read(Wire.body(call), false);
        // Svix's application has none of Hookline's app settings: they stay as they are.
        return Reply.ok(view(apps.update(app.id(), in.name(), in.uid(), Fields.of(Json.object()))));
    }

    /** Svix's {@code ApplicationIn}, as far as Hookline keeps it. */
    record In(String name, String uid) {
        static In read(Fields f, boolean nameRequired) {
            f.allowOnly(FIELDS);
            Wire.refuse(f, "metadata", "application metadata is not stored by Hookline; keep it in your own database");
            Wire.refuse(f, "rateLimit", "per-application rate limits are not offered; set rateLimit on endpoints instead");
            Wire.refuse(f, "throttleRate", "per-application rate limits are not offered; set rateLimit on endpoints instead");
            String name = f.string("name", 256);
            if (nameRequired && (name == null || name.isBlank())) {
                throw new Failure.Invalid("name", "is required");
            }
            String uid = f.string("uid", 256);
            if (uid != null && !uid.matches("[A-Za-z0-9_.-]+")) {
                throw new Failure.Invalid("uid", "may contain only letters, digits, '_', '.' and '-'");
            }
            // A Svix application id ("app_" and 27 characters) may be kept as the uid when moving; only
            // Hookline's own id shape is kept out, since lookups take an id or a uid.
            if (uid != null && Ids.isId("app", uid)) {
                throw new Failure.Invalid("uid", "must not have the shape of an app id ('app_' and 26 characters)");
            }
            return new In(name, uid);
        }
    }

    static ObjectNode view(App app) {
        ObjectNode out = Json.object();
        out.put("id", app.id());
        out.put("uid", app.uid());
        out.put("name", app.name());
        out.putNull("rateLimit");
        out.putObject("metadata");
        Wire.putTime(out, "createdAt", app.createdAt());
        Wire.putTime(out, "updatedAt", app.updatedAt());
        return out;
    }
}
