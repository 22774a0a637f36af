package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code send}, {@code replay} and {@code recover}: make something be delivered, now or again. */
final class DeliveryCommands {
    private DeliveryCommands() {}

    private static String seg(String s) {
        return HooklineApi.segment(s);
    }

    @Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Send a message to an app's endpoints, or a webhook.test to one endpoint.", "",
                "  ${ROOT-COMMAND-NAME} send --app acme --event invoice.paid --data '{\"amount\": 1200}'",
                "  ${ROOT-COMMAND-NAME} send --app acme --endpoint ep_… --test", ""})
    static final class Send implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Spec
        CommandSpec spec;

        @Option(names = "--app", required = true, description = "the app's id or uid")
        String app;

        @Option(names = "--event", description = "the event name, e.g. invoice.paid")
        String event;

        @Option(names = "--data", paramLabel = "JSON", description = "the payload: JSON, @file or - for standard input (default {})")
        String data;

        @Option(names = "--id", description = "your idempotency key: the same id is sent once")
        String id;

        @Option(names = "--channel", description = "tag for endpoints that filter by channel (repeatable)")
        List<String> channels = new ArrayList<>();

        @Option(names = "--endpoint", description = "with --test: the endpoint to test")
        String endpoint;

        @Option(names = "--test", description = "send a webhook.test to --endpoint alone")
        boolean test;

        @Option(names = "--json", description = "print the answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            HooklineApi api = server.api();
            Terminal terminal = Terminal.standard();
            JsonNode message;
            if (test) {
                if (endpoint == null || event != null || data != null) {
                    throw new CliFailure.Usage("--test takes --endpoint, and neither --event nor --data");
                }
                message = api.post("/v1/apps/" + seg(app) + "/endpoints/" + seg(endpoint) + "/test", null);
            } else {
                if (event == null || endpoint != null) {
                    throw new CliFailure.Usage("say which event: --event NAME (--endpoint goes with --test)");
                }
                ObjectNode fields = HooklineApi.object();
                fields.put("event", event);
                if (id != null) {
                    fields.put("id", id);
                }
                if (!channels.isEmpty()) {
                    channels.forEach(fields.putArray("channels")::add);
                }
                // data goes as the bytes given: Hookline stores and sends it exactly as written
                String raw = data == null ? "{}" : JsonInput.text(data).strip();
                if (!JsonInput.parse(raw).isObject()) {
                    throw new CliFailure.Usage("--data must be a JSON object");
                }
                String body = "{\"data\":" + raw + "," + fields.toString().substring(1);
                message = api.call("POST", "/v1/apps/" + seg(app) + "/messages", body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Duration.ofSeconds(30)).body();
            }
            if (json) {
                terminal.json(message);
            } else {
                terminal.out.println("sent " + message.path("id").asText() + " (" + message.path("event").asText() + ")"
                        + (test ? " to " + endpoint : "") + "; see it with: " + spec.root().name() + " messages get " + message.path("id").asText()
                        + " --app " + app);
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Deliver something again.", "",
                "  ${ROOT-COMMAND-NAME} replay --source src_… evt_…                        forward an inbound event again (a new message)",
                "  ${ROOT-COMMAND-NAME} replay --source src_… evt_… --forward-to URL       post it to a local URL, byte for byte",
                "  ${ROOT-COMMAND-NAME} replay --app acme --endpoint ep_… msg_…            attempt a message to an endpoint again, now", ""})
    static final class Replay implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", paramLabel = "ID", description = "the inbound event (evt_…) or message (msg_… or your id)")
        String id;

        @Option(names = "--source", description = "the source of an inbound event")
        String source;

        @Option(names = "--forward-to", paramLabel = "URL", description = "with --source: post the event here instead of forwarding it on the server")
        URI forwardTo;

        @Option(names = "--app", description = "the app of a message")
        String app;

        @Option(names = "--endpoint", description = "the endpoint to send the message to again")
        String endpoint;

        @Option(names = "--json", description = "print the answer as JSON")
        boolean json;

        @Override
        public Integer call() {
            HooklineApi api = server.api();
            Terminal terminal = Terminal.standard();
            if (source != null && app == null && endpoint == null) {
                String event = "/v1/sources/" + seg(source) + "/events/" + seg(id);
                if (forwardTo != null) {
                    JsonNode stored = api.get(event + "?body_encoding=base64");
                    Relay.Forwarded result = Relay.forward(Relay.localClient(), forwardTo, Relay.headers(stored), Relay.body(stored));
                    terminal.out.println(id + "  → " + terminal.status(result.status()) + "  " + result.millis() + " ms"
                            + (result.error() == null ? "" : "  " + terminal.paint(Terminal.RED, result.error())));
                    return result.status() / 100 == 2 ? 0 : 1;
                }
                JsonNode replayed = api.post(event + "/replay", null);
                print(terminal, replayed, "forwarded " + id + " again as " + replayed.path("message_id").asText("(no message)"));
                return 0;
            }
            if (app != null && endpoint != null && source == null && forwardTo == null) {
                JsonNode delivery = api.post("/v1/apps/" + seg(app) + "/messages/" + seg(id) + "/endpoints/" + seg(endpoint) + "/resend", null);
                print(terminal, delivery, "queued " + id + " for " + endpoint + " (delivery " + delivery.path("id").asText() + ")");
                return 0;
            }
            throw new CliFailure.Usage("replay an inbound event with --source, or a message with --app and --endpoint");
        }

        private void print(Terminal terminal, JsonNode answer, String line) {
            if (json) {
                terminal.json(answer);
            } else {
                terminal.out.println(line);
            }
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Attempt again the deliveries that failed for good since a time, on one endpoint or all of an app's.", "",
                "  ${ROOT-COMMAND-NAME} recover --app acme --since 24h", ""})
    static final class Recover implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Option(names = "--app", required = true, description = "the app's id or uid")
        String app;

        @Option(names = "--endpoint", description = "only this endpoint (default: every endpoint of the app)")
        String endpoint;

        @Option(names = "--since", required = true, description = "an RFC 3339 time, or an age such as 90m, 24h, 7d")
        String since;

        @Override
        public Integer call() {
            HooklineApi api = server.api();
            Terminal terminal = Terminal.standard();
            String from = since(since, Instant.now());
            List<String> endpoints = new ArrayList<>();
            if (endpoint != null) {
                endpoints.add(endpoint);
            } else {
                ResourceCommands.all(api, "/v1/apps/" + seg(app) + "/endpoints").forEach(e -> endpoints.add(e.get("id").asText()));
            }
            ObjectNode body = HooklineApi.object().put("since", from);
            int total = 0;
            for (int i = 0; i < endpoints.size(); i++) {
                total += api.post("/v1/apps/" + seg(app) + "/endpoints/" + seg(endpoints.get(i)) + "/recover", body).path("recovered").asInt();
                terminal.progress(i + 1, endpoints.size(), "endpoints, " + total + " deliveries re-queued");
            }
            terminal.out.println("re-queued " + total + " deliveries that failed since " + from + " on " + endpoints.size() + " endpoints");
            return 0;
        }

        /** {@code 24h} → the RFC 3339 time 24 hours before {@code now}; an RFC 3339 time as it is. */
        static String since(String value, Instant now) {
            var age = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(value.strip());
            if (age.matches()) {
                long n = Long.parseLong(age.group(1));
                Duration d = switch (age.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(d).toString();
            }
            try {
                return Instant.parse(value).toString();
            } catch (DateTimeParseException e) {
                throw new CliFailure.Usage("--since must be an RFC 3339 time (2026-11-23T00:00:00Z) or an age (90m, 24h, 7d)");
            }
        }
    }
}
