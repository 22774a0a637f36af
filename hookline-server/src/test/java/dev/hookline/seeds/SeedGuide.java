package dev.hookline.seeds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/seeds.md}, read as a test script: each seed's section, the API calls it shows
 * (code blocks opened with {@code ```json POST /v1/…}) and the programs it shows (opened with
 * {@code ```js receiver.mjs} and the like), so the page is run rather than trusted.
 */
final class SeedGuide {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CALL = Pattern.compile("```json (POST|PATCH|PUT) (\\S+)\\n(.*?)\\n```", Pattern.DOTALL);

    /** One API call as the page shows it. */
    record Call(String method, String path, ObjectNode body) {}

    private SeedGuide() {}

    /** The section of the page about {@code seed} ("001"): from its heading to the next. */
    static String section(String seed) {
        String page = read();
        int start = page.indexOf("\n## " + seed + " ");
        if (start < 0) {
            throw new AssertionError("docs/seeds.md has no section '## " + seed + " …'");
        }
        int end = page.indexOf("\n## ", start + 1);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    static List<Call> calls(String section) {
        List<Call> calls = new ArrayList<>();
        Matcher m = CALL.matcher(section);
        while (m.find()) {
            try {
                calls.add(new Call(m.group(1), m.group(2), (ObjectNode) JSON.readTree(m.group(3))));
            } catch (IOException | ClassCastException e) {
                throw new AssertionError("docs/seeds.md: the body of " + m.group(1) + " " + m.group(2) + " is not a JSON object", e);
            }
        }
        return calls;
    }

    /** The program whose code block opens with {@code marker} (e.g. "js receiver.mjs"). */
    static String program(String section, String marker) {
        return SeedDocs.codeBlock(section, "```" + marker);
    }

    private static String read() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path page = dir.resolve("docs").resolve("seeds.md");
            if (Files.isRegularFile(page)) {
                try {
                    return Files.readString(page);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new AssertionError("docs/seeds.md was not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * A program from the page, running: its output lines are collected as they come, so a test can
     * wait for the line a delivery makes it print.
     */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        Running(Path dir, Map<String, String> env, String... command) {
            try {
                ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
                b.environment().putAll(env);
                process = b.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not run " + command[0] + " (is it installed?)", e);
            }
            Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        seen.add(line);
                        lines.add(line);
                    }
                } catch (IOException ended) {
                    // the process was stopped
                }
            });
        }

        /** The next output line that {@code wanted} accepts, waiting up to {@code wait}; earlier lines are skipped. */
        String awaitLine(String what, Duration wait, Predicate<String> wanted) {
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new AssertionError("no " + what + " within " + wait + "; the program printed: " + seen
                                + (process.isAlive() ? "" : " and exited with " + process.exitValue()));
                    }
                    if (wanted.test(line)) {
                        return line;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The port a server program announced with {@code listening <port>}. */
        int port(Duration wait) {
            return Integer.parseInt(awaitLine("'listening <port>'", wait, l -> l.matches("listening \\d+")).substring(10));
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly); // go run's compiled program
            process.destroyForcibly();
        }
    }
}
