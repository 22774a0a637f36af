package dev.hookline.outbound;

import java.net.URI;

/** Decides whether an endpoint URL may be registered; throws {@link dev.hookline.core.Failure.Invalid} if not. */
@FunctionalInterface
public interface UrlCheck {
    void check(String field, URI url);
}
