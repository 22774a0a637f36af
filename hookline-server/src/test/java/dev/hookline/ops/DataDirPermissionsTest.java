package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Payloads, inbound bodies and headers live in the data folder: another local user reads none of it. */
class DataDirPermissionsTest {
    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static void assertOwnerOnly(Path dir) throws IOException {
        assertThat(mode(dir)).as("the data folder").isEqualTo("rwx------");
        for (String name : new String[] {"hookline.db", "hookline.db-wal", "hookline.db-shm"}) {
            assertThat(dir.resolve(name)).exists();
            assertThat(mode(dir.resolve(name))).as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void theDataFolderAndTheDatabaseFilesAreTheOwnersAlone() throws IOException {
        try (TestServer server = new TestServer()) {
            server.createApp("written"); // a write, so the WAL exists
            assertOwnerOnly(server.dataDir());
        }
    }

    @Test
    void filesLeftReadableByAnEarlierVersionAreClosedAtTheNextStart() throws IOException {
        try (TestServer server = new TestServer()) {
            server.createApp("written");
            server.stop();
            Path dir = server.dataDir();
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String name : new String[] {"hookline.db", "hookline.db-wal", "hookline.db-shm"}) {
                if (Files.exists(dir.resolve(name))) {
                    Files.setPosixFilePermissions(dir.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
                }
            }

            server.start();
            server.createApp("written again");

            assertOwnerOnly(dir);
        }
    }
}
