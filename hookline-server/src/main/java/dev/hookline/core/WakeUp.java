package dev.hookline.core;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A doorbell between the code that commits new work and the loop that does it: {@link #ring()} is
 * cheap and never blocks; {@link #await} returns early when rung. Rings while nobody waits are
 * kept (once), so a commit just before the loop goes to sleep is not missed.
 */
public final class WakeUp {
    private final Semaphore bell = new Semaphore(0);

    public void ring() {
        if (bell.availablePermits() == 0) {
            bell.release();
        }
    }

    /** Waits up to {@code millis} or until rung; returns false when interrupted. */
    public boolean await(long millis) {
        try {
            if (bell.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
                bell.drainPermits();
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
