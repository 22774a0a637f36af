package dev.hookline.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Requests refused before they reach a route (a request line over the URL limit, too many or too
 * large headers, a malformed request) get the same JSON error body as every other failure, not
 * the web server's empty or plain-text one. The message is fixed per status: it never echoes what
 * the request held.
 */
final class TransportErrors {
    private TransportErrors() {}

    static DirectHandlers handlers() {
        DirectHandler json = (request, type, status, headers, message) -> reply(status, headers);
        var builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, json);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse reply(Status status, ServerResponseHeaders headers) {
        String[] error = switch (status.code()) {
            case 413 -> new String[] {"payload_too_large", "the request body is larger than the server accepts"};
            case 414 -> new String[] {"uri_too_long", "the request URL is longer than the server accepts"};
            case 431 -> new String[] {"headers_too_large", "the request headers are more or larger than the server accepts"};
            case 505 -> new String[] {"http_version_not_supported", "use HTTP/1.1 or HTTP/2"};
            default -> status.code() >= 500
                    ? new String[] {"internal_error", "the server failed to handle this request; it has been logged"}
                    : new String[] {"bad_request", "the request is not valid HTTP"};
        };
        byte[] body = Json.MAPPER.createObjectNode().set("error", Json.MAPPER.createObjectNode()
                .put("code", error[0]).put("message", error[1])).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .entity(body)
                .build();
    }
}
