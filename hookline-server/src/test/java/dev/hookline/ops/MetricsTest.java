package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} after real traffic: each meter docs/operations.md lists is there and counts what happened. */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void attemptsIngestBacklogEndpointsWriterAndInboundAreMeasured() throws Exception {
        try (TestServer server = new TestServer(); Receiver ok = new Receiver(); Receiver down = new Receiver().alwaysAnswering(503);
             Receiver gone = new Receiver().alwaysAnswering(410)) {
            String app = server.createApp("Acme");
            server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\",\"events\":[\"ok.*\",\"all.*\"]}");
            server.createEndpoint(app, "{\"url\":\"" + down.url() + "\",\"events\":[\"down.*\",\"all.*\"],\"retry\":{\"schedule\":[3600]}}");
            server.createEndpoint(app, "{\"url\":\"" + gone.url() + "\",\"events\":[\"gone.*\"]}");
            server.send(app, "ok.a", "{}");
            server.send(app, "all.a", "{}");
            server.send(app, "gone.a", "{}");
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/webhooks/no-such-token"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());

            Await.until("the attempts, the disabled endpoint and the scheduled retry in /metrics", WAIT, () -> {
                String m = scrape(server);
                return value(m, "hookline_attempts_total{outcome=\"delivered\",status_class=\"2xx\"}").orElse(0) == 2
                        && value(m, "hookline_attempts_total{outcome=\"retrying\",status_class=\"5xx\"}").orElse(0) == 1
                        && value(m, "hookline_attempts_total{outcome=\"failed\",status_class=\"4xx\"}").orElse(0) == 1
                        && value(m, "hookline_endpoints_disabled").orElse(0) == 1
                        && value(m, "hookline_backlog_deliveries{state=\"scheduled\"}").orElse(0) == 1
                        // the database gauges are read at most every few seconds: wait for a reading taken after the last attempt
                        && value(m, "hookline_backlog_deliveries{state=\"due\"}").orElse(-1) == 0;
            });
            String m = scrape(server);
            assertThat(value(m, "hookline_attempts_total{outcome=\"delivered\",status_class=\"none\"}")).hasValue(0);
            assertThat(value(m, "hookline_attempt_duration_seconds_count")).hasValue(4);
            assertThat(m).contains("hookline_attempt_duration_seconds_bucket{le=");
            // three of ours, and the operational app's endpoint.disabled and message.attempt.exhausted (for no endpoint)
            assertThat(value(m, "hookline_messages_ingested_total")).hasValue(5);
            assertThat(value(m, "hookline_fanout_size_count")).hasValue(5);
            assertThat(value(m, "hookline_fanout_size_sum")).hasValue(4); // 1 + 2 + 1 deliveries
            assertThat(value(m, "hookline_backlog_deliveries{state=\"due\"}")).hasValue(0);
            assertThat(value(m, "hookline_oldest_due_delivery_age_seconds")).hasValue(0);
            assertThat(value(m, "hookline_endpoints_circuit_open")).hasValue(0);
            assertThat(value(m, "hookline_deliveries_in_flight")).hasValue(0);
            assertThat(value(m, "hookline_writer_batch_size_count").orElseThrow()).isPositive();
            assertThat(value(m, "hookline_writer_queue_wait_seconds_count").orElseThrow()).isPositive();
            assertThat(value(m, "hookline_writer_commit_seconds_count").orElseThrow()).isPositive();
            assertThat(value(m, "hookline_inbound_requests_total{outcome=\"not_found\"}")).hasValue(1);
            assertThat(value(m, "hookline_retention_purged_rows_total{table=\"attempts\"}")).hasValue(0);

            // the Grafana dashboard in docs/ asks only for series this server writes
            String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "grafana-dashboard.json"));
            var used = java.util.regex.Pattern.compile("hookline_[a-z_]+").matcher(dashboard).results().map(r -> r.group()).distinct().toList();
            assertThat(used).hasSizeGreaterThan(10);
            for (String series : used) {
                assertThat(m).as(series).containsPattern("(?m)^" + series + "[{ ]");
            }
        }
    }

    private static String scrape(TestServer server) {
        var r = server.call("GET", "/metrics", null, null);
        assertThat(r.status()).isEqualTo(200);
        return r.raw().body();
    }

    /** The value of the series written exactly as {@code series} (name and labels), if present. */
    private static OptionalDouble value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim().split(" ")[0])).findFirst();
    }
}
