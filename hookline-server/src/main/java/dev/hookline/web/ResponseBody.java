package dev.hookline.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sends a response's body — or, to a {@code HEAD}, only the length it would have. The web server
 * writes whatever a handler sends, HEAD or not, and a body after a HEAD's headers is read by the
 * client as the start of its next answer; so every handler sends through here.
 */
public final class ResponseBody {
    private ResponseBody() {}

    public static void send(ServerRequest req, ServerResponse res, byte[] body) {
        if (req.prologue().method() == Method.HEAD) {
            res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
            res.send();
            return;
        }
        res.send(body);
    }
}
