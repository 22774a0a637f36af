package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.hookline.outbound.EndpointTls;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.TestCertificates;
import dev.hookline.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint that demands a client certificate: Hookline presents the endpoint's own certificate
 * (its key sealed at rest, never shown again), trusting the endpoint's {@code tls_ca}; without a
 * certificate the receiver refuses the connection and the attempt fails.
 */
class MutualTlsDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A loopback HTTPS receiver that requires a client certificate issued by {@code ca}. */
    private static HttpsServer receiver(TestCertificates.Pair server, TestCertificates.Pair ca, List<String> bodies) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", EndpointTls.privateKey("key", Files.readString(server.key())), new char[0],
                new X509Certificate[] {TestCertificates.certificate(server.cert())});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestCertificates.certificate(ca.cert()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true); // no client certificate, no connection
                params.setSSLParameters(p);
            }
        });
        https.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        https.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        https.start();
        return https;
    }

    @Test
    void deliversOverMutualTlsAndIsRefusedWithoutAClientCertificate() throws Exception {
        TestCertificates.Pair ca = TestCertificates.selfSigned(dir.resolve("ca"), "Receiver CA");
        TestCertificates.Pair serverCert = TestCertificates.signedBy(dir.resolve("server"), "receiver", ca);
        TestCertificates.Pair clientCert = TestCertificates.signedBy(dir.resolve("client"), "hookline-client", ca);
        List<String> received = new CopyOnWriteArrayList<>();
        HttpsServer https = receiver(serverCert, ca, received);
        try (TestServer server = new TestServer()) {
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/hook";
            String app = server.createApp("mTLS");
            ObjectNode withCert = JSON.createObjectNode().put("url", url);
            withCert.put("tls_ca", Files.readString(ca.cert()));
            withCert.putObject("tls").put("client_cert", Files.readString(clientCert.cert()))
                    .put("client_key", Files.readString(clientCert.key()));
            Response created = server.createEndpoint(app, withCert.toString());
            assertThat(created.text("/tls/client_key")).isEqualTo("[redacted]");
            assertThat(created.text("/tls/client_cert")).contains("BEGIN CERTIFICATE");

            String other = server.createApp("No client certificate");
            ObjectNode caOnly = JSON.createObjectNode().put("url", url);
            caOnly.putObject("retry").putArray("schedule");
            caOnly.put("tls_ca", Files.readString(ca.cert()));
            server.createEndpoint(other, caOnly.toString());

            String delivered = server.send(app, "mtls.check", "{\"with\":\"certificate\"}");
            String refused = server.send(other, "mtls.check", "{\"with\":\"nothing\"}");

            Await.until("the mutual TLS delivery", Duration.ofSeconds(20), () -> "delivered".equals(server.deliveryStatus(app, delivered)));
            Await.until("the delivery without a certificate to fail", Duration.ofSeconds(20),
                    () -> "failed".equals(server.deliveryStatus(other, refused)));
            assertThat(received).hasSize(1).allSatisfy(b -> assertThat(b).contains("certificate"));
            String error = server.get("/v1/apps/" + other + "/messages/" + refused + "/attempts").text("/data/0/error");
            assertThat(error).isNotBlank().doesNotContain("Exception");

            String keyMiddle = Files.readAllLines(clientCert.key()).get(5);
            assertThat(server.get("/v1/apps/" + app + "/endpoints").raw().body()).doesNotContain(keyMiddle);
            server.stop();
            try (var files = Files.list(server.dataDir())) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("hookline.db")).toList()) {
                    assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain(keyMiddle);
                }
            }
        } finally {
            https.stop(0);
        }
    }

    @Test
    void aBrokenCertificateOrKeyIsRefusedAtCreate() throws Exception {
        try (TestServer server = new TestServer()) {
            String app = server.createApp("Broken");
            ObjectNode body = JSON.createObjectNode().put("url", "https://127.0.0.1:1/hook");
            body.putObject("tls").put("client_cert", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----")
                    .put("client_key", "nope");
            Response r = server.post("/v1/apps/" + app + "/endpoints", body.toString());
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.text("/error/message")).startsWith("tls.client_cert:");
            ObjectNode keyOnly = JSON.createObjectNode().put("url", "https://127.0.0.1:1/hook");
            keyOnly.putObject("tls").put("client_key", "x");
            assertThat(server.post("/v1/apps/" + app + "/endpoints", keyOnly.toString()).status()).isEqualTo(422);
        }
    }
}
