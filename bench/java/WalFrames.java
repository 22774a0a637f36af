import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What SQLite writes for the server, table by table and index by index: a page a commit changes is
 * one frame of the write-ahead log (a page-sized write, and later a write into the database file at
 * the checkpoint), so frames per message are the I/O a message costs, and which b-tree owns them
 * says why. Used by bench/profile-ingest (PROFILE_WAL=1).
 *
 * <p>{@code WalFrames <database file>} opens a read transaction and prints {@code ready}: while a
 * reader holds frames of the log, the writer appends to it and cannot start it over, so every frame
 * committed from then on stays. A line on stdin (the number of messages the window took) ends the
 * window: the frames appended since {@code ready}, up to the last commit, are read back, each
 * page named by its owner from SQLite's {@code dbstat} table, and the owners are printed by frames
 * per message and per commit.
 */
public final class WalFrames {
    private static final int WAL_HEADER = 32;
    private static final int FRAME_HEADER = 24;

    public static void main(String[] args) throws Exception {
        String database = args[0];
        Path wal = Path.of(database + "-wal");
        Log start;
        Log end;
        try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            reader.setAutoCommit(false);
            try (Statement st = reader.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM meta")) {
                rs.next(); // the read transaction holds its snapshot from here on
            }
            start = Log.read(wal);
            System.out.println("ready");
            System.out.flush();
            String line = new BufferedReader(new InputStreamReader(System.in)).readLine();
            long messages = Long.parseLong(line.trim());
            end = Log.read(wal);
            reader.rollback();
            if (start.salt1 != end.salt1 || start.salt2 != end.salt2) {
                System.out.println("# the log started over during the window (the reader held no frame of it yet): run again");
                return;
            }
            report(database, start, end, messages);
        }
    }

    private static void report(String database, Log start, Log end, long messages) throws SQLException {
        Map<Long, String> owners = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pageno, name FROM dbstat")) {
            while (rs.next()) {
                owners.put(rs.getLong(1), rs.getString(2));
            }
        }
        Map<String, Long> frames = new HashMap<>();
        long commitFrames = 0;
        for (int i = start.committedFrames; i < end.committedFrames; i++) {
            frames.merge(owners.getOrDefault(end.pages.get(i), "(freed since)"), 1L, Long::sum);
            if (end.commitFrames.get(i)) {
                commitFrames++;
            }
        }
        long commits = commitFrames;
        long total = end.committedFrames - start.committedFrames;
        System.out.printf("# SQLite log: %d frames of %d bytes in %d commits: %.1f a commit, %.2f a message (%.1f KiB)%n", total,
                end.pageSize, commits, total / (double) commits, total / (double) messages, total * (end.pageSize + FRAME_HEADER) / 1024.0 / messages);
        System.out.println("| table or index | frames a message | frames a commit |");
        System.out.println("|---|---:|---:|");
        frames.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("| %s | %.3f | %.2f |%n", e.getKey(), e.getValue() / (double) messages,
                        e.getValue() / (double) commits));
    }

    /** The frames of the log that belong to its current run (the header's salts), up to the last commit. */
    private record Log(int pageSize, int salt1, int salt2, int committedFrames, List<Long> pages, List<Boolean> commitFrames) {
        static Log read(Path wal) throws IOException {
            try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
                ByteBuffer header = ByteBuffer.allocate(WAL_HEADER);
                ch.read(header, 0);
                header.flip();
                int pageSize = header.getInt(8);
                int salt1 = header.getInt(16);
                int salt2 = header.getInt(20);
                List<Long> pages = new ArrayList<>();
                List<Boolean> commitFrames = new ArrayList<>();
                int committed = 0;
                ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER);
                for (long at = WAL_HEADER; at + FRAME_HEADER + pageSize <= ch.size(); at += FRAME_HEADER + pageSize) {
                    frame.clear();
                    ch.read(frame, at);
                    if (frame.getInt(8) != salt1 || frame.getInt(12) != salt2) {
                        break; // a frame of an earlier run of the log, not yet written over
                    }
                    pages.add(Integer.toUnsignedLong(frame.getInt(0)));
                    boolean commit = frame.getInt(4) != 0; // the database's size in pages, set on a commit's last frame
                    commitFrames.add(commit);
                    if (commit) {
                        committed = pages.size();
                    }
                }
                return new Log(pageSize, salt1, salt2, committed, pages, commitFrames);
            }
        }
    }
}
