package dev.hookline.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, alone in an empty folder, as a user runs it: {@code java -jar hookline.jar serve}.
 * Runs after {@code package} (Maven Failsafe), on the jar the build just made: every library must be
 * inside it (HTTP server and client, SQLite's native code, migrations, the JDBC drivers' service
 * entries), with no {@code lib/} beside it.
 */
class JarIT {
    @TempDir
    Path folder;

    @Test
    void theJarAloneServesSignsAndDeliversAndStopsCleanly() throws Exception {
        Path jar = Files.copy(Path.of("target", "hookline.jar"), folder.resolve("hookline.jar"));
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("hookline.jar");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        servesAndStops(new ProcessBuilder(java, "-jar", jar.toString(), "serve").directory(folder.toFile()));
    }

    /** The release tarball unpacked: its launcher runs the jar beside it (no sources, no build), with the unit and docs. */
    @Test
    void theReleaseTarballsLauncherRunsItsJar() throws Exception {
        Path root = unpackedTarball();
        for (String file : new String[] {"hookline.jar", "bin/hookline", "hookline.service", "LICENSE", "README.md",
                "docs/operations.md", "docs/grafana-dashboard.json"}) {
            assertThat(root.resolve(file)).as(file).exists();
        }
        assertThat(root.resolve("bin/hookline")).isExecutable();
        servesAndStops(launcher(root, "serve"));
    }

    /**
     * What the tarball says of itself holds inside it: its README links only to files it has, and its
     * launcher's help offers only commands that work without the source tree, naming itself as typed.
     */
    @Test
    void theReleaseTarballDescribesOnlyWhatItHolds() throws Exception {
        Path root = unpackedTarball();
        String readme = Files.readString(root.resolve("README.md"));
        var links = java.util.regex.Pattern.compile("\\]\\(([^)#]+)(#[^)]*)?\\)").matcher(readme).results()
                .map(m -> m.group(1)).filter(link -> !link.contains("://")).toList();
        assertThat(links).isNotEmpty().allSatisfy(link -> assertThat(root.resolve(link)).as("README link " + link).exists());

        String help = run(launcher(root, "--help")).replaceAll("\\s+", " ");
        assertThat(help).contains("bin/hookline serve", "Usage: " + root.resolve("bin/hookline"))
                .doesNotContain("bin/hookline test", "bin/hookline build", "builds the server");
        String send = run(launcher(root, "send", "--help")).replaceAll("\\s+", " "); // as one line: help wraps a long path
        assertThat(send).contains("Usage: " + root.resolve("bin/hookline") + " send", " " + root.resolve("bin/hookline") + " send --app acme");
        ProcessBuilder test = launcher(root, "test");
        assertThat(run(test)).contains("'test' needs the source tree");
    }

    private Path unpackedTarball() throws Exception {
        Path tarball;
        try (var files = Files.list(Path.of("target"))) {
            tarball = files.filter(p -> p.getFileName().toString().matches("hookline-.*\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString()).directory(folder.toFile()).inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (var files = Files.list(folder)) {
            return files.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private ProcessBuilder launcher(Path root, String... args) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", root.resolve("bin/hookline").toString()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(folder.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    /** Runs a command that ends by itself: everything it printed (stdout and stderr). */
    private String run(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(folder, "run", ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Files.readString(out);
    }

    private void servesAndStops(ProcessBuilder pb) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pb.redirectErrorStream(true).redirectOutput(folder.resolve("out.log").toFile());
        pb.environment().put("HOOKLINE_PORT", Integer.toString(port));
        pb.environment().put("HOOKLINE_HOST", "127.0.0.1");
        pb.environment().put("HOOKLINE_API_KEY", ApiClient.ROOT_KEY);
        pb.environment().put("HOOKLINE_ALLOW_PRIVATE_TARGETS", "true");
        Process server = pb.start();
        try (Receiver receiver = new Receiver()) {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            Await.until("the jar's server to be ready", Duration.ofSeconds(60), () -> {
                assertThat(server.isAlive()).as(log()).isTrue();
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            ApiClient api = ApiClient.at(base);
            String app = api.createApp("Jar");
            String secret = api.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\"}").text("/secret");
            String msg = api.send(app, "jar.works", "{\"n\":1}");
            Await.until("the delivery", Duration.ofSeconds(30), () -> receiver.count() == 1);
            Receiver.Request delivered = receiver.requests().getFirst();
            assertThat(delivered.header("webhook-id")).isEqualTo(msg);
            new Webhook(secret).verify(delivered.bodyText(), delivered.headers());
            assertThat(Files.exists(folder.resolve("data").resolve("hookline.db"))).isTrue();

            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as(log()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    private String log() {
        try {
            return Files.readString(folder.resolve("out.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
