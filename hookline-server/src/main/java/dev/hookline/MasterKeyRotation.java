package dev.hookline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.SecretCipher;
import dev.hookline.store.Database;
import dev.hookline.store.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code hookline rotate-master-key}: every value sealed with the current master key — endpoint
 * secrets (current and previous), the sealed fields of endpoint policies (custom headers, TLS),
 * source secrets, and the database's key check — opened and sealed again with a new key, in one
 * transaction, so the database is never half under one key and half under the other. Custom
 * headers an older version stored in clear are sealed on the way.
 *
 * <p>When the key lives in the data folder's {@code master.key}, the new key is written beside it
 * first ({@code master.key.new}), the transaction commits, and the new file then replaces the old:
 * a crash in between leaves the new key on disk next to a database that needs it. When the key came
 * from {@code HOOKLINE_MASTER_KEY}, the caller shows the new one once for the operator to set.
 * Every node must be stopped first.
 */
public final class MasterKeyRotation {
    /** Columns holding one sealed value each (or null), by table. */
    private static final Map<String, List<String>> SEALED_COLUMNS = Map.of(
            "endpoints", List.of("secret", "previous_secret"),
            "sources", List.of("secret", "previous_secret"));
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Policy fields that older versions stored in clear. */
    private static final java.util.Set<String> LEGACY_CLEAR = java.util.Set.of("headers", "tls");

    /** How many values were sealed again, and the new key when it is for the operator to keep (else null). */
    public record Rotated(int values, String newKeyToSet) {
        @Override
        public String toString() {
            return "Rotated[" + values + " values]";
        }
    }

    private MasterKeyRotation() {}

    public static Rotated run(Settings settings) throws IOException {
        byte[] oldKey = MasterKey.load(settings.masterKey(), settings.dataDir());
        byte[] newKey = new byte[32];
        new SecureRandom().nextBytes(newKey);
        String encoded = Base64.getEncoder().encodeToString(newKey);
        SecretCipher from = new SecretCipher(oldKey);
        SecretCipher to = new SecretCipher(newKey);
        Path keyFile = settings.dataDir().resolve(MasterKey.FILE);
        Path staged = settings.dataDir().resolve(MasterKey.FILE + ".new");
        boolean inFile = settings.masterKey() == null;
        if (inFile) {
            Files.deleteIfExists(staged);
            Files.createFile(staged, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(staged, encoded + "\n");
        }
        int values;
        try (DataDirLock lock = settings.databaseUrl() == null ? DataDirLock.acquire(settings.dataDir()) : null;
             Database db = settings.databaseUrl() == null ? Database.openSqlite(settings.dataDir())
                     : Database.openPostgres(settings.databaseUrl(), 20_000)) {
            MasterKey.checkAgainst(db, from); // the current key must be the one the database was written with
            values = db.write(c -> reseal(c, from, to));
        }
        if (inFile) {
            Files.move(staged, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Rotated(values, null);
        }
        return new Rotated(values, encoded);
    }

    private static int reseal(Connection c, SecretCipher from, SecretCipher to) throws SQLException {
        int n = 0;
        for (var table : SEALED_COLUMNS.entrySet()) {
            for (String column : table.getValue()) {
                for (String[] row : Sql.list(c, "SELECT id, " + column + " FROM " + table.getKey() + " WHERE " + column + " IS NOT NULL",
                        rs -> new String[] {rs.getString(1), rs.getString(2)})) {
                    n += Sql.update(c, "UPDATE " + table.getKey() + " SET " + column + " = ? WHERE id = ?", to.seal(from.open(row[1])), row[0]);
                }
            }
        }
        for (String[] row : Sql.list(c, "SELECT id, policy FROM endpoints", rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            ObjectNode policy = readObject(row[1]);
            boolean changed = false;
            for (String field : fieldNames(policy)) {
                if (field.startsWith("sealed_")) {
                    policy.put(field, to.seal(from.open(policy.get(field).textValue())));
                    changed = true;
                    n++;
                } else if (LEGACY_CLEAR.contains(field) && policy.get(field).isObject() && !policy.get(field).isEmpty()) {
                    // written in clear by a version before these were sealed: sealed now, under the new key
                    policy.put("sealed_" + field, to.seal(policy.remove(field).toString()));
                    changed = true;
                    n++;
                }
            }
            if (changed) {
                Sql.update(c, "UPDATE endpoints SET policy = ? WHERE id = ?", policy.toString(), row[0]);
            }
        }
        n += Sql.update(c, "UPDATE meta SET value = ? WHERE name = 'master_key_check'", to.seal(MasterKey.CANARY));
        return n;
    }

    private static ObjectNode readObject(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("an endpoint policy is not JSON", e);
        }
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
