package dev.hookline.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Prometheus registry behind {@code GET /metrics}, and Hookline's own meters (docs/operations.md
 * lists them). The meters on hot paths (one per attempt, per message, per write batch) are looked up
 * once and kept, so recording costs an increment, not a registry lookup.
 */
public final class Metrics {
    /**
     * Entries in the in-memory tables that requests can add to, by {@code table}: each is bounded
     * whatever is sent (a made-up receive token, key or asset name adds nothing), and this is where
     * an operator, and api/BoundedMemoryTest, can see it.
     */
    public static final String MEMORY_ENTRIES = "hookline_memory_entries";
    public static final String MEMORY_ENTRIES_HELP = "entries in in-memory tables that requests can add to, by table";
    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Attempts by outcome and status class: "delivered/2xx" → its counter. */
    private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
    private final Timer attemptDuration;
    private final Counter ingested;
    private final DistributionSummary fanout;
    private final DistributionSummary batchSize;
    private final Timer queueWait;
    private final Timer commit;

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        for (String outcome : new String[] {"delivered", "retrying", "failed"}) {
            for (String status : STATUS_CLASSES) {
                attempts.put(outcome + "/" + status, Counter.builder("hookline_attempts")
                        .description("delivery attempts, by what followed and the response's status class (none: no response)")
                        .tag("outcome", outcome).tag("status_class", status).register(registry));
            }
        }
        attemptDuration = Timer.builder("hookline_attempt_duration").description("time from request to response (or error) of each attempt")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        ingested = Counter.builder("hookline_messages_ingested").description("new messages stored (repeats of an id not counted)")
                .register(registry);
        fanout = DistributionSummary.builder("hookline_fanout_size").description("deliveries created per new message")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1000.0).register(registry);
        batchSize = DistributionSummary.builder("hookline_writer_batch_size").description("units of work per group commit")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1000.0).register(registry);
        queueWait = Timer.builder("hookline_writer_queue_wait").description("how long the oldest unit of a batch waited for the writer")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        commit = Timer.builder("hookline_writer_commit").description("time from BEGIN to COMMIT of each group commit")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** {@link #gauge} with one tag: one series of a gauge family. */
    public void gauge(String name, String description, String tagKey, String tagValue, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag(tagKey, tagValue).register(registry);
    }

    /** Adds one to the counter {@code name} with the given tag. */
    public void count(String name, String description, String tagKey, String tagValue) {
        count(name, description, tagKey, tagValue, 1);
    }

    /** Adds {@code amount} to the counter {@code name} with the given tag. */
    public void count(String name, String description, String tagKey, String tagValue, double amount) {
        Counter.builder(name).description(description).tag(tagKey, tagValue).register(registry).increment(amount);
    }

    /** One delivery attempt: {@code outcome} is delivered, retrying or failed; {@code status} null when no response came. */
    public void attempt(String outcome, Integer status, long durationMs) {
        String statusClass = status == null || status < 100 || status > 599 ? "none" : STATUS_CLASSES[status / 100];
        attempts.get(outcome + "/" + statusClass).increment();
        attemptDuration.record(durationMs, TimeUnit.MILLISECONDS);
    }

    /** One new message, fanned out to {@code deliveries} endpoints. */
    public void ingested(int deliveries) {
        ingested.increment();
        fanout.record(deliveries);
    }

    /** One group commit of {@code units}, whose oldest unit waited {@code waitNanos}, and whose transaction took {@code commitNanos}. */
    public void writerBatch(int units, long waitNanos, long commitNanos) {
        batchSize.record(units);
        queueWait.record(waitNanos, TimeUnit.NANOSECONDS);
        commit.record(commitNanos, TimeUnit.NANOSECONDS);
    }

    public String scrape() {
        return registry.scrape();
    }
}
