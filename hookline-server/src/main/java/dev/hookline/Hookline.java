package dev.hookline;

import dev.hookline.api.ApiServer;
import dev.hookline.core.SecretCipher;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.delivery.Dispatcher;
import dev.hookline.delivery.SsrfGuard;
import dev.hookline.ops.Metrics;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.MessageStore;
import dev.hookline.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the whole object graph by hand, in dependency order, and tears it
 * down in reverse. Nothing else in Hookline constructs a collaborator it does not own.
 */
public final class Hookline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hookline.class);

    private final FileLock dataDirLock;
    private final Database db;
    private final Dispatcher dispatcher;
    private final ApiServer api;
    private final Optional<String> generatedRootKey;

    private Hookline(Settings settings, Clock clock) throws IOException {
        Files.createDirectories(settings.dataDir());
        if (settings.databaseUrl() != null) {
            throw new IllegalArgumentException("HOOKLINE_DATABASE_URL is set, but this build supports only the embedded"
                    + " SQLite store; unset it to use " + settings.dataDir().resolve("hookline.db"));
        }
        dataDirLock = lockDataDir(settings);
        SecretCipher cipher = new SecretCipher(MasterKey.load(settings.masterKey(), settings.dataDir()));
        db = Database.openSqlite(settings.dataDir());

        SsrfGuard guard = new SsrfGuard(settings.allowPrivateTargets());
        AppStore apps = new AppStore(db, clock);
        EndpointStore endpoints = new EndpointStore(db, clock, cipher, guard::checkUrl);
        EventTypeStore eventTypes = new EventTypeStore(db, clock);
        DeliveryQueue queue = new DeliveryQueue(db);
        // The message store wakes the dispatcher, which reads messages: break the cycle with a forward reference.
        Dispatcher[] wakeTarget = new Dispatcher[1];
        Runnable newWork = () -> wakeTarget[0].wake();
        MessageStore messages = new MessageStore(db, clock, endpoints, newWork);
        dispatcher = new Dispatcher(queue, messages, endpoints, guard, clock, settings.maxInFlight(), "node-" + ProcessHandle.current().pid());
        wakeTarget[0] = dispatcher;

        Metrics metrics = new Metrics();
        metrics.gauge("hookline_write_queue_depth", "units of work waiting for the group-commit writer", db::queuedWrites);
        metrics.gauge("hookline_deliveries_in_flight", "HTTP requests to endpoints under way", dispatcher::inFlight);

        api = new ApiServer(settings.host(), settings.port(), db, clock, settings.apiKey(), apps, endpoints, messages,
                eventTypes, queue, metrics, newWork);
        generatedRootKey = api.generateRootKeyIfNone();

        // The SQLite file is locked to this process, so any lease in it belongs to a previous run that is gone.
        queue.releaseAllLeases(clock.millis());
        dispatcher.start();
        api.start();
        log.info("Hookline listening on port {} with data in {}", api.port(), settings.dataDir().toAbsolutePath());
    }

    public static Hookline start(Settings settings) {
        return start(settings, Clock.systemUTC());
    }

    /** Starts with the given clock (tests move time forward to cross a rotation's grace period). */
    public static Hookline start(Settings settings, Clock clock) {
        try {
            return new Hookline(settings, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return api.port();
    }

    /** The root API key generated on this start (first start without {@code HOOKLINE_API_KEY}), to show once. */
    public Optional<String> generatedRootKey() {
        return generatedRootKey;
    }

    private static FileLock lockDataDir(Settings settings) throws IOException {
        FileChannel channel = FileChannel.open(settings.dataDir().resolve("hookline.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another Hookline process is using " + settings.dataDir().toAbsolutePath());
        }
        return lock;
    }

    /** Graceful stop: no new requests, deliveries under way finish (up to a deadline), then the store closes. */
    @Override
    public void close() {
        api.close();
        dispatcher.stop(Duration.ofSeconds(10));
        db.close();
        try {
            dataDirLock.release();
            dataDirLock.channel().close();
        } catch (IOException e) {
            log.debug("releasing the data directory lock: {}", e.toString());
        }
    }
}
