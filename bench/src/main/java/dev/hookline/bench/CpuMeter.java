package dev.hookline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the CPU went during a measurement window, in cores (CPU seconds per wall second):
 * <ul>
 *   <li>{@code machine}: every process (from {@code /proc/stat}: user + nice + system + irq + softirq);</li>
 *   <li>{@code jvm}: this JVM (load generator, Hookline and receiver together);</li>
 *   <li>{@code writer}, {@code dispatcher}: Hookline's single group-commit writer thread and its
 *       dispatcher loop thread (platform threads, found by name);</li>
 *   <li>{@code foreign}: machine − jvm, i.e. other processes. Near 0 on a quiet machine; a test suite or
 *       a build running beside the benchmark shows up here, so a low figure can be told from a busy
 *       machine.</li>
 * </ul>
 */
final class CpuMeter {
    /** {@code USER_HZ}: the unit of /proc/stat, 100 on every Linux this runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    static final String WRITER = "hookline-writer";
    static final String DISPATCHER = "hookline-dispatcher";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Snapshot(long wallNanos, long machineBusyNanos, long processNanos, Map<Long, Long> writer, Map<Long, Long> dispatcher) {}

    /** Average cores over a window; NaN where unknown. */
    record Usage(double seconds, double machine, double jvm, double writer, double dispatcher, int items) {
        /** CPU microseconds per item (message, delivery or request) of this JVM, or of the writer thread. */
        double jvmMicrosPerItem() {
            return jvm * seconds * 1e6 / items;
        }

        double writerMicrosPerItem() {
            return writer * seconds * 1e6 / items;
        }

        double foreign() {
            return Double.isNaN(machine) || Double.isNaN(jvm) ? Double.NaN : Math.max(0, machine - jvm);
        }
    }

    private CpuMeter() {}

    static Snapshot now() {
        return new Snapshot(System.nanoTime(), machineBusyNanos(), processNanos(), threadCpu(WRITER), threadCpu(DISPATCHER));
    }

    /** Usage between two snapshots of a window that handled {@code items} messages, deliveries or requests. */
    static Usage between(Snapshot from, Snapshot to, int items) {
        double wall = to.wallNanos - from.wallNanos;
        double machine = from.machineBusyNanos < 0 || to.machineBusyNanos < 0 ? Double.NaN
                : (to.machineBusyNanos - from.machineBusyNanos) / wall;
        double jvm = from.processNanos < 0 || to.processNanos < 0 ? Double.NaN : (to.processNanos - from.processNanos) / wall;
        return new Usage(wall / 1e9, machine, jvm, delta(from.writer, to.writer) / wall, delta(from.dispatcher, to.dispatcher) / wall, items);
    }

    /** CPU time the threads alive at the end spent since the start (threads started in between count from 0). */
    private static double delta(Map<Long, Long> from, Map<Long, Long> to) {
        double sum = 0;
        for (Map.Entry<Long, Long> e : to.entrySet()) {
            sum += e.getValue() - from.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    private static Map<Long, Long> threadCpu(String name) {
        Map<Long, Long> out = new HashMap<>();
        if (!THREADS.isThreadCpuTimeSupported()) {
            return out;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (name.equals(t.getName()) && t.isAlive()) {
                long cpu = THREADS.getThreadCpuTime(t.threadId());
                if (cpu >= 0) {
                    out.put(t.threadId(), cpu);
                }
            }
        }
        return out;
    }

    private static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** user + nice + system + irq + softirq of all CPUs, in nanoseconds; -1 without /proc/stat. */
    private static long machineBusyNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = first.trim().split("\\s+");
            long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            return ticks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
