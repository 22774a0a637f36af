package dev.hookline.delivery;

import dev.hookline.outbound.TrustedCa;
import io.helidon.common.tls.Tls;
import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import dev.hookline.outbound.EndpointTls;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.spi.DnsResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes one HTTP POST and reports what happened; never throws. Redirects are not followed (a 3xx
 * is a failed attempt), at most {@link #MAX_RESPONSE_BYTES} of the response body are kept, and
 * every connection goes through the {@link SsrfGuard}'s resolver.
 */
final class WebhookSender {
    static final int MAX_RESPONSE_BYTES = 20 * 1024;
    /** Tries per attempt while the connection that failed came from the pool (see {@link #send}). */
    private static final int MAX_TRIES = 3;
    /**
     * Whether the request under way on this thread set out to open a connection of its own (whether
     * or not that worked), rather than took one from the pool: set by the resolver, which the client
     * calls on the connecting thread for a new connection only. Each delivery has a virtual thread
     * of its own, so this is per request.
     */
    private static final ThreadLocal<Boolean> NEW_CONNECTION = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final int FIRST_READ_BYTES = 320;

    private final DnsResolver resolver;
    private final WebClient client;
    /**
     * Clients for endpoints that trust their own certificates, one per set of certificates. Entries
     * are few (one per private CA in use) and small, so one left behind by a changed endpoint is
     * not worth evicting.
     */
    private final Map<String, WebClient> privateTrust = new ConcurrentHashMap<>();
    /** Client certificates (with the endpoint's trust), built once each: building parses PEM and makes key managers. */
    private final com.github.benmanes.caffeine.cache.Cache<ClientTls, Tls> clientTls =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    private record ClientTls(EndpointTls certificate, TrustedCa trusted) {}

    WebhookSender(SsrfGuard guard) {
        DnsResolver resolver = new DnsResolver() {
            @Override
            public boolean useDefaultJavaResolver() {
                return false;
            }

            @Override
            public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
                NEW_CONNECTION.set(Boolean.TRUE);
                try {
                    // Named after the URL's host, which TLS checks the certificate against: an address
                    // without a name (an IP-literal URL) would be named by a reverse lookup instead, and
                    // a certificate for 127.0.0.1 would be checked against "localhost".
                    return InetAddress.getByAddress(hostname, guard.resolve(hostname).getAddress());
                } catch (UnknownHostException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        this.resolver = resolver;
        this.client = client(null);
    }

    /** A client with the public CAs' trust, or with trust in {@code trusted} only. */
    private WebClient client(TrustedCa trusted) {
        var builder = WebClient.builder()
                .dnsResolver(resolver)
                // Direct connections only: through a proxy, the address connected to would escape the SSRF guard.
                .proxy(Proxy.noProxy())
                .followRedirects(false)
                .sendExpectContinue(false)
                .socketOptions(s -> s.connectTimeout(Duration.ofSeconds(10)))

                .connectionCacheSize(trusted == null ? 1024 : 64);
        if (trusted != null) {
            builder.tls(Tls.builder().trust(trusted.certificates()).build());
        }
        return builder.build();
    }

    SendResult send(SignedRequest request) {
        long start = System.nanoTime();
        long deadline = start + request.timeoutMs() * 1_000_000L;
        for (int tries = 1; ; tries++) {
            NEW_CONNECTION.set(Boolean.FALSE);
            try {
                return attempt(request, start, deadline);
            } catch (RuntimeException e) {
                // A kept-alive connection the receiver closed (its idle timeout ran out as the request
                // went out) fails before any answer. That is the pool's fault, not the endpoint's: try
                // again, on a new connection or another pooled one, rather than spend an attempt.
                // Receivers de-duplicate by webhook-id, so a request that did get through is harmless.
                boolean pooled = !NEW_CONNECTION.get();
                if (pooled && tries < MAX_TRIES && !timedOut(e) && System.nanoTime() < deadline
                        && !Thread.currentThread().isInterrupted()) {
                    continue;
                }
                return new SendResult(null, null, elapsedMillis(start), describe(e, request.timeoutMs()));
            }
        }
    }

    /** One request on one connection, from the pool or new; throws when no answer came. */
    private SendResult attempt(SignedRequest request, long start, long deadline) {
        WebClient via = request.trusted() == null ? client
                : privateTrust.computeIfAbsent(request.trusted().fingerprint(), k -> client(request.trusted()));
        HttpClientRequest post = via.post()
                .uri(target(request.url()))
                .followRedirects(false)
                .readTimeout(Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime())));
        if (request.tls() != null) {
            post.tls(clientTls.get(new ClientTls(request.tls(), request.trusted()), WebhookSender::tlsOf));
        }
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            post.header(HeaderNames.create(h.getKey()), h.getValue());
        }
        try (HttpClientResponse response = post.submit(request.body())) {
            int status = response.status().code();
            Long retryAfter = status == 429 || status == 503
                    ? retryAfterSeconds(response.headers().first(HeaderNames.RETRY_AFTER).orElse(null), java.time.Instant.now()) : null;
            String body = readCapped(response.inputStream(), deadline);
            return new SendResult(status, body, elapsedMillis(start), null, retryAfter);
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * An endpoint's client certificate, presented when the receiver asks for one, with the trust the
     * endpoint's client has (its own CA, or the public ones): a request's TLS replaces its client's.
     * Host names are still verified.
     */
    static Tls tlsOf(ClientTls settings) {
        var builder = Tls.builder()
                .privateKey(EndpointTls.privateKey("tls.client_key", settings.certificate().clientKey()))
                .privateKeyCertChain(EndpointTls.certificates("tls.client_cert", settings.certificate().clientCert()));
        if (settings.trusted() != null) {
            builder.trust(settings.trusted().certificates());
        }
        return builder.build();
    }

    /**
     * Where to send: the endpoint URL with its path and query exactly as registered, and without its
     * fragment, which names a part of a page and is never sent. Given a URI, Helidon decodes the
     * path and encodes it again (so {@code %2F} and {@code %20} change) and re-orders the query;
     * handed the raw path and query as one path, it writes them out untouched.
     */
    static ClientUri target(String url) {
        URI u = URI.create(url);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String target = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
        return ClientUri.create(UriInfo.builder().scheme(u.getScheme()).host(u.getHost()).port(port)
                .path(UriPath.create(target)).build());
    }

    /**
     * {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. A date is
     * the receiver's wall-clock time, so it is measured from the wall clock's {@code now} (not the
     * server's injected clock, which tests move).
     */
    static Long retryAfterSeconds(String value, java.time.Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, java.time.Duration.between(now, at.toInstant()).toSeconds());
            } catch (java.time.format.DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /**
     * At most {@link #MAX_RESPONSE_BYTES} of the body, and only until {@code deadlineNanos}: the
     * status has already decided the outcome, so a body that trickles in is simply cut short.
     * The buffer starts small and grows as the body does: most receivers answer a few bytes or none,
     * and a 20 KiB buffer per response cost more than reading it.
     */
    private static String readCapped(InputStream in, long deadlineNanos) {
        try (in) {
            byte[] buffer = new byte[FIRST_READ_BYTES];
            int length = 0;
            while (length < MAX_RESPONSE_BYTES && System.nanoTime() < deadlineNanos) {
                if (length == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, Math.min(MAX_RESPONSE_BYTES, buffer.length * 4));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            // Stored as text: a NUL (which PostgreSQL text refuses) must not make the attempt unrecordable.
            return new String(buffer, 0, length, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
        } catch (IOException | RuntimeException e) {
            return null; // the status decides the outcome; an unreadable body is not a failure
        }
    }

    /** A short, secret-free description of why no response came. */
    static String describe(Throwable e, int timeoutMs) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "timed out after " + timeoutMs + " ms";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException u) {
                return "could not resolve host: " + u.getMessage();
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS handshake failed";
            }
            if (t instanceof java.net.SocketException s) {
                // e.g. a receiver that closes on a TLS client without the certificate it demands
                return "the connection was closed" + (s.getMessage() == null ? "" : ": " + s.getMessage());
            }
            root = t;
        }
        // No class names: the error is shown to the endpoint's owner, who needs what happened, not our
        // internals; the innermost message is the one that says it (outer ones repeat it with class names).
        String message = root.getMessage();
        return message == null || message.isBlank() ? "the request failed" : "the request failed: " + message;
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
