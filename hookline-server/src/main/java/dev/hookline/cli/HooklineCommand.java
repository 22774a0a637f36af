package dev.hookline.cli;

import dev.hookline.Hookline;
import dev.hookline.Settings;
import dev.hookline.ops.LogSettings;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hookline <command>}: the entry point of the jar. */
@Command(name = "hookline", mixinStandardHelpOptions = true, version = "Hookline 0.1.0",
        description = "Self-hosted webhook gateway.",
        subcommands = {HooklineCommand.Serve.class, HooklineCommand.Migrate.class, HooklineCommand.RotateMasterKey.class,
            ListenCommand.class,
            DeliveryCommands.Send.class, DeliveryCommands.Replay.class, VerifyCommand.class, DeliveryCommands.Recover.class,
            ResourceCommands.Apps.class, ResourceCommands.Endpoints.class, ResourceCommands.Messages.class,
            ResourceCommands.Attempts.class, ResourceCommands.Sources.class, ResourceCommands.Keys.class,
            ResourceCommands.EventTypes.class})
public final class HooklineCommand implements Runnable {

    public static void main(String[] args) {
        try {
            LogSettings.apply(System.getenv()); // before anything logs: it picks the format and level
        } catch (IllegalArgumentException e) {
            System.err.println("hookline: " + e.getMessage());
            System.exit(2);
        }
        // Helidon logs through java.util.logging: send it to SLF4J so there is one log format.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        // bin/hookline says how it was invoked, so help and hints name the command the user typed
        System.exit(commandLine(System.getProperty("hookline.command", "hookline")).execute(args));
    }

    /**
     * The command line with its exit codes: 0 ok, 1 failed (the server said no, or could not be reached), 2 usage.
     * {@code name} is what usage lines, examples and hints call the command ({@code bin/hookline}, {@code hookline}).
     */
    static CommandLine commandLine(String name) {
        CommandLine cli = new CommandLine(new HooklineCommand());
        cli.setCommandName(name);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("hookline: " + switch (e) {
                case java.nio.file.NoSuchFileException missing -> "no such file: " + missing.getFile();
                case java.nio.file.AccessDeniedException denied -> "permission denied: " + denied.getFile();
                default -> e.getMessage() == null ? e.toString() : e.getMessage();
            });
            return e instanceof CliFailure failure ? failure.exitCode() : 1;
        });
        return cli;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the data is: flags over the HOOKLINE_* environment. */
    static final class StoreOptions {
        @Option(names = "--data-dir", description = "data folder (HOOKLINE_DATA_DIR, default ./data)")
        Path dataDir;

        @Option(names = "--database-url", description = "database URL (HOOKLINE_DATABASE_URL, default SQLite in the data folder)")
        String databaseUrl;

        Settings settings() {
            Settings settings = Settings.fromEnvironment(System.getenv());
            if (dataDir != null) {
                settings = settings.withDataDir(dataDir);
            }
            if (databaseUrl != null) {
                settings = settings.withDatabaseUrl(databaseUrl);
            }
            return settings;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the server. Flags override the HOOKLINE_* environment variables.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "HTTP port (HOOKLINE_PORT, default 8080)")
        Integer port;

        @Option(names = "--host", description = "address to listen on (HOOKLINE_HOST, default 0.0.0.0; 127.0.0.1 for this machine only)")
        String host;

        @CommandLine.Mixin
        StoreOptions store;

        @Option(names = "--allow-private-targets", description = "allow endpoints on loopback/private addresses (HOOKLINE_ALLOW_PRIVATE_TARGETS)")
        Boolean allowPrivateTargets;

        @Override
        public Integer call() throws InterruptedException {
            Settings settings = store.settings();
            if (port != null) {
                settings = settings.withPort(port);
            }
            if (host != null) {
                settings = settings.withHost(host);
            }
            if (allowPrivateTargets != null) {
                settings = settings.withAllowPrivateTargets(allowPrivateTargets);
            }
            Hookline hookline = Hookline.start(settings);
            hookline.generatedRootKey().ifPresent(key -> System.out.print(LogSettings.json()
                    ? dev.hookline.ops.LogEncoder.rootKeyLine(key) : """

                    ==================================================================
                     Hookline generated a root API key. It is shown this once only:

                       %s

                     Use it as 'Authorization: Bearer <key>'. Only its hash is stored;
                     it is listed at /v1/api-keys and can be revoked like any key.
                    ==================================================================

                    """.formatted(key)));
            System.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                hookline.close();
                stopped.countDown();
                // A graceful stop on SIGTERM is a success: exit 0, not the JVM's 143.
                Runtime.getRuntime().halt(0);
            }, "hookline-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Copy a single-node installation (SQLite) into an empty PostgreSQL database.")
    static final class Migrate implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "the data folder of the SQLite installation (stop its server first)")
        Path from;

        @Option(names = "--to", required = true, description = "postgresql://user:pass@host:port/db (or a jdbc:postgresql: URL)")
        String to;

        @Override
        public Integer call() throws Exception {
            var copied = dev.hookline.DataMigration.run(from, to);
            copied.forEach((table, rows) -> System.out.printf("  %-15s %8d rows%n", table, rows));
            System.out.println("""

                    Copied. Secrets travel sealed with this installation's master key: start every node on the
                    new database with HOOKLINE_MASTER_KEY set to that key (the contents of %s,
                    unless HOOKLINE_MASTER_KEY was set here) and HOOKLINE_DATABASE_URL set to the target.
                    """.formatted(from.resolve("master.key")));
            return 0;
        }
    }

    @Command(name = "rotate-master-key", mixinStandardHelpOptions = true,
            description = "Seal every stored secret again under a new master key. Stop every node first.")
    static final class RotateMasterKey implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions store;

        @Override
        public Integer call() throws Exception {
            Settings settings = store.settings();
            var rotated = dev.hookline.MasterKeyRotation.run(settings);
            System.out.printf("Sealed %d values again under a new master key.%n", rotated.values());
            if (rotated.newKeyToSet() == null) {
                System.out.println("The new key replaced " + settings.dataDir().resolve("master.key") + ".");
            } else {
                System.out.printf("""
                        The old key came from HOOKLINE_MASTER_KEY. Start every node with this one, shown once:

                          HOOKLINE_MASTER_KEY=%s
                        """, rotated.newKeyToSet());
            }
            return 0;
        }
    }
}
