package dev.hookline.cli;

import dev.hookline.signature.SignatureScheme;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hookline listen}: the developer loop, in one of two modes. */
@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Relay a source's webhooks or an endpoint's deliveries to a local URL, or receive and verify deliveries locally.",
            "",
            "  ${ROOT-COMMAND-NAME} listen --source src_… --forward-to http://localhost:3000/webhooks",
            "      pulls the source's events from the server (long-poll: no inbound port, works behind NAT) and",
            "      posts each to the URL with its original headers and bytes; resumes where it stopped.",
            "  ${ROOT-COMMAND-NAME} listen --app acme --endpoint ep_… --forward-to http://localhost:3000/webhooks",
            "      the same for an endpoint's deliveries, each signed as the endpoint signs it (byte for byte);",
            "      best with a \"delivery\": \"pull\" endpoint, which Hookline never pushes to.",
            "  ${ROOT-COMMAND-NAME} listen --port 9000 --secret whsec_…",
            "      a receiver here that verifies each delivery's signature and prints it (bad ones in red).",
            ""})
final class ListenCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Option(names = "--source", paramLabel = "ID", description = "the source whose inbound events to relay")
    String source;

    @Option(names = "--app", paramLabel = "APP", description = "with --endpoint: the app (id or uid) whose endpoint's deliveries to relay")
    String app;

    @Option(names = "--endpoint", paramLabel = "EP", description = "with --app: the endpoint (id or uid) whose deliveries to relay")
    String endpoint;

    @Option(names = "--forward-to", paramLabel = "URL", description = "where to post each event (without it, events are only shown)")
    URI forwardTo;

    @Option(names = "--events", split = ",", paramLabel = "NAME", description = "only these events (wildcards: invoice.*); others are skipped")
    List<String> events = new ArrayList<>();

    @Option(names = "--from-start", description = "begin at the oldest event or delivery the server still keeps, even after a saved cursor (default: where the last run stopped, or from now on)")
    boolean fromStart;

    @Option(names = "--cursor-file", paramLabel = "FILE", description = "where the position is kept (default ~/.hookline/cursors/<source or app.endpoint>-<hash>)")
    Path cursorFile;

    @Option(names = "--port", description = "receive deliveries on this port instead (local receiver mode)")
    Integer port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "the address the local receiver binds (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--secret", paramLabel = "SECRET", defaultValue = "${env:HOOKLINE_WEBHOOK_SECRET}",
            description = "the endpoint's signing secret (HOOKLINE_WEBHOOK_SECRET); without it signatures are not checked")
    String secret;

    @Option(names = "--scheme", paramLabel = "SCHEME", description = "standard, timestamped, prefixed or hex (default: whichever matches)")
    String scheme;

    @Option(names = "--signature-header", paramLabel = "NAME", description = "where the signature is (default: webhook-signature, or any *-Signature header)")
    String signatureHeader;

    @Option(names = "--print-json", description = "one JSON object a line, for scripts")
    boolean printJson;

    @Override
    public Integer call() throws Exception {
        Terminal terminal = Terminal.standard();
        if (port != null) {
            if (source != null || app != null || endpoint != null || forwardTo != null) {
                throw new CliFailure.Usage("--port receives locally; --source, --app/--endpoint and --forward-to relay from a server: choose one mode");
            }
            SignatureScheme chosen;
            try {
                chosen = scheme == null ? null : SignatureScheme.fromWireName(scheme);
            } catch (IllegalArgumentException e) {
                throw new CliFailure.Usage(e.getMessage());
            }
            return new LocalReceiver(new LocalReceiver.Options(host, port, secret, chosen, signatureHeader, printJson), terminal).run();
        }
        Feed feed = feed();
        if (forwardTo != null && (forwardTo.getScheme() == null || !forwardTo.getScheme().startsWith("http"))) {
            throw new CliFailure.Usage("--forward-to must be an http:// or https:// URL");
        }
        HooklineApi api = server.api();
        CursorFile cursor = cursorFile != null ? new CursorFile(cursorFile) : CursorFile.forFeed(api.base(), feed);
        return new Relay(api, new Relay.Options(feed, forwardTo, events, printJson, cursor, fromStart), terminal).run();
    }

    private Feed feed() {
        if (source != null && (app != null || endpoint != null)) {
            throw new CliFailure.Usage("--source relays a source; --app with --endpoint relays an endpoint's deliveries: choose one");
        }
        if (source != null) {
            return new Feed.SourceEvents(source);
        }
        if (app != null && endpoint != null) {
            return new Feed.EndpointDeliveries(app, endpoint);
        }
        if (app != null || endpoint != null) {
            throw new CliFailure.Usage("an endpoint's deliveries need both --app and --endpoint");
        }
        throw new CliFailure.Usage("say what to listen to: --source src_… or --app … --endpoint … (with --forward-to URL),"
                + " or --port N to receive locally");
    }
}
