package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import dev.hookline.outbound.App;
import io.helidon.http.Method;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/apps/{app}/portal-access}: a link the product hands to its customer, opening the
 * dashboard's pages for that one app. What the link may reach is decided by the API on every call (an
 * app-scoped, possibly read-only caller), not by the pages it shows.
 */
final class PortalRoutes {
    private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");

    private final PortalLinks links;
    private final AppAccess access;

    PortalRoutes(PortalLinks links, AppAccess access) {
        this.links = links;
        this.access = access;
    }

    void register(Router r) {
        r.route(Method.POST, "/v1/apps/{app}/portal-access", this::create);
    }

    private Reply create(Call call) {
        call.requireRoot();
        App app = access.app(call);
        Fields f = call.fields().allowOnly(Set.of("expires_in", "read_only", "branding"));
        Long seconds = f.integer("expires_in", PortalLinks.MIN_LIFETIME_SECONDS, PortalLinks.MAX_LIFETIME_SECONDS);
        boolean readOnly = Boolean.TRUE.equals(f.bool("read_only"));
        ObjectNode branding = branding(f.object("branding"));
        PortalLinks.Link link = links.issue(call, app.id(), seconds, readOnly, branding);

        ObjectNode out = Json.object();
        out.put("url", link.url());
        out.put("token", link.token());
        Json.putTime(out, "expires_at", link.expiresAtMillis());
        out.put("app_id", app.id());
        out.put("read_only", readOnly);
        out.set("branding", branding);
        return Reply.created(out);
    }

    /** {@code {name?, logo_url?, accent_color?}}: shown by the portal page, so checked like anything a page displays. */
    private static ObjectNode branding(Fields f) {
        ObjectNode out = Json.object();
        if (f == null) {
            return out;
        }
        f.allowOnly(Set.of("name", "logo_url", "accent_color"));
        String name = f.string("name", 100);
        if (name != null) {
            out.put("name", name);
        }
        String logo = f.string("logo_url", 2000);
        if (logo != null) {
            if (!logo.startsWith("https://") || logo.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\')) {
                throw new Failure.Invalid("branding.logo_url", "must be an https:// URL without spaces or quotes");
            }
            out.put("logo_url", logo);
        }
        String colour = f.string("accent_color");
        if (colour != null) {
            if (!COLOUR.matcher(colour).matches()) {
                throw new Failure.Invalid("branding.accent_color", "must be a colour like '#1a73e8'");
            }
            out.put("accent_color", colour);
        }
        return out;
    }
}
