package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code apps}, {@code endpoints}, {@code messages}, {@code attempts}, {@code sources}, {@code keys} and
 * {@code event-types}: the API's resources as {@code list | get | create | update | delete}, where the
 * API has them. Each resource says where it lives and which columns its table shows; the verbs are
 * shared. Tables for people, {@code --json} for scripts.
 */
final class ResourceCommands {
    private ResourceCommands() {}

    /** A resource: its collection path (given the command's {@code --app} etc.), table columns as JSON pointers. */
    abstract static class Resource {
        @Mixin
        ServerOptions server;

        @Option(names = "--json", scope = ScopeType.INHERIT, description = "print JSON instead of a table")
        boolean json;

        abstract String collection();

        abstract List<String> columns();

        String one(String id) {
            return collection() + "/" + HooklineApi.segment(id);
        }

        static String required(String value, String option) {
            if (value == null) {
                throw new CliFailure.Usage(option + " is required");
            }
            return HooklineApi.segment(value);
        }
    }

    /** Every item of a list, page after page. */
    static List<JsonNode> all(HooklineApi api, String path) {
        List<JsonNode> items = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = api.get(path + (path.contains("?") ? "&" : "?") + "limit=250" + (after == null ? "" : "&after=" + HooklineApi.segment(after)));
            page.path("data").forEach(items::add);
            after = page.path("next").isTextual() && !page.path("data").isEmpty() ? page.get("next").asText() : null;
        } while (after != null);
        return items;
    }

    private static void table(Terminal terminal, Resource r, List<JsonNode> items) {
        List<String> header = r.columns().stream().map(c -> c.substring(c.lastIndexOf('/') + 1)).toList();
        terminal.table(header, items.stream().map(i -> r.columns().stream().map(c -> Terminal.cell(i.at(c))).toList()).toList());
    }

    /** One item as "field  value" lines (nested values as compact JSON). */
    private static void item(Terminal terminal, Resource r, JsonNode item) {
        if (r.json) {
            terminal.json(item);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        item.properties().forEach(f -> rows.add(List.of(f.getKey(), Terminal.cell(f.getValue()))));
        terminal.table(List.of("field", "value"), rows);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List them, oldest first.")
    static final class ListVerb implements Callable<Integer> {
        @ParentCommand
        Resource resource;

        @Option(names = "--limit", description = "at most this many (1-250, default 50)")
        Integer limit;

        @Option(names = "--after", description = "continue after this cursor (the 'next' of the previous page)")
        String after;

        @Option(names = "--all", description = "every page")
        boolean all;

        @Option(names = "--query", paramLabel = "NAME=VALUE", description = "another query parameter the API takes, e.g. event=invoice.paid")
        Map<String, String> query = new java.util.LinkedHashMap<>();

        @Override
        public Integer call() {
            HooklineApi api = resource.server.api();
            Terminal terminal = Terminal.standard();
            Map<String, Object> params = new java.util.LinkedHashMap<>(query);
            String base = resource.collection();
            if (all) {
                String path = base + HooklineApi.query(params);
                List<JsonNode> items = ResourceCommands.all(api, path);
                if (resource.json) {
                    var out = HooklineApi.JSON.createArrayNode();
                    items.forEach(out::add);
                    terminal.json(out);
                } else {
                    table(terminal, resource, items);
                }
                return 0;
            }
            params.put("limit", limit);
            params.put("after", after);
            JsonNode page = api.get(base + HooklineApi.query(params));
            if (resource.json) {
                terminal.json(page);
                return 0;
            }
            List<JsonNode> items = new ArrayList<>();
            page.path("data").forEach(items::add);
            table(terminal, resource, items);
            if (page.path("next").isTextual() && !items.isEmpty()) {
                terminal.out.println(terminal.paint(Terminal.DIM, "more: --after " + page.get("next").asText()));
            }
            return 0;
        }
    }

    /** A verb on one item: {@code get ID}, {@code update ID}, {@code delete ID}. */
    abstract static class OneItem implements Callable<Integer> {
        @ParentCommand
        Resource resource;

        @Parameters(paramLabel = "ID")
        String id;
    }

    /** {@code --data} and {@code --set}: a request body from the command line. */
    static final class Body {
        @Option(names = "--data", paramLabel = "JSON", description = "the body: JSON, @file or - for standard input")
        String data;

        @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "a field (repeatable); JSON values are taken as JSON")
        List<String> sets = new ArrayList<>();

        com.fasterxml.jackson.databind.node.ObjectNode json() {
            return JsonInput.object(data, sets);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one.")
    static final class GetVerb extends OneItem {
        @Override
        public Integer call() {
            item(Terminal.standard(), resource, resource.server.api().get(resource.one(id)));
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create one from JSON (--data) and/or fields (--set).", "  e.g. --set name=Acme --set events='[\"invoice.*\"]'"})
    static final class CreateVerb implements Callable<Integer> {
        @ParentCommand
        Resource resource;

        @Mixin
        Body body;

        @Override
        public Integer call() {
            item(Terminal.standard(), resource, resource.server.api().post(resource.collection(), body.json()));
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change the fields given (--data and/or --set); null resets a field to its default.")
    static final class UpdateVerb extends OneItem {
        @Mixin
        Body body;

        @Override
        public Integer call() {
            var fields = body.json();
            if (fields.isEmpty()) {
                throw new CliFailure.Usage("nothing to change: give --data or --set");
            }
            item(Terminal.standard(), resource, resource.server.api().call("PATCH", resource.one(id), fields, java.time.Duration.ofSeconds(30)).body());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one.")
    static final class DeleteVerb extends OneItem {
        @Override
        public Integer call() {
            resource.server.api().call("DELETE", resource.one(id), java.time.Duration.ofSeconds(30));
            Terminal.standard().out.println("deleted " + id);
            return 0;
        }
    }

    @Command(name = "apps", mixinStandardHelpOptions = true, description = "Apps: who your webhooks are for.",
            subcommands = {ListVerb.class, GetVerb.class, CreateVerb.class, UpdateVerb.class, DeleteVerb.class})
    static final class Apps extends Resource {
        String collection() {
            return "/v1/apps";
        }

        List<String> columns() {
            return List.of("/id", "/uid", "/name", "/created_at");
        }
    }

    @Command(name = "endpoints", mixinStandardHelpOptions = true, description = "An app's endpoints (--app), or the operational ones (--operational).",
            subcommands = {ListVerb.class, GetVerb.class, CreateVerb.class, UpdateVerb.class, DeleteVerb.class})
    static final class Endpoints extends Resource {
        @Option(names = "--app", scope = ScopeType.INHERIT, description = "the app's id or uid")
        String app;

        @Option(names = "--operational", scope = ScopeType.INHERIT, description = "the operational webhook endpoints (root keys)")
        boolean operational;

        String collection() {
            return operational ? "/v1/operational-webhooks/endpoints" : "/v1/apps/" + required(app, "--app") + "/endpoints";
        }

        List<String> columns() {
            return List.of("/id", "/url", "/enabled", "/events", "/health/circuit", "/created_at");
        }
    }

    @Command(name = "messages", mixinStandardHelpOptions = true, description = "An app's messages (send new ones with '${ROOT-COMMAND-NAME} send').",
            subcommands = {ListVerb.class, GetVerb.class})
    static final class Messages extends Resource {
        @Option(names = "--app", scope = ScopeType.INHERIT, description = "the app's id or uid")
        String app;

        String collection() {
            return "/v1/apps/" + required(app, "--app") + "/messages";
        }

        List<String> columns() {
            return List.of("/id", "/event", "/event_id", "/created_at");
        }
    }

    @Command(name = "attempts", mixinStandardHelpOptions = true, description = "Delivery attempts of a message (--message) or an endpoint (--endpoint).",
            subcommands = {ListVerb.class})
    static final class Attempts extends Resource {
        @Option(names = "--app", scope = ScopeType.INHERIT, description = "the app's id or uid")
        String app;

        @Option(names = "--message", scope = ScopeType.INHERIT, description = "a message's attempts")
        String message;

        @Option(names = "--endpoint", scope = ScopeType.INHERIT, description = "an endpoint's attempts (its delivery log)")
        String endpoint;

        String collection() {
            String base = "/v1/apps/" + required(app, "--app");
            if ((message == null) == (endpoint == null)) {
                throw new CliFailure.Usage("give one of --message and --endpoint");
            }
            return message != null ? base + "/messages/" + HooklineApi.segment(message) + "/attempts"
                    : base + "/endpoints/" + HooklineApi.segment(endpoint) + "/attempts";
        }

        List<String> columns() {
            return List.of("/id", "/message_id", "/endpoint_id", "/attempt", "/status", "/status_code", "/duration_ms", "/error", "/created_at");
        }
    }

    @Command(name = "sources", mixinStandardHelpOptions = true, description = "Sources: URLs third parties post webhooks to (root keys).",
            subcommands = {ListVerb.class, GetVerb.class, CreateVerb.class, UpdateVerb.class, DeleteVerb.class})
    static final class Sources extends Resource {
        String collection() {
            return "/v1/sources";
        }

        List<String> columns() {
            return List.of("/id", "/name", "/enabled", "/verification/scheme", "/url");
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "API keys (root keys). 'create' shows the new key once.",
            subcommands = {ListVerb.class, CreateVerb.class, DeleteVerb.class})
    static final class Keys extends Resource {
        String collection() {
            return "/v1/api-keys";
        }

        List<String> columns() {
            return List.of("/id", "/name", "/app_id", "/key_prefix", "/created_at");
        }
    }

    @Command(name = "event-types", mixinStandardHelpOptions = true, description = "Event types: the names your messages use.",
            subcommands = {ListVerb.class, GetVerb.class, CreateVerb.class, UpdateVerb.class, DeleteVerb.class})
    static final class EventTypes extends Resource {
        String collection() {
            return "/v1/event-types";
        }

        List<String> columns() {
            return List.of("/name", "/description", "/created_at");
        }
    }
}
