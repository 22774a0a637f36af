package dev.hookline.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where {@code hookline listen} is in a source's event log or an endpoint's deliveries, kept in a file so a restart carries on
 * from the event after the last one handled: written after every event, replaced atomically so a kill
 * mid-write leaves the previous cursor, never half of one.
 */
record CursorFile(Path path) {

    /** The default file for this server and feed: {@code ~/.hookline/cursors/<name>-<hash>}. */
    static CursorFile forFeed(String server, Feed feed) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((server + "\n" + feed.cursorName()).getBytes(StandardCharsets.UTF_8));
            return new CursorFile(Path.of(System.getProperty("user.home"), ".hookline", "cursors",
                    feed.cursorName() + "-" + HexFormat.of().formatHex(hash, 0, 6)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<String> read() {
        try {
            return Files.exists(path) ? Optional.of(Files.readString(path).strip()).filter(s -> !s.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(String cursor) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path next = path.resolveSibling(path.getFileName() + ".next");
            Files.writeString(next, cursor + "\n");
            Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
