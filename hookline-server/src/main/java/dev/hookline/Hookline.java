package dev.hookline;

import dev.hookline.api.ApiServer;
import dev.hookline.core.Ids;
import dev.hookline.core.OwnerOnly;
import dev.hookline.core.SecretCipher;
import dev.hookline.core.WakeUp;
import dev.hookline.delivery.DeliveryQueue;
import dev.hookline.delivery.Dispatcher;
import dev.hookline.delivery.EndpointHealth;
import dev.hookline.delivery.EndpointUrlRules;
import dev.hookline.delivery.SsrfGuard;
import dev.hookline.inbound.InboundEventStore;
import dev.hookline.inbound.InboundReceiver;
import dev.hookline.inbound.SourceStore;
import dev.hookline.ops.BacklogGauges;
import dev.hookline.ops.Metrics;
import dev.hookline.ops.RetentionJob;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.EndpointStore;
import dev.hookline.outbound.EventSchemas;
import dev.hookline.outbound.EventTypeStore;
import dev.hookline.outbound.Fanout;
import dev.hookline.outbound.MessageStore;
import dev.hookline.outbound.OperationalEvents;
import dev.hookline.store.Database;
import dev.hookline.store.Dialect;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    private final DataDirLock dataDirLock;
    private final Database db;
    private final Dispatcher dispatcher;
    private final RetentionJob retention;
    private final ApiServer api;
    private final Optional<String> generatedRootKey;

    private Hookline(Settings settings, Clock clock, SsrfGuard.HostResolver resolver) throws IOException {
        OwnerOnly.directory(settings.dataDir()); // 0700: the database and the key file inside are no one else's
        dataDirLock = DataDirLock.acquire(settings.dataDir());
        Database database = null;
        Dispatcher delivery = null;
        ApiServer server = null;
        RetentionJob purge = null;
        try {
            SecretCipher cipher = new SecretCipher(MasterKey.load(settings.masterKey(), settings.dataDir()));
            database = settings.databaseUrl() == null
                    ? Database.openSqlite(settings.dataDir(), settings.writeQueueCapacity())
                    : Database.openPostgres(settings.databaseUrl(), settings.writeQueueCapacity());
            MasterKey.checkAgainst(database, cipher);

            Metrics metrics = new Metrics();
            database.observeWrites(metrics::writerBatch);
            SsrfGuard guard = new SsrfGuard(settings.allowPrivateTargets(), resolver);
            AppStore apps = new AppStore(database, clock);
            EndpointStore endpoints = new EndpointStore(database, clock, cipher, new EndpointUrlRules(settings.httpsOnly(), guard),
                    settings.strictEventTypes());
            EventTypeStore eventTypes = new EventTypeStore(database, clock);
            WakeUp newWork = new WakeUp(); // rung by the message store after each commit that creates deliveries
            MessageStore messages = new MessageStore(database, clock, new Fanout(endpoints), new EventSchemas(), newWork, DeliveryQueue::enqueue,
                    metrics::ingested);
            OperationalEvents operational = new OperationalEvents(messages, clock);
            DeliveryQueue queue = new DeliveryQueue(database, new EndpointHealth(settings.autoDisableAfter()), operational);
            delivery = new Dispatcher(queue, messages, endpoints, guard, clock, settings.maxInFlight(),
                    "node-" + Ids.token(6), newWork, metrics::attempt);

            BacklogGauges.register(metrics, database, clock);
            metrics.gauge("hookline_write_queue_depth", "units of work waiting for the group-commit writer", database::queuedWrites);
            metrics.gauge("hookline_deliveries_in_flight", "HTTP requests to endpoints under way", delivery::inFlight);

            SourceStore sources = new SourceStore(database, clock, cipher, app -> apps.get(app).id());
            InboundEventStore inboundEvents = new InboundEventStore(database);
            metrics.gauge("hookline_inbound_long_polls_waiting", "event-log long-polls waiting for an event", inboundEvents::waitingPolls);
            InboundReceiver receiver = new InboundReceiver(database, clock, sources, inboundEvents, messages);
            metrics.gauge(Metrics.MEMORY_ENTRIES, Metrics.MEMORY_ENTRIES_HELP, "table", "source_rate_limits", receiver::rateLimitedSources);
            metrics.gauge(Metrics.MEMORY_ENTRIES, Metrics.MEMORY_ENTRIES_HELP, "table", "opened_secrets", cipher::openedKept);

            server = new ApiServer(settings.host(), settings.port(), settings.publicUrl(), database, clock, settings.apiKey(),
                    new ApiServer.Services(apps, endpoints, messages, eventTypes, queue, sources, inboundEvents, receiver,
                            operational, metrics, cipher),
                    new ApiServer.Https(settings.tls().cert(), settings.tls().key(), settings.tls().port(), settings.tls().http()));
            // Bind first: a port that is taken must fail the start before anything is generated or sent.
            server.start();
            generatedRootKey = server.generateRootKeyIfNone();

            if (database.dialect() == Dialect.SQLITE) {
                // The SQLite file is locked to this process, so any lease in it belongs to a previous run that is gone.
                // (On PostgreSQL other nodes hold live leases: a dead node's run out by themselves.)
                queue.releaseAllLeases(clock.millis());
                DeliveryQueue.refreshAllHeads(database);
            }
            database.onChange(MessageStore.DELIVERIES_CHANNEL, messages::wake);
            database.onChange(InboundEventStore.CHANNEL, inboundEvents::signal);
            delivery.start();
            purge = new RetentionJob(database, clock, settings.retention(), settings.recordRetention(), metrics).start(Duration.ofMinutes(1));
        } catch (RuntimeException | IOException e) {
            if (purge != null) {
                purge.close();
            }
            if (server != null) {
                server.close();
            }
            if (delivery != null) {
                delivery.stop(Duration.ZERO);
            }
            if (database != null) {
                database.close();
            }
            dataDirLock.close();
            throw e;
        }
        db = database;
        dispatcher = delivery;
        api = server;
        retention = purge;
        log.info("Hookline listening on port {} with data in {}", api.port(), settings.dataDir().toAbsolutePath().normalize());
    }

    public static Hookline start(Settings settings) {
        return start(settings, Clock.systemUTC());
    }

    /** Starts with the given clock (tests move time forward to cross a rotation's grace period). */
    public static Hookline start(Settings settings, Clock clock) {
        return start(settings, clock, java.net.InetAddress::getAllByName);
    }

    /** Starts with a host resolver of the test's (to prove the SSRF guard checks the address connected to). */
    public static Hookline start(Settings settings, Clock clock, SsrfGuard.HostResolver resolver) {
        try {
            return new Hookline(settings, clock, resolver);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return api.port();
    }

    /** The HTTPS port, or -1 when HTTPS is not configured. */
    public int tlsPort() {
        return api.tlsPort();
    }

    /** The API's route table (tests walk it against the OpenAPI document and the access rules). */
    public java.util.List<ApiServer.Route> routes() {
        return api.routes();
    }

    /** The root API key generated on this start (first start without {@code HOOKLINE_API_KEY}), to show once. */
    public Optional<String> generatedRootKey() {
        return generatedRootKey;
    }


    /** Graceful stop: no new requests, deliveries under way finish (up to a deadline), then the store closes. */
    @Override
    public void close() {
        api.close();
        retention.close();
        dispatcher.stop(Duration.ofSeconds(10));
        db.close();
        dataDirLock.close();
        log.info("Hookline stopped");
    }

}
