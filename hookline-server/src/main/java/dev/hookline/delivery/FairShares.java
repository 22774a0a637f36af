package dev.hookline.delivery;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fair shares of a node's in-flight cap between apps and between the hosts they send to. While at
 * most a tenth of the slots are free (the reserve), a request may start only if its app and its
 * host are each below their share: the slots ÷ (apps, or hosts, with requests in flight + 1). So
 * neither one app fanning out to endpoints that never answer, nor one host that never answers
 * (however many apps send to it), can take the last tenth of the slots.
 *
 * <p>An app or host over its share holds back the endpoints that hold its slots, not every endpoint
 * it has: while more than half the reserve is free, its endpoints holding fewer requests than its
 * average (its requests ÷ its endpoints with requests in flight) may still start. So one slow
 * endpoint that took most of its host's (or its app's) slots delays neither a fast endpoint on
 * the same host nor the app's other endpoints: shares by host alone made a receiver's fast path
 * wait behind its slow one (bench/run's B5, 24 s at p99). A host whose endpoints all hang (each at
 * the average) can take at most half the reserve this way; the other half stays for other hosts.
 *
 * <p>A host is a URL's authority, host and port: two services on one machine are two hosts, and
 * one receiver's endpoints (different paths or query strings) are one.
 *
 * <p>Counts change on the dispatcher's thread (a request starts) and on request threads (one ends),
 * so every map is concurrent; a count that reaches zero is removed, keeping memory to what is in
 * flight. An endpoint's first request and its last are each seen by one caller (merge and
 * computeIfPresent are atomic per key), which keeps the counts of busy endpoints exact.
 */
final class FairShares {
    private final int maxInFlight;
    private final Map<String, Integer> byApp = new ConcurrentHashMap<>();
    private final Map<String, Integer> byHost = new ConcurrentHashMap<>();
    private final Map<String, Integer> byEndpoint = new ConcurrentHashMap<>();
    /** Endpoints with requests in flight, by app and by host: the denominators of the averages. */
    private final Map<String, Integer> busyOfApp = new ConcurrentHashMap<>();
    private final Map<String, Integer> busyOnHost = new ConcurrentHashMap<>();
    /**
     * Endpoints met on each host (and of each app) with requests in flight: when the host (or app)
     * is over its share, those holding its slots are left out of the next claim, rather than
     * claimed and given back on every wake-up.
     */
    private final Map<String, Set<String>> endpointsOnHost = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> endpointsOfApp = new ConcurrentHashMap<>();

    FairShares(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** The host (authority) a URL's requests go to, e.g. {@code hooks.example.com:443}. */
    static String hostOf(String url) {
        try {
            URI uri = URI.create(url);
            String host = uri.getHost();
            if (host == null) {
                return url;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return url; // never stored this way (URLs are checked when set), but a share must not fail a delivery
        }
    }

    /** Whether a request of {@code app} to {@code endpoint} on {@code host} may take a slot, with {@code free} slots free. */
    boolean mayStart(String app, String host, String endpoint, int free) {
        if (!slotsShort(free)) {
            return true;
        }
        boolean spare = reserveSpare(free);
        return !holds(byApp, busyOfApp, app, endpoint, spare) && !holds(byHost, busyOnHost, host, endpoint, spare);
    }

    void started(String app, String host, String endpointId) {
        byApp.merge(app, 1, Integer::sum);
        byHost.merge(host, 1, Integer::sum);
        if (byEndpoint.merge(endpointId, 1, Integer::sum) == 1) {
            busyOfApp.merge(app, 1, Integer::sum);
            busyOnHost.merge(host, 1, Integer::sum);
        }
        endpointsOnHost.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet()).add(endpointId);
        endpointsOfApp.computeIfAbsent(app, a -> ConcurrentHashMap.newKeySet()).add(endpointId);
    }

    void finished(String app, String host, String endpointId) {
        if (byEndpoint.computeIfPresent(endpointId, (e, n) -> n == 1 ? null : n - 1) == null) {
            busyOfApp.computeIfPresent(app, (a, n) -> n == 1 ? null : n - 1);
            busyOnHost.computeIfPresent(host, (h, n) -> n == 1 ? null : n - 1);
        }
        byApp.computeIfPresent(app, (a, n) -> {
            if (n == 1) {
                endpointsOfApp.remove(a);
                return null;
            }
            return n - 1;
        });
        byHost.computeIfPresent(host, (h, n) -> {
            if (n == 1) {
                endpointsOnHost.remove(h);
                return null;
            }
            return n - 1;
        });
    }

    /** A request held back for its host's share: its endpoint is left out of claims while the host stays over. */
    void heldBack(String host, String endpointId) {
        if (byHost.containsKey(host)) {
            endpointsOnHost.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet()).add(endpointId);
        }
    }

