package dev.hookline.delivery;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fair shares of a node's in-flight cap between apps and between the hosts they send to. While at
 * most a tenth of the slots are free, a request may start only if its app and its host are each
 * below their share: the slots ÷ (apps, or hosts, with requests in flight + 1). So neither one app
 * fanning out to endpoints that never answer, nor one host that never answers (however many apps
 * send to it), can hold more than nine tenths of the slots: the last tenth stays for everyone else.
 *
 * <p>A host is a URL's authority, host and port: two services on one machine are two hosts, and
 * one receiver's endpoints (different paths or query strings) are one.
 *
 * <p>Counts change on the dispatcher's thread (a request starts) and on request threads (one ends),
 * so every map is concurrent; a count that reaches zero is removed, keeping memory to what is in
 * flight.
 */
final class FairShares {
    private final int maxInFlight;
    private final Map<String, Integer> byApp = new ConcurrentHashMap<>();
    private final Map<String, Integer> byHost = new ConcurrentHashMap<>();
    /**
     * Endpoints met on each host with requests in flight: when that host is over its share, all of
     * them are left out of the next claim, rather than claimed and given back on every wake-up.
     */
    private final Map<String, Set<String>> endpointsOnHost = new ConcurrentHashMap<>();

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

    /** Whether a request of {@code app} to {@code host} may take a slot, with {@code free} slots free. */
    boolean mayStart(String app, String host, int free) {
        if (!slotsShort(free)) {
            return true;
        }
        return byApp.getOrDefault(app, 0) < share(byApp) && byHost.getOrDefault(host, 0) < share(byHost);
    }

    void started(String app, String host, String endpointId) {
        byApp.merge(app, 1, Integer::sum);
        byHost.merge(host, 1, Integer::sum);
        endpointsOnHost.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet()).add(endpointId);
    }

    void finished(String app, String host) {
        byApp.computeIfPresent(app, (a, n) -> n == 1 ? null : n - 1);
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

    /** Apps at or over their share while slots are short: left out of the next claim. */
    List<String> appsOverShare(int free, int max) {
        return slotsShort(free) ? over(byApp, max) : List.of();
    }

    /** The endpoints of hosts at or over their share while slots are short: left out of the next claim. */
    List<String> endpointsOfHostsOverShare(int free, int max) {
        if (!slotsShort(free)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String host : over(byHost, Integer.MAX_VALUE)) {
            for (String endpoint : endpointsOnHost.getOrDefault(host, Set.of())) {
                if (out.size() >= max) {
                    return out;
                }
                out.add(endpoint);
            }
        }
        return out;
    }

    /** Drops what a race left behind: endpoints remembered for a host that has nothing in flight now. */
    void sweep() {
        endpointsOnHost.keySet().removeIf(host -> !byHost.containsKey(host));
    }

    /** Slots kept for apps and hosts below their share: a tenth of the in-flight cap. */
    private boolean slotsShort(int free) {
        return free <= Math.max(1, maxInFlight / 10);
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
