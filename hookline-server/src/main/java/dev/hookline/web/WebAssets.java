package dev.hookline.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard ({@code /}) and the customer portal ({@code /portal}): one page and its scripts and
 * styles, read from the jar's {@code web/} folder. Nothing is fetched from elsewhere at run time; the
 * page talks to the public {@code /v1} API like any other client.
 *
 * <p>The two pages are the same file served with different framing rules: the operator dashboard
 * may not be framed by anyone (clickjacking), the portal may be framed by any site — it does nothing
 * without the token in its link, and that token reaches the frame only from the product that embeds it.
 */
public final class WebAssets {
    private static final Pattern ASSET_NAME = Pattern.compile("[a-z0-9_-]+(/[a-z0-9_-]+)*\\.(js|css|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "html", "text/html; charset=utf-8");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";
    /** The portal shows the product's logo, which lives on the product's site (https only). */
    private static final String PORTAL_CSP = CSP.replace("img-src 'self' data:", "img-src 'self' data: https:");

    private static final byte[] NO_SUCH_ASSET = "{\"error\":{\"code\":\"not_found\",\"message\":\"no such asset\"}}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private record Asset(byte[] bytes, String type, String etag) {}

    /**
     * The assets found so far: a name that is not in the jar is looked up again each time, never
     * kept, so requests for made-up names cost no memory (they are bounded by the jar's contents).
     */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** Assets kept in memory now: at most the jar's own. */
    public long cached() {
        return cache.size();
    }

    /** Each page and asset answers {@code HEAD} as its {@code GET}, headers only ({@link ResponseBody}). */
    public void register(HttpRouting.Builder routing) {
        Handler dashboard = (req, res) -> page(req, res, CSP + "; frame-ancestors 'none'", true);
        Handler portal = (req, res) -> page(req, res, PORTAL_CSP + "; frame-ancestors *", false);
        for (Method method : new Method[] {Method.GET, Method.HEAD}) {
            routing.route(method, "/", dashboard).route(method, "/portal", portal).route(method, "/assets/*", this::asset);
        }
    }

    private void page(ServerRequest req, ServerResponse res, String csp, boolean denyFraming) {
        res.header("Content-Security-Policy", csp);
        if (denyFraming) {
            res.header("X-Frame-Options", "DENY"); // for browsers that predate frame-ancestors
        }
        // The page's URL may carry a portal token in its fragment; browsers never send a fragment,
        // but a referrer policy keeps the page's own URL off requests for the product's logo.
        res.header("Referrer-Policy", "no-referrer");
        send(req, res, load("index.html").orElseThrow(() -> new IllegalStateException("web/index.html is missing from the jar")));
    }

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().path().substring("/assets/".length());
        Optional<Asset> asset = ASSET_NAME.matcher(name).matches() ? load("assets/" + name) : Optional.empty();
        if (asset.isEmpty()) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            ResponseBody.send(req, res, NO_SUCH_ASSET);
            return;
        }
        send(req, res, asset.get());
    }

    /** Revalidated on every load (no-cache + ETag): a new jar's assets take effect at once, unchanged ones cost a 304. */
    private static void send(ServerRequest req, ServerResponse res, Asset asset) {
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Cache-Control", "no-cache");
        res.header(HeaderNames.ETAG, asset.etag());
        if (req.headers().value(HeaderNames.IF_NONE_MATCH).filter(asset.etag()::equals).isPresent()) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.type());
        ResponseBody.send(req, res, asset.bytes());
    }

    private Optional<Asset> load(String name) {
        return Optional.ofNullable(cache.computeIfAbsent(name, n -> {
            try (InputStream in = WebAssets.class.getResourceAsStream("/web/" + n)) {
                if (in == null) {
                    return null; // not kept
                }
                byte[] bytes = in.readAllBytes();
                String ext = n.substring(n.lastIndexOf('.') + 1);
                String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
                return new Asset(bytes, TYPES.get(ext), etag);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }));
    }
}
