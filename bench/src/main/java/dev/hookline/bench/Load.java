package dev.hookline.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load generator: {@code concurrency} virtual threads each send one request, wait for
 * its answer, and take the next sequence number, until {@code count} requests were sent or the time
 * bound passed. Nothing sleeps; the figure is what the system under test sustains with that many
 * requests in flight.
 */
final class Load {
    /** Sends request number {@code seq} and returns its HTTP status. */
    @FunctionalInterface
    interface Call {
        int send(int seq) throws Exception;
    }

    /** What one run did. Latencies are of the requests that got the expected status, in nanoseconds. */
    record Result(int requested, int succeeded, Map<String, Integer> failures, long startNanos, long endNanos,
                  long[] latencies, boolean timedOut) {
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double perSecond() {
            return succeeded / seconds();
        }

        double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latencies.length - 1, Math.ceil(p / 100.0 * latencies.length) - 1);
            return latencies[Math.max(0, i)] / 1e6;
        }

        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private Load() {}

    static Result run(int count, int concurrency, int expectedStatus, Duration bound, Call call) {
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean timedOut = new AtomicBoolean();
        long[] latencies = new long[count];
        Arrays.fill(latencies, -1);
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                threads.execute(() -> {
                    for (int seq; (seq = next.getAndIncrement()) < count; ) {
                        long t0 = System.nanoTime();
                        if (t0 - deadline > 0) {
                            timedOut.set(true);
                            return;
                        }
                        String failure;
                        try {
                            int status = call.send(seq);
                            if (status == expectedStatus) {
                                latencies[seq] = System.nanoTime() - t0;
                                continue;
                            }
                            failure = "HTTP " + status;
                        } catch (Exception e) {
                            failure = e.getClass().getSimpleName();
                        }
                        failures.computeIfAbsent(failure, k -> new AtomicInteger()).incrementAndGet();
                    }
                });
            }
        } // close() waits for every worker
        long end = System.nanoTime();
        long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        Map<String, Integer> failed = new TreeMap<>();
        failures.forEach((k, v) -> failed.put(k, v.get()));
        return new Result(Math.min(next.get(), count), ok.length, failed, start, end, ok, timedOut.get());
    }
}
