package dev.hookline.api;

import dev.hookline.core.Failure;
import dev.hookline.outbound.App;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.OperationalEvents;

/** Resolves the {@code {app}} of a path (id or uid) and hides apps outside a scoped key's reach. */
public final class AppAccess {
    private final AppStore apps;

    AppAccess(AppStore apps) {
        this.apps = apps;
    }

    public App app(Call call) {
        String idOrUid = call.param("app");
        if (idOrUid.equals(OperationalEvents.APP_ID)) {
            throw new Failure.NotFound("app", idOrUid); // managed only at /v1/operational-webhooks
        }
        App app = apps.get(idOrUid);
        if (!call.principal().isRoot() && !app.id().equals(call.principal().appId())) {
            throw new Failure.NotFound("app", idOrUid); // a scoped key must not learn that other apps exist
        }
        return app;
    }
}
