package dev.hookline.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --server} and {@code --api-key}, shared by every command that calls a running Hookline. */
final class ServerOptions {
    @Option(names = {"--server", "-s"}, paramLabel = "URL", scope = ScopeType.INHERIT, defaultValue = "${env:HOOKLINE_URL:-http://localhost:8080}",
            description = "the Hookline to talk to (HOOKLINE_URL, default ${DEFAULT-VALUE})")
    String server;

    @Option(names = {"--api-key", "-k"}, paramLabel = "KEY", scope = ScopeType.INHERIT, defaultValue = "${env:HOOKLINE_API_KEY}",
            description = "an API key (HOOKLINE_API_KEY); prefer the variable: flags show up in process lists")
    String apiKey;

    HooklineApi api() {
        if (apiKey == null || apiKey.isBlank()) {
            throw new CliFailure.Usage("no API key: set HOOKLINE_API_KEY or pass --api-key");
        }
        return new HooklineApi(server, apiKey);
    }
}
