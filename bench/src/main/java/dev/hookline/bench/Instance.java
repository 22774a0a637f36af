package dev.hookline.bench;

import dev.hookline.Hookline;
import dev.hookline.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One Hookline started in this JVM on a fresh SQLite data directory (on the project's disk, not a
 * tmpfs, so commits pay a real fsync), listening on 127.0.0.1 on a free port.
 */
final class Instance implements AutoCloseable {
    static final String API_KEY = "hk_bench";

    private final Path dataDir;
    private final Hookline hookline;
    private final HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private boolean stopped;

    private Instance(Path dataDir, boolean dispatching) {
        this.dataDir = dataDir;
        Settings s = Settings.defaults(dataDir)
                .withHost("127.0.0.1")
                .withPort(0)
                .withApiKey(API_KEY)
                .withAllowPrivateTargets(true);
        if (!dispatching) {
            // 0 requests in flight: the dispatcher never claims, so committed deliveries stay pending
            // (the cost of ingest alone, and a backlog for the drain figure).
            s = s.withMaxInFlight(0);
        }
        this.hookline = Hookline.start(s);
    }

    /** A server on a new, empty data directory. */
    static Instance start(Path dataDir) {
        deleteTree(dataDir);
        return new Instance(dataDir, true);
    }

    /** A server on a new, empty data directory whose dispatcher sends nothing: deliveries pile up. */
    static Instance startPaused(Path dataDir) {
        deleteTree(dataDir);
        return new Instance(dataDir, false);
    }

    /** A server on the data directory a {@link #startPaused} instance left: its dispatcher starts on the backlog. */
    static Instance reopen(Path dataDir) {
        return new Instance(dataDir, true);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + hookline.port());
    }

    URI messages(String app) {
        return base().resolve("/v1/apps/" + app + "/messages");
    }

    void createApp(String uid) {
        post("/v1/apps", "{\"name\":\"bench " + uid + "\",\"uid\":\"" + uid + "\"}");
    }

    void createEndpoint(String app, String url) {
        post("/v1/apps/" + app + "/endpoints", "{\"url\":\"" + url + "\",\"name\":\"loopback receiver\"}");
    }

    private void post(String path, String json) {
        try {
            HttpResponse<String> r = admin.send(HttpRequest.newBuilder(base().resolve(path))
                    .header("Authorization", "Bearer " + API_KEY)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server; the data directory stays (for {@link #reopen}). */
    void stop() {
        if (!stopped) {
            stopped = true;
            admin.close();
            hookline.close();
        }
    }

    @Override
    public void close() {
        stop();
        deleteTree(dataDir);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
