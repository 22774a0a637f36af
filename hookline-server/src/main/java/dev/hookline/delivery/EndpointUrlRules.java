package dev.hookline.delivery;

import dev.hookline.core.Failure;
import dev.hookline.outbound.UrlCheck;
import java.net.URI;

/** What an endpoint URL must satisfy to be registered: HTTPS when the server requires it, a real port, and the SSRF guard. */
public record EndpointUrlRules(boolean httpsOnly, SsrfGuard guard) implements UrlCheck {
    @Override
    public void check(String field, URI url) {
        if (httpsOnly && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new Failure.Invalid(field, "must use https:// (this server is configured with HOOKLINE_HTTPS_ONLY=true)");
        }
        if (url.getPort() == 0 || url.getPort() > 65_535) { // java.net.URI reads any digits as a port
            throw new Failure.Invalid(field, "has port " + url.getPort() + "; a port is 1 to 65535");
        }
        guard.checkUrl(field, url);
    }
}
