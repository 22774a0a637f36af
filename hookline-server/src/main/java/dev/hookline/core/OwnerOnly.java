package dev.hookline.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keeps the data folder and the database files to the user Hookline runs as: they hold payloads,
 * inbound bodies and headers, and the master key file. On a file system without POSIX permissions
 * nothing is changed.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /** Creates {@code dir} if needed and makes it 0700. */
    public static void directory(Path dir) {
        try {
            Files.createDirectories(dir);
            if (posix(dir)) {
                Files.setPosixFilePermissions(dir, DIRECTORY);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes {@code file} 0600, creating it empty (already 0600) when missing. SQLite gives its WAL and
     * shared-memory files the database file's mode, so creating the database this way covers them.
     */
    public static void file(Path file) {
        try {
            if (!posix(file.toAbsolutePath().getParent())) {
                return;
            }
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } catch (FileAlreadyExistsException exists) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code file} 0600 when it exists (a WAL left by an earlier version, say). */
    public static void ifExists(Path file) {
        try {
            if (Files.exists(file) && posix(file.toAbsolutePath().getParent())) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean posix(Path path) throws IOException {
        return Files.getFileStore(path).supportsFileAttributeView("posix");
    }
}
