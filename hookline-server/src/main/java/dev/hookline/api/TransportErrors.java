package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.svix.SvixApi;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Requests refused before they reach a route (a request line over the URL limit, too many or too
 * large headers, a malformed percent-escape, a malformed request) get a JSON error body like every
 * other failure, not the web server's empty or plain-text one: Svix's {@code {code, detail}} under
 * {@code /api/v1}, Hookline's {@code {error: {code, message}}} elsewhere, and both at once when the
 * request line was too long to tell the path. The message is fixed per case: it never echoes what
 * the request held.
 *
 * <p>The web server gives this handler a status and the request's path, never the reason (its
 * message is withheld as unsafe), so a 400 on a path that is well formed may be a bad escape in
 * the query, headers over their limit, or a malformed header: the message names all three.
 */
final class TransportErrors {
    /** The web server's limits (Helidon's defaults), quoted in the messages and in docs/api.md. */
    static final int MAX_REQUEST_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 16384;

    /** A {@code %} not followed by two hexadecimal digits. */
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private TransportErrors() {}

    static DirectHandlers handlers() {
        DirectHandler json = (request, type, status, headers, message) -> reply(request.path(), status, headers);
        var builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, json);
        }
        return builder.build();
    }

    /** The error for a refusal of {@code status} on {@code path} (empty when the request line could not be read). */
    static Reply error(String path, int status) {
        return switch (status) {
            case 413 -> Reply.error(413, "payload_too_large", "the request body is larger than the server accepts");
            case 414 -> Reply.error(414, "uri_too_long", "the request line (method, URL, version) is longer than "
                    + MAX_REQUEST_LINE_BYTES + " bytes");
            case 431 -> Reply.error(431, "headers_too_large", "the request headers are larger than " + MAX_HEADER_BYTES
                    + " bytes in all");
            case 505 -> Reply.error(505, "http_version_not_supported", "use HTTP/1.1 or HTTP/2");
            case 400 -> BAD_ESCAPE.matcher(path).find()
                    ? Reply.error(400, "invalid_url", "the URL's path has a malformed percent-escape: '%' must be followed by"
                            + " two hexadecimal digits (write a literal '%' as %25)")
                    : Reply.error(400, "bad_request", "the request is not valid HTTP: a malformed percent-escape in the query"
                            + " ('%' must be followed by two hexadecimal digits; write a literal '%' as %25), headers over "
                            + MAX_HEADER_BYTES + " bytes in all, or a malformed header");
            default -> status >= 500
                    ? Reply.error(status, "internal_error", "the server failed to handle this request; it has been logged")
                    : Reply.error(status, "bad_request", "the request is not valid HTTP");
        };
    }

    /** The body for {@code path}: Svix's shape under its API, Hookline's elsewhere, both when the path is unknown. */
    static ObjectNode body(String path, Reply hookline) {
        ObjectNode svix = (ObjectNode) SvixApi.inSvixShape(hookline).body();
        if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
            return svix;
        }
        ObjectNode out = ((ObjectNode) hookline.body()).deepCopy();
        if (path.isEmpty()) {
            out.setAll(svix);
        }
        return out;
    }

    private static DirectHandler.TransportResponse reply(String path, Status status, ServerResponseHeaders headers) {
        String known = path == null ? "" : path;
        byte[] body = body(known, error(known, status.code())).toString().getBytes(StandardCharsets.UTF_8);
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .entity(body)
                .build();
    }
}
