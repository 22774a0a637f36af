package dev.hookline.outbound;

import dev.hookline.core.Failure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * The certificates an endpoint's HTTPS connections are checked against instead of the public CAs:
 * a private CA, or the receiver's own self-signed certificate, in PEM. The host name is still
 * checked against the certificate, as for any HTTPS endpoint.
 *
 * @param fingerprint SHA-256 of the PEM text: endpoints that trust the same certificates share a client
 */
public record TrustedCa(String pem, List<X509Certificate> certificates, String fingerprint) {
    static final int MAX_CHARS = 64 * 1024;

    static TrustedCa parse(String field, String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new Failure.Invalid(field, "must be one or more PEM certificates (-----BEGIN CERTIFICATE----- …)");
        }
        List<X509Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(c -> (X509Certificate) c).toList();
        } catch (CertificateException e) {
            throw new Failure.Invalid(field, "is not a readable PEM certificate: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new Failure.Invalid(field, "holds no certificate");
        }
        try {
            String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pem.getBytes(StandardCharsets.UTF_8)));
            return new TrustedCa(pem, certificates, fingerprint);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
