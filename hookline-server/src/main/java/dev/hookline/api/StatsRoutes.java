package dev.hookline.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.ops.DeliveryStats;
import dev.hookline.outbound.AppStore;
import dev.hookline.outbound.EndpointStore;
import io.helidon.http.Method;
import java.time.Clock;

/**
 * {@code GET /v1/stats}: the numbers behind the dashboard's overview, for scripts too. A key scoped
 * to one app gets that app's numbers whether or not it names it; naming another app is a 404.
 */
final class StatsRoutes {
    private final DeliveryStats stats;
    private final AppStore apps;
    private final EndpointStore endpoints;
    private final Clock clock;

    StatsRoutes(DeliveryStats stats, AppStore apps, EndpointStore endpoints, Clock clock) {
        this.stats = stats;
        this.apps = apps;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    void register(Router r) {
        r.route(Method.GET, "/v1/stats", this::get);
    }

    private Reply get(Call call) {
        String periodName = call.query("period");
        DeliveryStats.Period period = periodName == null ? DeliveryStats.Period.DAY : DeliveryStats.Period.named(periodName);
        if (period == null) {
            throw new Failure.Invalid("period", "must be 'hour', 'day' or 'week'");
        }
        String app = call.query("app");
        String appId = call.principal().appId();
        if (app != null) {
            String named = apps.get(app).id();
            if (appId != null && !appId.equals(named)) {
                throw new Failure.NotFound("app", app); // a scoped key must not learn that other apps exist
            }
            appId = named;
        }
        String endpoint = call.query("endpoint");
        String endpointId = null;
        if (endpoint != null) {
            if (appId == null) {
                throw new Failure.Invalid("endpoint", "needs 'app' too");
            }
            endpointId = endpoints.get(appId, endpoint).id();
        }
        return Reply.ok(view(stats.report(period, new DeliveryStats.Scope(appId, endpointId), clock.millis())));
    }

    private static ObjectNode view(DeliveryStats.Report r) {
        ObjectNode out = Json.object();
        out.put("period", r.period().label());
        Json.putTime(out, "since", r.since());
        out.put("bucket_seconds", r.period().bucketMillis() / 1000);
        var series = out.putArray("series");
        for (DeliveryStats.Bucket b : r.series()) {
            ObjectNode row = series.addObject();
            Json.putTime(row, "start", b.start());
            row.put("succeeded", b.succeeded());
            row.put("failed", b.failed());
        }
        ObjectNode attempts = out.putObject("attempts");
        attempts.put("succeeded", r.succeeded());
        attempts.put("failed", r.failed());
        putRate(attempts, r.succeeded(), r.failed());
        ObjectNode latency = out.putObject("latency_ms");
        latency.put("p50", r.latency().p50());
        latency.put("p95", r.latency().p95());
        latency.put("p99", r.latency().p99());
        latency.put("sampled", r.latency().sampled());
        ObjectNode queue = out.putObject("queue");
        queue.put("pending", r.queue().pending());
        queue.put("due", r.queue().due());
        queue.put("in_flight", r.queue().inFlight());
        Json.putTime(queue, "oldest_due_at", r.queue().oldestDueAt());
        ObjectNode eps = out.putObject("endpoints");
        eps.put("total", r.endpoints());
        eps.put("disabled", r.disabled());
        eps.put("circuit_open", r.circuitOpen());
        var troubled = eps.putArray("troubled");
        for (DeliveryStats.Troubled t : r.troubled()) {
            ObjectNode row = troubled.addObject();
            row.put("id", t.id());
            row.put("app_id", t.appId());
            row.put("url", t.url());
            row.put("enabled", t.enabled());
            Json.putTime(row, "circuit_open_until", t.circuitOpenUntil());
            row.put("consecutive_failures", t.consecutiveFailures());
            Json.putTime(row, "failing_since", t.failingSince());
            row.put("disabled_reason", t.disabledReason());
        }
        var byEndpoint = out.putArray("by_endpoint");
        for (DeliveryStats.EndpointTally t : r.byEndpoint()) {
            ObjectNode row = byEndpoint.addObject();
            row.put("endpoint_id", t.endpointId());
            row.put("succeeded", t.succeeded());
            row.put("failed", t.failed());
            putRate(row, t.succeeded(), t.failed());
            Json.putTime(row, "last_failure_at", t.lastFailureAt());
        }
        return out;
    }

    /** The share of attempts that succeeded, 0 to 1; null when there were none. */
    private static void putRate(ObjectNode node, long succeeded, long failed) {
        long total = succeeded + failed;
        if (total == 0) {
            node.putNull("success_rate");
        } else {
            node.put("success_rate", (double) succeeded / total);
        }
    }
}
