package dev.hookline.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap still in use after full collections: what a test's server retains, not what it has
 * allocated. Collects until two readings in a row agree within a MiB (a deadline only bounds a
 * failure to settle; then the lowest reading counts). Tests compare it before and after a run,
 * against a stated bound: a retained-size check, never a timing.
 */
public final class RetainedHeap {
    private static final long MIB = 1024 * 1024;

    private RetainedHeap() {}

    public static long bytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long deadline = System.nanoTime() + 20_000_000_000L;
        long previous = Long.MAX_VALUE;
        long lowest = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            lowest = Math.min(lowest, used);
            if (Math.abs(used - previous) < MIB) {
                break;
            }
            previous = used;
        }
        return lowest;
    }

    public static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }
}
