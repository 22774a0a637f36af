package dev.hookline.svix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Call;
import dev.hookline.api.Json;
import dev.hookline.api.PortalLinks;
import dev.hookline.api.Reply;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.outbound.App;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/auth}: Svix's app portal access, answered with a link to Hookline's own customer
 * portal (the same link {@code POST /v1/apps/{app}/portal-access} makes). A product that embedded
 * Svix's hosted portal gets a portal it hosts itself, from the same SDK call.
 */
final class Authentication {
    private static final Set<String> FIELDS = Set.of("application", "capabilities", "expiry", "featureFlags", "readOnly", "sessionId");
    /** The capabilities that only look: a link asking for these alone is read-only. */
    private static final Set<String> VIEWING = Set.of("ViewBase", "ViewEndpointSecret");
    /** What a full link may do in Hookline's portal; asking for some of these and not others cannot be granted. */
    private static final Set<String> MANAGING = Set.of("ManageEndpoint", "ManageEndpointSecret", "CreateAttempts");

    private final PortalLinks links;
    private final Applications applications;

    Authentication(PortalLinks links, Applications applications) {
        this.links = links;
        this.applications = applications;
    }

    void register(SvixApi.Routes r) {
        r.post("/api/v1/auth/app-portal-access/{app}", this::appPortalAccess)
                // Svix's older name for the same call, still in its SDKs
                .post("/api/v1/auth/dashboard-access/{app}", call -> {
                    call.requireRoot();
                    return link(call, applications.ofPath(call, null), null, false);
                });
    }

    private Reply appPortalAccess(Call call) {
        // Before the app is looked up, as /v1's portal-access does: a scoped key gets 403 whichever app it names.
        call.requireRoot();
        Fields f = Wire.body(call).allowOnly(FIELDS);
        Wire.refuse(f, "featureFlags", "event type feature flags are not offered");
        Wire.refuse(f, "sessionId", "portal links are not stored, so there is no session to expire; keep lifetimes short instead");
        boolean readOnly = Boolean.TRUE.equals(f.bool("readOnly")) | readOnly(f.strings("capabilities", 10));
        Long expiry = f.integer("expiry", PortalLinks.MIN_LIFETIME_SECONDS, PortalLinks.MAX_LIFETIME_SECONDS);
        return link(call, applications.ofPath(call, f.object("application")), expiry, readOnly);
    }

    /**
     * Hookline's portal links look, or look and change everything the portal offers: Svix's
     * capabilities are read as one of the two, and a set that is neither is refused rather than
     * granted more than it asked for.
     */
    private static boolean readOnly(List<String> capabilities) {
        if (capabilities == null || capabilities.isEmpty()) {
            return false;
        }
        if (VIEWING.containsAll(capabilities)) {
            return true;
        }
        // ManageTransformations grants nothing here (there are no transformations), so it neither adds nor takes away
        if (!capabilities.containsAll(MANAGING)) {
            throw new Failure.Invalid("capabilities", "a Hookline portal link is read-only (ViewBase) or may change everything"
                    + " the portal offers (ManageEndpoint, ManageEndpointSecret and CreateAttempts, or no capabilities at all)");
        }
        return false;
    }

    /** Svix's {@code AppPortalAccessOut}: {@code {url, token}}. */
    private Reply link(Call call, App app, Long expiry, boolean readOnly) {
        PortalLinks.Link link = links.issue(call, app.id(), expiry, readOnly, Json.object());
        ObjectNode out = Json.object();
        out.put("url", link.url());
        out.put("token", link.token());
        return Reply.ok(out);
    }
}
