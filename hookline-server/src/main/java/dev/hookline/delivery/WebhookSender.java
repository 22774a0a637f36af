package dev.hookline.delivery;

import dev.hookline.outbound.EndpointTls;
import dev.hookline.outbound.TrustedCa;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes one HTTP POST and reports what happened; never throws. Redirects are not followed (a 3xx
 * is a failed attempt), at most {@link #MAX_RESPONSE_BYTES} of the response body are kept, and
 * every connection goes through the {@link SsrfGuard}'s resolver ({@link OutboundHttp}).
 */
final class WebhookSender implements AutoCloseable {
    static final int MAX_RESPONSE_BYTES = 20 * 1024;
    /** In-memory key stores only: never written anywhere, so their password protects nothing. */
    private static final char[] STORE_PASSWORD = "hookline".toCharArray();

    private final OutboundHttp http;
    private final SSLSocketFactory publicTrust;
    /**
     * TLS for endpoints that trust their own certificates, one per set of certificates. Entries are
     * few (one per private CA in use) and small, so one left behind by a changed endpoint is not
     * worth evicting.
     */
    private final Map<String, SSLSocketFactory> privateTrust = new ConcurrentHashMap<>();
    /** Client certificates (with the endpoint's trust), built once each: building parses PEM and makes key managers. */
    private final com.github.benmanes.caffeine.cache.Cache<ClientTls, SSLSocketFactory> clientTls =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    private record ClientTls(EndpointTls certificate, TrustedCa trusted) {}

    WebhookSender(SsrfGuard guard) {
        this.http = new OutboundHttp(guard::resolve, MAX_RESPONSE_BYTES);
        this.publicTrust = tls(null, null);
    }

    SendResult send(SignedRequest request) {
        long start = System.nanoTime();
        long deadline = start + request.timeoutMs() * 1_000_000L;
        try {
            URI u = URI.create(request.url());
            boolean https = "https".equalsIgnoreCase(u.getScheme());
            int port = u.getPort() >= 0 ? u.getPort() : https ? 443 : 80;
            OutboundHttp.Origin origin = new OutboundHttp.Origin(u.getHost(), port, https ? tlsFor(request) : null);
            OutboundHttp.Response response = http.post(origin, target(u), request.headers(), request.body(), deadline);
            int status = response.status();
            Long retryAfter = status == 429 || status == 503 ? retryAfterSeconds(response.retryAfter(), java.time.Instant.now()) : null;
            return new SendResult(status, response.body(), elapsedMillis(start), null, retryAfter);
        } catch (IOException | RuntimeException e) {
            return new SendResult(null, null, elapsedMillis(start), describe(e, request.timeoutMs()));
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private SSLSocketFactory tlsFor(SignedRequest request) {
        if (request.tls() != null) {
            return clientTls.get(new ClientTls(request.tls(), request.trusted()), t -> tls(t.certificate(), t.trusted()));
        }
        return request.trusted() == null ? publicTrust
                : privateTrust.computeIfAbsent(request.trusted().fingerprint(), k -> tls(null, request.trusted()));
    }

    /**
     * TLS presenting {@code certificate} when the receiver asks for one (none when null), trusting
     * {@code trusted}'s certificates only, or the JDK's public CAs when null. Host names are verified
     * by the connection ({@link OutboundHttp}).
     */
    static SSLSocketFactory tls(EndpointTls certificate, TrustedCa trusted) {
        try {
            KeyManagerFactory keys = null;
            if (certificate != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<X509Certificate> chain = EndpointTls.certificates("tls.client_cert", certificate.clientCert());
                store.setKeyEntry("client", EndpointTls.privateKey("tls.client_key", certificate.clientKey()), STORE_PASSWORD,
                        chain.toArray(X509Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, STORE_PASSWORD);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trusted == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < trusted.certificates().size(); i++) {
                    store.setCertificateEntry("ca" + i, trusted.certificates().get(i));
                }
                trust.init(store);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("TLS could not be set up: " + e.getMessage(), e);
        }
    }

    /**
     * What goes on the request line: the endpoint URL's path and query exactly as registered (never
     * decoded and encoded again, which would change {@code %2F} and {@code %20}), without its
     * fragment, which names a part of a page and is never sent.
     */
    static String target(URI u) {
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
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
