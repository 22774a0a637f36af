package dev.hookline.bench;

import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.WebhookSecret;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Whole-system benchmarks of Hookline, run by {@code bench/run}:
 * <ol>
 *   <li>ingest: messages/s accepted (202) by {@code POST /v1/apps/{app}/messages}, with no endpoint and
 *       with one subscribed endpoint;</li>
 *   <li>delivery: deliveries/s end to end, from the first POST until the loopback receiver has seen every
 *       message, against a baseline measured in the same run: the bare Helidon WebClient posting bodies
 *       of the same size with the same four headers to the same receiver.</li>
 * </ol>
 * Every figure is measured {@code bench.repeats} times after a warm-up, each time on a fresh server
 * and database, and {@link Report} writes the runs and their medians to {@code docs/benchmarks.md}.
 *
 * <p>Usage: {@code Bench <output.md> <work dir>}; sizes come from system properties (defaults below).
 */
public final class Bench {
    static final int INGEST_MESSAGES = Integer.getInteger("bench.ingest.messages", 20_000);
    static final int DELIVERY_MESSAGES = Integer.getInteger("bench.delivery.messages", 10_000);
    static final int CLIENTS = Integer.getInteger("bench.clients", 64);
    static final int REPEATS = Integer.getInteger("bench.repeats", 3);
    static final int WARMUP_MESSAGES = Integer.getInteger("bench.warmup.messages", 10_000);
    /** No single measurement runs longer than this (from its first request); what it reached by then is reported. */
    static final Duration BOUND = Duration.ofSeconds(Integer.getInteger("bench.bound.seconds", 30));
    /** No repetition starts once measuring has taken this long, so the whole run stays within a few minutes. */
    static final Duration BUDGET = Duration.ofSeconds(Integer.getInteger("bench.budget.seconds", 200));

    private static final HeaderName WEBHOOK_ID = HeaderNames.create("webhook-id");
    private static final HeaderName WEBHOOK_TIMESTAMP = HeaderNames.create("webhook-timestamp");
    private static final HeaderName WEBHOOK_SIGNATURE = HeaderNames.create("webhook-signature");

    /** One ingest measurement; {@code deliveredMeanwhile} is what the receiver got while it ran (endpoint case). */
    record IngestRun(Load.Result load, long deliveredMeanwhile) {}

    /**
     * One end-to-end delivery measurement. {@code enqueue} is the producers' side; {@code allSeenNanos} is
     * the time from the first POST until the receiver had seen every message (-1 if not within the bound).
     */
    record DeliveryRun(Load.Result enqueue, int target, long allSeenNanos, int distinctSeen, long requestsSeen, int bodyBytes) {
        boolean complete() {
            return allSeenNanos >= 0;
        }

        /** How long after the last 202 the receiver got the last delivery: near 0 means delivery kept pace with ingest. */
        double lagSeconds() {
            return complete() ? (enqueue.startNanos() + allSeenNanos - enqueue.endNanos()) / 1e9 : Double.NaN;
        }

        double seconds() {
            return (complete() ? allSeenNanos : BOUND.toNanos()) / 1e9;
        }

        double perSecond() {
            return (complete() ? target : distinctSeen) / seconds();
        }
    }

    /**
     * Draining a backlog: {@code backlog} deliveries already committed when the server starts;
     * {@code firstToLastNanos} runs from the first request the receiver got to the last new id (-1 if
     * not all within the bound), so server start-up is not counted.
     */
    record DrainRun(int backlog, long firstToLastNanos, int distinctSeen, long requestsSeen) {
        boolean complete() {
            return firstToLastNanos >= 0;
        }

        double seconds() {
            return (complete() ? firstToLastNanos : BOUND.toNanos()) / 1e9;
        }

        double perSecond() {
            return (complete() ? backlog - 1 : distinctSeen) / seconds();
        }
    }

    /** One baseline measurement: the bare client against the same receiver. */
    record BaselineRun(Load.Result load, int bodyBytes) {}

