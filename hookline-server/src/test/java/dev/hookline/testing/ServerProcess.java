package dev.hookline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hookline as a separate operating-system process (the same main class the jar runs), so a test can
 * kill it with SIGKILL or stop it with SIGTERM and start it again on the same data folder.
 */
public final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final Map<String, String> extraEnv;
    private Process process;

    public ServerProcess(Path dataDir) {
        this(dataDir, Map.of());
    }

    /** A server with more HOOKLINE_* settings, e.g. a shared HOOKLINE_DATABASE_URL and HOOKLINE_MASTER_KEY. */
    public ServerProcess(Path dataDir, Map<String, String> extraEnv) {
        this.dataDir = dataDir;
        this.port = freePort();
        this.log = dataDir.resolve("server.log");
        this.extraEnv = extraEnv;
    }

    public ServerProcess start() {
        launch();
        Await.until("the server process to answer /health (log: " + log + ")", Duration.ofSeconds(60), this::healthy);
        return this;
    }

    /** Starts a server that is expected to refuse to start, and answers its exit code. */
    public int startExpectingExit() {
        launch();
        return waitForExit();
    }

    private void launch() {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.hookline.cli.HooklineCommand", "serve"));
        Map<String, String> env = pb.environment();
        env.put("HOOKLINE_PORT", Integer.toString(port));
        env.put("HOOKLINE_HOST", "127.0.0.1");
        env.put("HOOKLINE_DATA_DIR", dataDir.toString());
        env.put("HOOKLINE_API_KEY", TestServer.ROOT_KEY);
        env.put("HOOKLINE_ALLOW_PRIVATE_TARGETS", "true");
        env.putAll(extraEnv);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean healthy() {
        if (!process.isAlive()) {
            throw new AssertionError("the server process exited with " + process.exitValue() + ":\n" + log());
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM, and the exit code once the process has stopped. */
    public int terminate() {
        process.destroy();
        return waitForExit();
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the server process did not exit within 60 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }
}
