package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;

/**
 * Makes customer portal links: the one place both {@code POST /v1/apps/{app}/portal-access} and
 * Svix's {@code POST /api/v1/auth/app-portal-access/{app}} issue them, so a link means the same
 * thing whichever API asked for it.
 */
public final class PortalLinks {
    /** Lifetimes a link may be given, in seconds: at least a minute, at most {@link PortalTokens#MAX_LIFETIME}. */
    public static final long MIN_LIFETIME_SECONDS = 60;
    public static final long MAX_LIFETIME_SECONDS = PortalTokens.MAX_LIFETIME.toSeconds();

    /** A link for the customer ({@code url}, the token in its fragment), the token alone, and when both stop working. */
    public record Link(String url, String token, long expiresAtMillis) {}

    private final PortalTokens tokens;
    private final String publicUrl;
    private final Clock clock;

    PortalLinks(PortalTokens tokens, String publicUrl, Clock clock) {
        this.tokens = tokens;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /**
     * A link to {@code appId}'s pages, for a root key only (a portal link is a credential for the app).
     * {@code lifetimeSeconds} null means {@link PortalTokens#DEFAULT_LIFETIME}; callers read it within
     * {@link #MIN_LIFETIME_SECONDS}..{@link #MAX_LIFETIME_SECONDS}.
     */
    public Link issue(Call call, String appId, Long lifetimeSeconds, boolean readOnly, ObjectNode branding) {
        call.requireRoot();
        long lifetime = lifetimeSeconds == null ? PortalTokens.DEFAULT_LIFETIME.toMillis() : lifetimeSeconds * 1000;
        long expiresAt = clock.millis() + lifetime;
        String token = tokens.issue(new PortalTokens.Grant(appId, expiresAt, readOnly, branding));
        // The token rides in the fragment: browsers never send a fragment to a server, so it stays out of access logs.
        return new Link(SourceRoutes.baseUrl(call, publicUrl) + "/portal#token=" + token, token, expiresAt);
    }
}
