package dev.hookline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An exclusive lock on a data folder: one Hookline process (server or migration) at a time. */
final class DataDirLock implements AutoCloseable {
    private final FileLock lock;

    private DataDirLock(FileLock lock) {
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve("hookline.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another Hookline process is using " + dataDir.toAbsolutePath());
        }
        return new DataDirLock(lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException ignored) {
            // the process is letting go of the folder; the OS drops the lock with the descriptor anyway
        }
    }
}
