package dev.hookline.delivery;

import dev.hookline.outbound.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint limits on this node: at most {@code max_concurrency} requests in flight (one while a
 * circuit is half-open), and at most {@code rate_limit} requests a second (a token bucket holding
 * one second's worth). The dispatcher asks before starting a request and tells when it ends, and
 * leaves endpoints that cannot take more out of its next claims, so one slow endpoint never holds
 * up another.
 */
final class EndpointGate {

    /** May a request start now, or when may the next one? */
    sealed interface Admission {
        record Go() implements Admission {}

        /** Full: wait for a request in flight to finish. */
        record Saturated() implements Admission {}

        /** Over the rate: the next token comes at {@code atMillis}. */
        record Throttled(long atMillis) implements Admission {}
    }

    private static final Admission GO = new Admission.Go();
    private static final Admission SATURATED = new Admission.Saturated();

    private static final class State {
        int inFlight;
        int cap = Integer.MAX_VALUE;
        double tokens = -1; // -1: bucket not filled yet
        long refilledAt;
        long throttledUntil;
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Takes a slot (and a token) for one request to {@code endpoint}, if its limits allow. */
    Admission admit(Endpoint endpoint, long now) {
        State s = states.computeIfAbsent(endpoint.id(), id -> new State());
        synchronized (s) {
            Integer max = endpoint.policy().maxConcurrency();
            s.cap = EndpointHealth.halfOpen(endpoint.health()) ? 1 : max == null ? Integer.MAX_VALUE : max;
            if (s.inFlight >= s.cap) {
                return SATURATED;
            }
            Integer rate = endpoint.policy().rateLimit();
            if (rate != null) {
                s.tokens = s.tokens < 0 ? rate : Math.min(rate, s.tokens + (now - s.refilledAt) * rate / 1000.0);
                s.refilledAt = now;
                if (s.tokens < 1) {
                    s.throttledUntil = now + (long) Math.ceil((1 - s.tokens) * 1000.0 / rate);
                    return new Admission.Throttled(s.throttledUntil);
                }
                s.tokens -= 1;
            }
            s.inFlight++;
            return GO;
        }
    }

    void release(String endpointId) {
        State s = states.get(endpointId);
        if (s != null) {
            synchronized (s) {
                s.inFlight--;
            }
        }
    }

    /** Endpoints that cannot start a request now: leave their rows out of the next claim. */
    List<String> closed(long now, int max) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            synchronized (s) {
                if (s.inFlight >= s.cap || s.throttledUntil > now) {
                    out.add(e.getKey());
                }
            }
            if (out.size() >= max) {
                break;
            }
        }
        return out;
    }
}
