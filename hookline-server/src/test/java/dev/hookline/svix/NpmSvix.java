package dev.hookline.svix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Svix's npm SDK, installed once into {@code target/svix-npm}, and node scripts run beside it. */
final class NpmSvix {
    /** The npm package, pinned: the tests prove this version works, not whatever is newest. */
    static final String VERSION = "2.5.0";
    static final Path DIR = Path.of("target", "svix-npm");

    private NpmSvix() {}

    record Run(int exitCode, String output) {
        /** The last line: the scripts print their result as one JSON line at the end. */
        String lastLine() {
            var lines = output.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    static synchronized void install() {
        try {
            Files.createDirectories(DIR);
            Path installed = DIR.resolve("node_modules/svix/package.json");
            if (!Files.exists(installed) || !Files.readString(installed).contains("\"version\": \"" + VERSION + "\"")) {
                Run npm = run(300, Map.of(), "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", ".", "svix@" + VERSION);
                assertThat(npm.exitCode()).as("npm install svix@" + VERSION + ":\n" + npm.output()).isZero();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies {@code script} beside the installed package (node resolves "svix" from the script's folder). */
    static void place(Path script) {
        try {
            Files.copy(script, DIR.resolve(script.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command in {@link #DIR} with its output in a file (no pipe to fill), killed after {@code seconds}. */
    static Run run(int seconds, Map<String, String> env, String... command) {
        try {
            Path log = Files.createTempFile("svix-sdk", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command[0] + " (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
