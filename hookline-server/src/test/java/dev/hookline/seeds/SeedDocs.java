package dev.hookline.seeds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The seed documents in {@code ../shared/seeds} and the code snippets they contain, run as the
 * documents write them: a receiver's verification code is someone else's code, and it must accept
 * what Hookline sends.
 */
final class SeedDocs {
    private SeedDocs() {}

    /** The text of the seed whose file name starts with {@code number} (e.g. "001"). */
    static String seed(String number) {
        Path dir = seedsDir();
        try (Stream<Path> files = Files.list(dir)) {
            Path file = files.filter(p -> p.getFileName().toString().startsWith(number + "_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no seed " + number + " in " + dir));
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The code block that opens with a fence line containing {@code fenceMarker}, without its
     * fences and with the indentation the document gave the whole block removed.
     */
    static String codeBlock(String doc, String fenceMarker) {
        List<String> lines = doc.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("```") && line.contains(fenceMarker)) {
                List<String> body = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !lines.get(j).trim().equals("```"); j++) {
                    body.add(lines.get(j));
                }
                int indent = body.stream().filter(l -> !l.isBlank())
                        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
                return String.join("\n", body.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).toList()) + "\n";
            }
        }
        throw new AssertionError("no code block marked '" + fenceMarker + "'");
    }

    private static Path seedsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("seeds");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("the seed documents (shared/seeds beside the repository) were not found");
    }

    /** Runs a program with a deadline and returns its exit code; its output is kept for failure messages. */
    record Run(int exitCode, String output) {}

    static Run run(Path workDir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
            }
            return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command[0] + " (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
