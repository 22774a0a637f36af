package dev.hookline.delivery;

import dev.hookline.outbound.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint limits on this node: at most {@code max_concurrency} requests in flight (one while a
 * circuit is not closed), and at most {@code rate_limit} requests a second (a token bucket holding
 * one second's worth). The dispatcher asks before starting a request and tells when it ends, and
 * leaves endpoints that cannot take more out of its next claims, so one slow endpoint never holds
 * up another.
 *
 * <p>Memory: a state exists for an endpoint with requests in flight or a bucket still refilling;
 * {@link #sweep} drops the others (a fresh state behaves exactly like a full, idle one). The set of
 * endpoints that cannot start a request is kept as it changes, so a claim never scans every
 * endpoint this node has seen.
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
    /** Endpoints at their concurrency cap on this node. */
    private final Set<String> saturated = ConcurrentHashMap.newKeySet();
    /** Endpoints over their rate, until when. */
    private final Map<String, Long> throttled = new ConcurrentHashMap<>();

    /** Takes a slot (and a token) for one request to {@code endpoint}, if its limits allow. */
    Admission admit(Endpoint endpoint, long now) {
        State s = states.computeIfAbsent(endpoint.id(), id -> new State());
        synchronized (s) {
            Integer max = endpoint.policy().maxConcurrency();
            s.cap = EndpointHealth.circuit(endpoint.health(), now) != EndpointHealth.Circuit.CLOSED ? 1
                    : max == null ? Integer.MAX_VALUE : max;
            if (s.inFlight >= s.cap) {
                saturated.add(endpoint.id());
                return SATURATED;
            }
            Integer rate = endpoint.policy().rateLimit();
            if (rate != null) {
                s.tokens = s.tokens < 0 ? rate : Math.min(rate, s.tokens + (now - s.refilledAt) * rate / 1000.0);
                s.refilledAt = now;
                if (s.tokens < 1) {
                    s.throttledUntil = now + (long) Math.ceil((1 - s.tokens) * 1000.0 / rate);
                    throttled.put(endpoint.id(), s.throttledUntil);
                    return new Admission.Throttled(s.throttledUntil);
                }
                s.tokens -= 1;
            }
            s.inFlight++;
            if (s.inFlight >= s.cap) {
                saturated.add(endpoint.id());
            }
            return GO;
        }
    }

    void release(String endpointId) {
        State s = states.get(endpointId);
        if (s != null) {
            synchronized (s) {
                s.inFlight--;
                if (s.inFlight < s.cap) {
                    saturated.remove(endpointId);
                }
            }
        }
    }

    /** How many more requests the endpoint may have in flight on this node (as far as this node knows). */
    int freeSlots(String endpointId) {
        State s = states.get(endpointId);
        if (s == null) {
            return Integer.MAX_VALUE;
        }
        synchronized (s) {
            return Math.max(0, s.cap - s.inFlight);
        }
    }

    /** Endpoints that cannot start a request now, at most {@code max}: leave their rows out of the next claim. */
    List<String> closed(long now, int max) {
        List<String> out = new ArrayList<>(Math.min(max, saturated.size() + throttled.size()));
        for (String id : saturated) {
            if (out.size() >= max) {
                return out;
            }
            out.add(id);
        }
        for (var it = throttled.entrySet().iterator(); it.hasNext() && out.size() < max; ) {
            var e = it.next();
            if (e.getValue() <= now) {
                it.remove();
            } else if (!saturated.contains(e.getKey())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Drops the states of endpoints with nothing in flight whose bucket has refilled by {@code now}. */
    void sweep(long now) {
        states.entrySet().removeIf(e -> {
            State s = e.getValue();
            synchronized (s) {
                return s.inFlight == 0 && now - s.refilledAt >= 1_000;
            }
        });
    }

    /** States held now (for tests of the bound). */
    int size() {
        return states.size();
    }
}