    private final Path work;
    private final Receiver receiver;

    final List<IngestRun> ingestBare = new ArrayList<>();
    final List<IngestRun> ingestFanOut = new ArrayList<>();
    final List<DeliveryRun> deliveries = new ArrayList<>();
    final List<DrainRun> drains = new ArrayList<>();
    /** Where the CPU went during each measurement window (see {@link CpuMeter}), by the measurement's name. */
    final java.util.Map<String, CpuMeter.Usage> usage = new java.util.LinkedHashMap<>();
    /** Other processes using more than this many cores during a measurement make its figure suspect. */
    static final double FOREIGN_CPU_WARNING = 0.2;
    final List<BaselineRun> baselines = new ArrayList<>();
    double[] fsyncMillis;

    private Bench(Path work, Receiver receiver) {
        this.work = work;
        this.receiver = receiver;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Bench <output.md> <work dir>");
            System.exit(2);
        }
        org.slf4j.LoggerFactory.getILoggerFactory(); // Logback first, so nothing is logged while it initialises
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger(); // Helidon's JUL logs go to Logback (stdout)
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        Path out = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Files.createDirectories(work);
        long began = System.nanoTime();
        try (Receiver receiver = new Receiver()) {
            Bench bench = new Bench(work, receiver);
            bench.fsyncMillis = fsyncProbe(work);
            say("fsync probe: median %.2f ms, p90 %.2f ms", bench.fsyncMillis[0], bench.fsyncMillis[1]);
            bench.warmUp();
            for (int rep = 1; rep <= REPEATS; rep++) {
                if (rep > 1 && System.nanoTime() - began > BUDGET.toNanos()) {
                    say("time budget of %d s used up: stopping after %d of %d repetitions", BUDGET.toSeconds(), rep - 1, REPEATS);
                    break;
                }
                bench.ingestBare.add(bench.ingestBare(rep));
                bench.ingestFanOut.add(bench.ingestFanOutThenDrain(rep));
                bench.deliveries.add(bench.delivery(rep));
                bench.baselines.add(bench.baseline(rep));
            }
            bench.usage.entrySet().stream()
                    .filter(e -> e.getValue().foreign() > FOREIGN_CPU_WARNING)
                    .forEach(e -> say("warning: other processes kept %.2f cores busy during %s: its figures are low",
                            e.getValue().foreign(), e.getKey()));
            double benchSeconds = (System.nanoTime() - began) / 1e9;
            Files.writeString(out, new Report(bench, benchSeconds).markdown());
            say("wrote %s (measurements took %.0f s)", out, benchSeconds);
        }
        System.exit(0); // idle keep-alive connections of the clients must not keep the JVM up
    }

    private <T> T metered(String name, int items, java.util.function.Supplier<T> window) {
        CpuMeter.Snapshot before = CpuMeter.now();
        T result = window.get();
        usage.put(name, CpuMeter.between(before, CpuMeter.now(), items));
        return result;
    }

    /** Runs every path once, unmeasured, so the JIT has compiled it before the first measured run. */
    private void warmUp() {
        say("warm-up: %d messages through ingest, fan-out, delivery and the baseline client", WARMUP_MESSAGES);
        try (Instance hookline = Instance.start(work.resolve("warmup"))) {
            hookline.createApp("bare");
            hookline.createApp("fanout");
            hookline.createEndpoint("fanout", receiver.url());
            ingestLoad(hookline, "bare", "w", WARMUP_MESSAGES);
            Receiver.Tally tally = receiver.reset(WARMUP_MESSAGES);
            Load.Result r = ingestLoad(hookline, "fanout", "w", WARMUP_MESSAGES);
            awaitAllSeen(tally, r.startNanos());
        }
        baselineLoad(WARMUP_MESSAGES);
    }

    private IngestRun ingestBare(int rep) {
        try (Instance hookline = Instance.start(work.resolve("ingest-bare-" + rep))) {
            hookline.createApp("bare");
            settle();
            Load.Result r = metered("ingest, no endpoint, run " + rep, INGEST_MESSAGES, () -> ingestLoad(hookline, "bare", "r" + rep, INGEST_MESSAGES));
            say("ingest, no endpoint, run %d: %,.0f msg/s (%d accepted in %.2f s, %d failed%s)", rep, r.perSecond(),
                    r.succeeded(), r.seconds(), r.failed(), r.timedOut() ? ", stopped at the time bound" : "");
            return new IngestRun(r, 0);
        }
    }

    /**
     * Ingest into an app with one endpoint on a server whose dispatcher is paused, so the figure is the
     * cost of the message plus its delivery row, not of delivering; then the same data directory is
     * opened by a normal server and the backlog it finds is drained to the receiver.
     */
    private IngestRun ingestFanOutThenDrain(int rep) {
        Path dir = work.resolve("ingest-fanout-" + rep);
        Load.Result r;
        try (Instance paused = Instance.startPaused(dir)) {
            paused.createApp("fanout");
            paused.createEndpoint("fanout", receiver.url());
            settle();
            r = metered("ingest, 1 endpoint, run " + rep, INGEST_MESSAGES, () -> ingestLoad(paused, "fanout", "r" + rep, INGEST_MESSAGES));
            paused.stop();
            say("ingest, 1 endpoint, run %d: %,.0f msg/s (%d accepted in %.2f s, %d failed%s)", rep, r.perSecond(),
                    r.succeeded(), r.seconds(), r.failed(), r.timedOut() ? ", stopped at the time bound" : "");
            settle();
            Receiver.Tally tally = receiver.reset(r.succeeded());
            long opened = System.nanoTime();
            CpuMeter.Snapshot before = CpuMeter.now();
            Instance dispatching = Instance.reopen(dir); // its dispatcher starts on the backlog at once
            try {
                boolean all = awaitAllSeen(tally, opened);
                usage.put("drain, run " + rep, CpuMeter.between(before, CpuMeter.now(), r.succeeded()));
                DrainRun d = new DrainRun(r.succeeded(), all ? tally.completedAtNanos - tally.firstAtNanos : -1,
                        tally.distinct.get(), tally.requests.get());
                drains.add(d);
                say("drain run %d: %,.0f deliveries/s (%d of %d backlog delivered%s)", rep, d.perSecond(), d.distinctSeen(),
                        d.backlog(), all ? String.format(" in %.2f s", d.seconds()) : ", not all within the bound");
            } finally {
                dispatching.stop();
            }
        }
        return new IngestRun(r, 0);
    }

    private DeliveryRun delivery(int rep) {
        try (Instance hookline = Instance.start(work.resolve("delivery-" + rep))) {
            hookline.createApp("deliver");
            hookline.createEndpoint("deliver", receiver.url());
            Receiver.Tally tally = receiver.reset(DELIVERY_MESSAGES);
            settle();
            CpuMeter.Snapshot before = CpuMeter.now();
            Load.Result enqueue = ingestLoad(hookline, "deliver", "d" + rep, DELIVERY_MESSAGES);
            boolean all = awaitAllSeen(tally, enqueue.startNanos());
            usage.put("delivery end to end, run " + rep, CpuMeter.between(before, CpuMeter.now(), DELIVERY_MESSAGES));
            DeliveryRun d = new DeliveryRun(enqueue, DELIVERY_MESSAGES, all ? tally.completedAtNanos - enqueue.startNanos() : -1,
                    tally.distinct.get(), tally.requests.get(), tally.lastBodyBytes);
            say("delivery run %d: %,.0f deliveries/s (%d of %d seen in %.2f s; enqueued in %.2f s)", rep, d.perSecond(),
                    d.distinctSeen(), DELIVERY_MESSAGES, d.seconds(), enqueue.seconds());
            return d;
        }
    }

    private BaselineRun baseline(int rep) {
        settle();
        BaselineRun b = metered("baseline, run " + rep, DELIVERY_MESSAGES, () -> baselineLoad(DELIVERY_MESSAGES));
        say("baseline run %d: %,.0f req/s (%d in %.2f s, %d failed)", rep, b.load().perSecond(), b.load().succeeded(),
                b.load().seconds(), b.load().failed());
        return b;
    }

    /** {@code count} messages from {@link #CLIENTS} JDK HttpClient callers on virtual threads, keep-alive. */
    private static Load.Result ingestLoad(Instance hookline, String app, String run, int count) {
        byte[][] bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            bodies[i] = Payloads.message(run, i);
        }
        URI uri = hookline.messages(app);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             HttpClient client = HttpClient.newBuilder()
                     .version(HttpClient.Version.HTTP_1_1)
                     .executor(threads)
                     .connectTimeout(Duration.ofSeconds(10))
                     .build()) {
            return Load.run(count, CLIENTS, 202, BOUND, seq -> client.send(HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + Instance.API_KEY)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[seq]))
                            .build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        }
    }

    /**
     * The baseline: the Helidon WebClient configured as Hookline's sender configures it, {@link #CLIENTS}
     * requests in flight, each a signed POST of an envelope as long as Hookline's with the same four
     * headers ({@code Content-Type}, {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}).
     */
    private BaselineRun baselineLoad(int count) {
        Receiver.Tally tally = receiver.reset(count);
        String secret = WebhookSecret.generate();
        long created = System.currentTimeMillis();
        byte[][] bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            bodies[i] = Payloads.envelope(Payloads.messageId(i), created, i);
        }
        String url = receiver.url();
        WebClient client = WebClient.builder()
                .proxy(Proxy.noProxy())
                .followRedirects(false)
                .sendExpectContinue(false)
                .socketOptions(s -> s.connectTimeout(Duration.ofSeconds(10)))
                .connectionCacheSize(1024)
                .build();
        Load.Result r = Load.run(count, CLIENTS, 200, BOUND, seq -> {
            String id = Payloads.messageId(seq);
            long timestamp = System.currentTimeMillis() / 1000;
            byte[] body = bodies[seq];
            var post = client.post(url)
                    .followRedirects(false)
                    .readTimeout(Duration.ofSeconds(30))
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(WEBHOOK_ID, id)
                    .header(WEBHOOK_TIMESTAMP, Long.toString(timestamp))
                    .header(WEBHOOK_SIGNATURE, StandardWebhook.sign(secret, id, timestamp, body));
            try (HttpClientResponse response = post.submit(body); InputStream in = response.inputStream()) {
                in.readNBytes(20 * 1024); // as Hookline's sender does
                return response.status().code();
            }
        });
        return new BaselineRun(r, tally.lastBodyBytes);
    }

    /** Polls (1 ms) until the receiver has seen every id of {@code tally}, or the bound from {@code startNanos}. */
    private static boolean awaitAllSeen(Receiver.Tally tally, long startNanos) {
        long deadline = startNanos + BOUND.toNanos();
        while (tally.completedAtNanos == 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** Leaves the previous measurement's garbage out of the next one. */
    private static void settle() {
        System.gc();
        LockSupport.parkNanos(200_000_000);
    }

    /**
     * How long this disk takes to make a small write durable (4 KiB write + {@code force}), the unit
     * cost that group commit amortises. Returns {median, p90} in milliseconds.
     */
    private static double[] fsyncProbe(Path dir) throws IOException {
        Path file = dir.resolve("fsync-probe");
        double[] ms = new double[200];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            for (int i = 0; i < ms.length; i++) {
                block.clear();
                long t0 = System.nanoTime();
                ch.write(block, (long) (i % 64) * 4096);
                ch.force(true);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(ms);
        return new double[] {ms[ms.length / 2], ms[(int) (ms.length * 0.9)]};
    }

    static void say(String format, Object... args) {
        System.err.println("[bench] " + String.format(format, args));
    }
}
