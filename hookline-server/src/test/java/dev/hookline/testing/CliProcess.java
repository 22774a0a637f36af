package dev.hookline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code hookline <args>} as a separate operating-system process (the jar's main class on the test
 * class path), its output in a file: for commands that run until stopped, like {@code listen}, and for
 * checking exit codes.
 */
public final class CliProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private CliProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code hookline args…} with these extra environment variables; stdout and stderr go to {@code output}. */
    public static CliProcess start(Path output, Map<String, String> env, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.hookline.cli.HooklineCommand"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().remove("HOOKLINE_API_KEY");
        pb.environment().remove("HOOKLINE_URL");
        pb.environment().putAll(env);
        try {
            return new CliProcess(pb.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code hookline args…} to the end and returns its exit code and output. */
    public static Result run(Path dir, Map<String, String> env, String... args) {
        try {
            Path output = Files.createTempFile(dir, "cli", ".out");
            try (CliProcess p = start(output, env, args)) {
                return new Result(p.waitFor(Duration.ofSeconds(60)), p.output());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Result(int exitCode, String output) {}

    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a line of output containing {@code text}; fails early if the process exits first. */
    public CliProcess awaitOutput(String text, Duration timeout) {
        Await.until("'" + text + "' in the CLI's output", timeout, () -> {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the CLI exited with " + process.exitValue() + " before printing '" + text + "':\n" + output());
            }
            return false;
        });
        return this;
    }

    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the CLI did not exit within " + timeout + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, as a developer's Ctrl-C-then-kill or a crash would. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
