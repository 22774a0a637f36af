package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The CLI's client for a running Hookline's API: JSON in and out, errors as {@link CliFailure.Api}. */
final class HooklineApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    private final String apiKey;
    private final HttpClient http;

    HooklineApi(String base, String apiKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    String base() {
        return base;
    }

    /** An answer: status, the Date header (the server's clock) and the JSON body (null when empty). */
    record Answer(int status, JsonNode body, String date) {}

    JsonNode get(String path) {
        return call("GET", path, TIMEOUT).body();
    }

    JsonNode post(String path, JsonNode body) {
        return call("POST", path, body, TIMEOUT).body();
    }

    /** A call without a body. */
    Answer call(String method, String path, Duration timeout) {
        return call(method, path, (byte[]) null, timeout);
    }

    Answer call(String method, String path, JsonNode body, Duration timeout) {
        return call(method, path, body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8), timeout);
    }

    /** One call with a JSON body as bytes; a non-2xx answer or no answer at all is thrown as {@link CliFailure.Api}. */
    Answer call(String method, String path, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliFailure.Api(0, "unreachable", "cannot connect to " + base + " (is the server running? set HOOKLINE_URL or --server)");
        } catch (HttpTimeoutException e) {
            throw new CliFailure.Api(0, "timeout", method + " " + path + " got no answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new CliFailure.Api(0, "io", method + " " + path + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure.Api(0, "interrupted", "interrupted");
        }
        JsonNode json = null;
        if (r.body().length > 0) {
            try {
                json = JSON.readTree(r.body());
            } catch (IOException notJson) {
                throw new CliFailure.Api(r.statusCode(), "not_json", "the server at " + base + " did not answer JSON (is it a Hookline?)");
            }
        }
        if (r.statusCode() / 100 != 2) {
            JsonNode error = json == null ? null : json.path("error");
            throw new CliFailure.Api(r.statusCode(), error == null ? "error" : error.path("code").asText("error"),
                    error == null ? "no details" : error.path("message").asText("no details"));
        }
        return new Answer(r.statusCode(), json, r.headers().firstValue("date").orElse(null));
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ?a=1&b=2} from the entries whose value is not null, in order. */
    static String query(Map<String, ?> params) {
        String q = params.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + segment(e.getValue().toString())).collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
