package dev.hookline.outbound;

/**
 * A customer of the product: the owner of endpoints and the scope of messages. {@code versions} is
 * null on an app not read from the store (just created or updated).
 */
public record App(String id, String uid, String name, AppSettings settings, long createdAt, long updatedAt, Versions versions) {

    /**
     * What ingest derives from the store besides the app, by version, read in the app's own statement:
     * the app's endpoints ({@link Fanout}'s routing table) and the enforced event types
     * ({@link EventSchemas}). Ingest holds both in memory and reads them again only when a version
     * has moved, so a message costs the store one statement, not three. Each version changes, to a
     * random value, in the same write as what it versions.
     */
    public record Versions(long endpoints, long eventTypes) {

        /**
         * A new version: random, not the old one plus one, so that a copy built inside a write that
         * then rolled back carries a version that never comes back with other rows behind it.
         */
        static long next() {
            return java.util.concurrent.ThreadLocalRandom.current().nextLong();
        }
    }
}
