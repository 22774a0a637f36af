package dev.hookline.api;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's HTTPS certificate, from a PEM certificate chain and a PEM private key, and the
 * watcher that puts renewed files into service without a restart: it compares the files'
 * modification times and sizes every {@link #POLL}, and on a change loads both and hands them to
 * the listener, whose new connections use them (open ones keep theirs). Polling rather than a
 * file-system watch, because renewals often swap a symbolic link (as Kubernetes secrets do), which
 * watches on the folder miss. A pair that does not load (a renewal caught half-written) is logged
 * and tried again at the next change; the listener keeps the certificate it has.
 */
final class ServerCertificate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerCertificate.class);
    static final Duration POLL = Duration.ofSeconds(1);

    private final Path cert;
    private final Path key;
    private volatile boolean closed;
    private Thread watcher;

    ServerCertificate(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
    }

    /** The certificate and key as they are now; fails with a message naming the file when they cannot be read. */
    Tls load() {
        for (Path file : new Path[] {cert, key}) {
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("cannot read the TLS file " + file.toAbsolutePath());
            }
        }
        Keys keys = Keys.builder().pem(pem -> pem.key(Resource.create(key)).certChain(Resource.create(cert))).build();
        if (keys.privateKey().isEmpty() || keys.certChain().isEmpty()) {
            throw new IllegalStateException("the TLS files " + cert + " and " + key + " must hold a PEM certificate chain and a PEM private key");
        }
        return Tls.builder().privateKey(keys.privateKey().get()).privateKeyCertChain(keys.certChain()).build();
    }

    /** Starts watching; each change is loaded and given to {@code socket} of {@code server}. */
    void watch(WebServer server, String socket) {
        watcher = Thread.ofVirtual().name("tls-certificate-watcher").start(() -> {
            String seen = stamp();
            while (!closed) {
                LockSupport.parkNanos(POLL.toNanos());
                String now = stamp();
                if (closed || now.equals(seen)) {
                    continue;
                }
                seen = now;
                try {
                    server.reloadTls(socket, load());
                    log.info("TLS certificate reloaded from {}", cert.toAbsolutePath());
                } catch (RuntimeException e) {
                    log.warn("TLS certificate files changed but could not be loaded ({}); keeping the current one", e.getMessage());
                }
            }
        });
    }

    /** What identifies the files' current content cheaply: modification times and sizes, through links. */
    private String stamp() {
        try {
            return Files.getLastModifiedTime(cert) + "/" + Files.size(cert) + "/" + Files.getLastModifiedTime(key) + "/" + Files.size(key);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage(); // mid-renewal; the next poll sees the new files
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
