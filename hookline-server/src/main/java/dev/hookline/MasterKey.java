package dev.hookline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key that seals secrets at rest: {@code HOOKLINE_MASTER_KEY} (32 bytes as base64 or hex), or
 * else a key file generated in the data directory, readable by its owner alone.
 */
final class MasterKey {
    static final String FILE = "master.key";
    /** What the database's key check holds, sealed: opening it proves a key is the database's. */
    static final String CANARY = "hookline-master-key-check";

    private MasterKey() {}

    static byte[] load(String configured, Path dataDir) throws IOException {
        if (configured != null) {
            return decode(configured.trim());
        }
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            return decode(Files.readString(file).trim());
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap((Base64.getEncoder().encodeToString(key) + "\n").getBytes()));
            ch.force(true);
        }
        return key;
    }

    /**
     * The database keeps a value sealed with the key it was first written with; a node started with
     * another key (a different HOOKLINE_MASTER_KEY, or its own generated file beside a shared
     * PostgreSQL) refuses to start rather than fail on every secret later.
     */
    static void checkAgainst(dev.hookline.store.Database db, dev.hookline.core.SecretCipher cipher) {
        String canary = CANARY;
        String sealed = db.read(c -> dev.hookline.store.Sql.one(c, "SELECT value FROM meta WHERE name = 'master_key_check'",
                rs -> rs.getString(1))).orElse(null);
        if (sealed == null) {
            String fresh = cipher.seal(canary);
            int inserted = db.write(c -> dev.hookline.store.Sql.update(c,
                    "INSERT INTO meta (name, value) VALUES ('master_key_check', ?) ON CONFLICT (name) DO NOTHING", fresh));
            if (inserted == 1) {
                return;
            }
            checkAgainst(db, cipher); // another node wrote its check first: this key must match that one
            return;
        }
        try {
            if (canary.equals(cipher.open(sealed))) {
                return;
            }
        } catch (IllegalStateException wrongKey) {
            // falls through to the refusal below
        }
        throw new IllegalStateException("the master key does not match the one this database was written with: set"
                + " HOOKLINE_MASTER_KEY to that key (every node sharing a database needs the same one)");
    }

    private static byte[] decode(String value) {
        byte[] key;
        if (value.matches("[0-9a-fA-F]{64}")) {
            key = HexFormat.of().parseHex(value);
        } else {
            try {
                key = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("HOOKLINE_MASTER_KEY must be 32 bytes as base64 or 64 hex digits");
            }
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("HOOKLINE_MASTER_KEY must be 32 bytes (got " + key.length + ")");
        }
        return key;
    }
}
