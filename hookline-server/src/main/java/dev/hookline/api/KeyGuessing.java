package dev.hookline.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hookline.core.SlidingWindowLimiter;
import java.time.Duration;

/**
 * Slows down guessing API keys: an address that sends more than {@link #LIMIT} keys that are no
 * key at all (not revoked or expired ones, which a stale client sends honestly) within
 * {@link #WINDOW} is answered 429 for every management call, valid key or not, until its window
 * has room again. Addresses are bounded in number (least recently used forgotten first), so a
 * flood from many addresses costs fixed memory. Behind a reverse proxy every caller shares the
 * proxy's address: then the proxy is where to limit.
 */
final class KeyGuessing {
    static final int LIMIT = 20;
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final SlidingWindowLimiter unknownKeys = new SlidingWindowLimiter();
    private final Cache<String, Long> blockedUntil = Caffeine.newBuilder().maximumSize(100_000).build();

    /** Milliseconds until {@code address} may try again, or 0 when it may now. */
    long waitMillis(String address, long nowMillis) {
        Long until = blockedUntil.getIfPresent(address);
        if (until == null) {
            return 0;
        }
        if (until <= nowMillis) {
            blockedUntil.invalidate(address);
            return 0;
        }
        return until - nowMillis;
    }

    /** Addresses held now, counting and blocked (for the {@code hookline_memory_entries} gauge). */
    long addresses() {
        return unknownKeys.keys() + blockedUntil.estimatedSize();
    }

    /** Counts a key from {@code address} that matches no key. */
    void unknownKey(String address, long nowMillis) {
        if (unknownKeys.acquire(address, LIMIT, WINDOW.toMillis(), nowMillis) instanceof SlidingWindowLimiter.Decision.Refused r) {
            blockedUntil.put(address, nowMillis + Math.max(1_000, r.retryAfterMillis()));
        }
    }
}
