package dev.hookline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for a Hookline's API, authenticated with the suite's root key. */
public abstract class ApiClient {
    public static final String ROOT_KEY = "hk_test_root_key_for_the_suite";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public abstract String baseUrl();

    /** A client for the server at {@code baseUrl}. */
    public static ApiClient at(String baseUrl) {
        return new ApiClient() {
            @Override
            public String baseUrl() {
                return baseUrl;
            }
        };
    }

    /** A response: status and JSON body (null when empty). */
    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public JsonNode json(String path) {
            return body.at(path);
        }

        public String text(String path) {
            return body.at(path).asText();
        }
    }

    public Response post(String path, String json) {
        return call("POST", path, json, ROOT_KEY);
    }

    public Response patch(String path, String json) {
        return call("PATCH", path, json, ROOT_KEY);
    }

    public Response get(String path) {
        return call("GET", path, null, ROOT_KEY);
    }

    public Response delete(String path) {
        return call("DELETE", path, null, ROOT_KEY);
    }

    public Response call(String method, String path, String json, String apiKey) {
        return send(method, path, json, apiKey, "application/json");
    }

    public Response send(String method, String path, String body, String apiKey, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            boolean json = r.headers().firstValue("content-type").orElse("").startsWith("application/json");
            JsonNode node = r.body().isEmpty() || !json ? null : JSON.readTree(r.body());
            return new Response(r.statusCode(), node, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates an app and returns its id. */
    public String createApp(String name) {
        Response r = post("/v1/apps", "{\"name\":\"" + name + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("creating an app: " + r.status() + " " + r.body());
        }
        return r.text("/id");
    }

    /** Creates an endpoint from a JSON body and returns the 201 response (with the secret). */
    public Response createEndpoint(String appId, String json) {
        Response r = post("/v1/apps/" + appId + "/endpoints", json);
        if (r.status() != 201) {
            throw new AssertionError("creating an endpoint: " + r.status() + " " + r.body());
        }
        return r;
    }

    public String send(String appId, String event, String dataJson) {
        Response r = post("/v1/apps/" + appId + "/messages", "{\"event\":\"" + event + "\",\"data\":" + dataJson + "}");
        if (r.status() != 202) {
            throw new AssertionError("sending a message: " + r.status() + " " + r.body());
        }
        return r.text("/id");
    }

    /** The delivery status of a message for its first (or only) endpoint. */
    public String deliveryStatus(String appId, String messageId) {
        JsonNode d = get("/v1/apps/" + appId + "/messages/" + messageId).json("/deliveries/0/status");
        return d.isMissingNode() ? null : d.asText();
    }

}
