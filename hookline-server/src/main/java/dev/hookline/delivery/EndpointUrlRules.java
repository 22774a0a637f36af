package dev.hookline.delivery;

import dev.hookline.core.Failure;
import dev.hookline.outbound.UrlCheck;
import java.net.URI;

/** What an endpoint URL must satisfy to be registered: HTTPS when the server requires it, and the SSRF guard. */
public record EndpointUrlRules(boolean httpsOnly, SsrfGuard guard) implements UrlCheck {
    @Override
    public void check(String field, URI url) {
        if (httpsOnly && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new Failure.Invalid(field, "must use https:// (this server is configured with HOOKLINE_HTTPS_ONLY=true)");
        }
        guard.checkUrl(field, url);
    }
}
