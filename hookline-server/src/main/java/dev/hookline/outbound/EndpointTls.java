package dev.hookline.outbound;

import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The client certificate deliveries to one endpoint present when the receiver asks for one (mutual
 * TLS); which CAs the endpoint trusts is {@code tls_ca} ({@link TrustedCa}). Kept as the PEM text
 * the user gave; the key is sealed at rest with the endpoint's other secrets and never shown again.
 *
 * @param clientCert PEM certificate chain
 * @param clientKey PEM PKCS #8 private key ({@code BEGIN PRIVATE KEY})
 */
public record EndpointTls(String clientCert, String clientKey) {
    static final Set<String> FIELDS = Set.of("client_cert", "client_key");
    private static final int MAX_PEM = 64 * 1024;

    @Override
    public String toString() {
        return "EndpointTls[client_key=hidden]";
    }

    /** Reads and checks the {@code tls} object; null when absent. */
    static EndpointTls fromJson(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(FIELDS);
        String cert = f.string("client_cert", MAX_PEM);
        String key = f.string("client_key", MAX_PEM);
        if (cert == null || key == null) {
            throw new Failure.Invalid(f.name(cert == null ? "client_cert" : "client_key"), "give 'client_cert' and 'client_key' together");
        }
        certificates(f.name("client_cert"), cert);
        privateKey(f.name("client_key"), key);
        return new EndpointTls(cert, key);
    }

    /** The X.509 certificates in a PEM text, in order; Invalid naming {@code field} when there are none or one is broken. */
    public static List<X509Certificate> certificates(String field, String pem) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new Failure.Invalid(field, "must hold at least one PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof Failure.Invalid invalid) {
                throw invalid;
            }
            throw new Failure.Invalid(field, "is not a PEM certificate chain");
        }
    }

    /** The private key in a PEM PKCS #8 text (RSA, EC or Ed25519). */
    public static PrivateKey privateKey(String field, String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new Failure.Invalid(field, "must be a PEM PKCS #8 private key (-----BEGIN PRIVATE KEY-----);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new Failure.Invalid(field, "is not valid PEM");
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryTheNext) {
                // not this algorithm
            }
        }
        throw new Failure.Invalid(field, "is not an RSA, EC or Ed25519 private key");
    }
}
