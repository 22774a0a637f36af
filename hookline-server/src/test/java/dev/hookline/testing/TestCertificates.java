package dev.hookline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Certificates for TLS tests, made with the openssl command line (which the suite needs anyway). */
public final class TestCertificates {
    private TestCertificates() {}

    /** A PEM certificate and its PEM (PKCS #8) private key. */
    public record Pair(Path cert, Path key) {}

    /** A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, valid for a day. */
    public static Pair selfSigned(Path dir, String commonName) {
        return make(dir, commonName, null);
    }

    /** A certificate for {@code commonName} signed by {@code ca}. */
    public static Pair signedBy(Path dir, String commonName, Pair ca) {
        return make(dir, commonName, ca);
    }

    private static Pair make(Path dir, String commonName, Pair ca) {
        try {
            Files.createDirectories(dir);
            Path cert = dir.resolve(commonName + ".crt");
            Path key = dir.resolve(commonName + ".key");
            String san = "subjectAltName=IP:127.0.0.1,DNS:localhost";
            if (ca == null) {
                run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                        "-days", "1", "-subj", "/CN=" + commonName, "-addext", san, "-addext", "basicConstraints=critical,CA:TRUE");
            } else {
                Path csr = dir.resolve(commonName + ".csr");
                Path ext = dir.resolve(commonName + ".ext");
                Files.writeString(ext, san + "\n");
                run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                        "-subj", "/CN=" + commonName);
                run(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
                        "-CAcreateserial", "-out", cert.toString(), "-days", "1", "-extfile", ext.toString());
            }
            return new Pair(cert, key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static X509Certificate certificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts only {@code cert}. */
    public static SSLContext trusting(Path cert) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("trusted", certificate(cert));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that accepts any certificate: for looking at what a server presents, never for trusting it. */
    public static SSLContext trustingAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
