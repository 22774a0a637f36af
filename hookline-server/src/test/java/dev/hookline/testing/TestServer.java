package dev.hookline.testing;

import dev.hookline.Hookline;
import dev.hookline.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A real Hookline on loopback, on a real SQLite file in a temporary folder, with private targets
 * allowed (receivers live on 127.0.0.1), and a small JSON client for its API.
 */
public final class TestServer extends ApiClient implements AutoCloseable {
    public static final String ROOT_KEY = ApiClient.ROOT_KEY;

    private final Settings settings;
    private final Backend backend;
    private final Clock clock;
    private final dev.hookline.delivery.SsrfGuard.HostResolver resolver;
    private Hookline hookline;

    public TestServer() {
        this(Backend.SQLITE);
    }

    public TestServer(Backend backend) {
        this(backend, Clock.systemUTC());
    }

    public TestServer(Clock clock) {
        this(Backend.SQLITE, clock);
    }

    public TestServer(Backend backend, Clock clock) {
        this(backend, clock, s -> s);
    }

    public TestServer(Clock clock, java.util.function.UnaryOperator<Settings> adjust) {
        this(Backend.SQLITE, clock, adjust);
    }

    public TestServer(Backend backend, Clock clock, java.util.function.UnaryOperator<Settings> adjust) {
        this(backend, clock, adjust, java.net.InetAddress::getAllByName);
    }

    /** A server on {@code backend} whose settings {@code adjust} changes from the test defaults. */
    public TestServer(Backend backend, Clock clock, java.util.function.UnaryOperator<Settings> adjust,
                      dev.hookline.delivery.SsrfGuard.HostResolver resolver) {
        this.resolver = resolver;
        this.backend = backend;
        try {
            Path dataDir = Files.createTempDirectory("hookline-test");
            this.settings = adjust.apply(Settings.defaults(dataDir).withHost("127.0.0.1").withPort(0)
                    .withApiKey(ROOT_KEY).withAllowPrivateTargets(true).withDatabaseUrl(backend.newDatabaseUrl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.clock = clock;
        start();
    }

    public void start() {
        hookline = Hookline.start(settings, clock, resolver);
    }

    /** Stops the server (gracefully) and starts a new one on the same data folder. */
    public void restart() {
        hookline.close();
        start();
    }

    public void stop() {
        hookline.close();
    }

    /** The main port (HTTP, or HTTPS when plain HTTP is off). */
    public int port() {
        return hookline.port();
    }

    /** The HTTPS port, or -1 without HTTPS. */
    public int tlsPort() {
        return hookline.tlsPort();
    }

    public Backend backend() {
        return backend;
    }

    /** The database URL of a PostgreSQL-backed server (null on SQLite). */
    public String databaseUrl() {
        return settings.databaseUrl();
    }

    /** The server's route table, as registered. */
    public java.util.List<dev.hookline.api.ApiServer.Route> routes() {
        return hookline.routes();
    }

    /** The {@code hookline_memory_entries} gauges from {@code /metrics}: entries per in-memory table. */
    public java.util.Map<String, Long> memoryEntries() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        var line = java.util.regex.Pattern.compile("^hookline_memory_entries\\{table=\"([a-z_]+)\",?\\} (\\S+)$",
                java.util.regex.Pattern.MULTILINE).matcher(get("/metrics").raw().body());
        while (line.find()) {
            out.put(line.group(1), (long) Double.parseDouble(line.group(2)));
        }
        return out;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + hookline.port();
    }

    @Override
    public void close() {
        if (hookline != null) {
            hookline.close();
        }
    }
}
