package dev.hookline.core;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Holds a read back until it finds something or its wait is over: the long-poll behind
 * {@code ?wait=} on a source's event log and on an endpoint's pulled deliveries.
 *
 * <p>Writers call {@link #signal} after each commit that added rows (here, or on another node
 * through the database's change notifications). A poll reads, and sleeps only if nothing was
 * signalled since that read began, so a commit between the read and the sleep is never missed.
 * Where a signal can be lost (PostgreSQL's listener reconnecting) the poll also re-reads every
 * {@code recheckMillis}.
 */
public final class LongPoll {
    private final Object lock = new Object();
    private final long recheckMillis;
    private long signalled; // guarded by lock: bumped by each signal
    private int waiting; // guarded by lock: polls asleep right now

    public LongPoll(long recheckMillis) {
        this.recheckMillis = recheckMillis;
    }

    public void signal() {
        synchronized (lock) {
            signalled++;
            lock.notifyAll();
        }
    }

    /** How many polls are asleep right now. */
    public int waiting() {
        synchronized (lock) {
            return waiting;
        }
    }

    /** Reads until {@code found} holds for what was read or {@code wait} is over; returns the last read. */
    public <T> T await(Supplier<T> read, Predicate<T> found, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen;
            synchronized (lock) {
                seen = signalled;
            }
            T result = read.get();
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (found.test(result) || left <= 0) {
                return result;
            }
            synchronized (lock) {
                if (signalled == seen) { // nothing committed since the read: sleep until something is
                    waiting++;
                    try {
                        lock.wait(Math.min(left, recheckMillis));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return result;
                    } finally {
                        waiting--;
                    }
                }
            }
        }
    }
}