    /** Apps at or over their share while slots are short and at most half the reserve is free: left out of the next claim. */
    List<String> appsOverShare(int free, int max) {
        return slotsShort(free) && !reserveSpare(free) ? over(byApp, max) : List.of();
    }

    /**
     * The endpoints that hold the slots of hosts, and of apps, over their share while slots are
     * short (all of a host's endpoints once half the reserve is gone; apps are then left out whole,
     * {@link #appsOverShare}): left out of the next claim.
     */
    List<String> endpointsOverShare(int free, int max) {
        if (!slotsShort(free)) {
            return List.of();
        }
        boolean spare = reserveSpare(free);
        Set<String> out = new LinkedHashSet<>();
        collect(byHost, busyOnHost, endpointsOnHost, spare, out, max);
        if (spare) {
            collect(byApp, busyOfApp, endpointsOfApp, true, out, max);
        }
        return List.copyOf(out);
    }

    private void collect(Map<String, Integer> counts, Map<String, Integer> busy, Map<String, Set<String>> endpoints, boolean spare,
                         Set<String> out, int max) {
        for (String group : over(counts, Integer.MAX_VALUE)) {
            for (String endpoint : endpoints.getOrDefault(group, Set.of())) {
                if (out.size() >= max) {
                    return;
                }
                if (holds(counts, busy, group, endpoint, spare)) {
                    out.add(endpoint);
                }
            }
        }
    }

    /**
     * Whether {@code group} (an app or a host) is at or over its share and {@code endpoint} is one
     * that holds it: with the reserve spare, one holding at least the group's average; else any.
     */
    private boolean holds(Map<String, Integer> counts, Map<String, Integer> busy, String group, String endpoint, boolean spare) {
        int n = counts.getOrDefault(group, 0);
        if (n < share(counts)) {
            return false;
        }
        // below the average <=> held * busy endpoints < the group's requests
        return !spare || (long) byEndpoint.getOrDefault(endpoint, 0) * busy.getOrDefault(group, 1) >= n;
    }

    /** Drops what a race left behind: endpoints remembered for a host (or an app) that has nothing in flight now. */
    void sweep() {
        endpointsOnHost.keySet().removeIf(host -> !byHost.containsKey(host));
        endpointsOfApp.keySet().removeIf(app -> !byApp.containsKey(app));
    }

    /** Slots kept for apps and hosts below their share: a tenth of the in-flight cap. */
    private boolean slotsShort(int free) {
        return free <= reserve();
    }

    /** Whether more than half the reserve is free: endpoints below their app's and host's averages may still start. */
    private boolean reserveSpare(int free) {
        return free > reserve() / 2;
    }

    private int reserve() {
        return Math.max(1, maxInFlight / 10);
    }

    /** A share of the slots: the apps (or hosts) with requests in flight, and room for one more. */
    private int share(Map<String, Integer> counts) {
        return Math.max(1, maxInFlight / (counts.size() + 1));
    }

    private List<String> over(Map<String, Integer> counts, int max) {
        int share = share(counts);
        return counts.entrySet().stream().filter(e -> e.getValue() >= share).map(Map.Entry::getKey).limit(max).toList();
    }
}
