package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Map;

/**
 * What {@code hookline listen} follows on the server: a source's inbound log (each event with the
 * headers and bytes its sender posted) or an endpoint's deliveries (each with the headers and bytes
 * Hookline signs for that endpoint). Both are logs read with {@code ?after=<cursor>&wait=}.
 */
sealed interface Feed {
    /** The resource itself, read once at the start: a wrong id or key fails at once. */
    String resourcePath();

    /** The log, with the query parameters it needs besides {@code limit}, {@code wait} and {@code after}. */
    String logPath();

    /** The prefix of the log's ids: a cursor "from now" is the smallest id of this instant. */
    String idPrefix();

    /** For the file that keeps the cursor: safe in a file name. */
    String cursorName();

    String describe(JsonNode resource);

    /** The item's request as it is to be posted, or null when there is none (a delivery whose content was deleted). */
    Request request(JsonNode item);

    String eventName(JsonNode resource, JsonNode item, Request request);

    /** When the item came to be: the source received it, or the message was created. */
    String time(JsonNode item);

    record Request(Map<String, String> headers, JsonNode headersJson, byte[] body) {}

    record SourceEvents(String sourceId) implements Feed {
        @Override
        public String resourcePath() {
            return "/v1/sources/" + HooklineApi.segment(sourceId);
        }

        @Override
        public String logPath() {
            return resourcePath() + "/events?body_encoding=base64";
        }

        @Override
        public String idPrefix() {
            return "evt";
        }

        @Override
        public String cursorName() {
            return safe(sourceId);
        }

        @Override
        public String describe(JsonNode source) {
            return "events of " + source.path("name").asText() + " (" + sourceId + ")";
        }

        @Override
        public Request request(JsonNode event) {
            return new Request(Relay.headers(event), event.path("headers"), Relay.body(event));
        }

        @Override
        public String eventName(JsonNode source, JsonNode event, Request request) {
            return Relay.eventName(source, request.headers(), request.body());
        }

        @Override
        public String time(JsonNode event) {
            return event.path("received_at").asText();
        }
    }

    record EndpointDeliveries(String app, String endpoint) implements Feed {
        @Override
        public String resourcePath() {
            return "/v1/apps/" + HooklineApi.segment(app) + "/endpoints/" + HooklineApi.segment(endpoint);
        }

        @Override
        public String logPath() {
            return resourcePath() + "/deliveries?";
        }

        @Override
        public String idPrefix() {
            return "dlv";
        }

        @Override
        public String cursorName() {
            return safe(app + "." + endpoint);
        }

        @Override
        public String describe(JsonNode ep) {
            String name = ep.path("name").isTextual() ? ep.get("name").asText() + " " : "";
            return "deliveries of endpoint " + name + "(" + ep.path("id").asText() + ", "
                    + ep.path("delivery").asText("push") + ")";
        }

        @Override
        public Request request(JsonNode delivery) {
            JsonNode request = delivery.path("request");
            if (!request.isObject()) {
                return null;
            }
            return new Request(Relay.headers(request), request.path("headers"),
                    Base64.getDecoder().decode(request.path("body").asText("")));
        }

        @Override
        public String eventName(JsonNode ep, JsonNode delivery, Request request) {
            return delivery.path("event").isTextual() ? delivery.get("event").asText() : null;
        }

        @Override
        public String time(JsonNode delivery) {
            return delivery.path("created_at").asText();
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
