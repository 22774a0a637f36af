package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.Settings;
import dev.hookline.testing.Await;
import dev.hookline.testing.TestCertificates;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server speaks HTTPS from PEM files, picks up renewed files without a restart, and can drop plain HTTP. */
class HttpsTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TestServer.ROOT_KEY)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The subject of the certificate a new TLS connection to {@code port} is shown. */
    private static String presented(int port) {
        try (SSLSocket socket = (SSLSocket) TestCertificates.trustingAll().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (IOException e) {
            return "no handshake: " + e.getMessage();
        }
    }

    @Test
    void servesHttpsBesideHttpAndReloadsARenewedCertificate() throws Exception {
        TestCertificates.Pair first = TestCertificates.selfSigned(dir.resolve("first"), "hookline-one");
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Files.copy(first.cert(), cert);
        Files.copy(first.key(), key);

        try (TestServer server = new TestServer(Clock.systemUTC(), s -> s.withTls(new Settings.ServerTls(cert, key, 0, true)))) {
            HttpClient trustingFirst = HttpClient.newBuilder().sslContext(TestCertificates.trusting(first.cert())).build();
            String https = "https://127.0.0.1:" + server.tlsPort();
            assertThat(get(trustingFirst, https + "/health").statusCode()).isEqualTo(200);
            assertThat(get(trustingFirst, https + "/v1/apps").statusCode()).isEqualTo(200);
            assertThat(get(HttpClient.newHttpClient(), server.baseUrl() + "/v1/apps").statusCode()).isEqualTo(200);
            assertThat(presented(server.tlsPort())).isEqualTo("CN=hookline-one");

            TestCertificates.Pair renewed = TestCertificates.selfSigned(dir.resolve("renewed"), "hookline-two");
            Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.cert(), cert, StandardCopyOption.REPLACE_EXISTING);

            Await.until("new connections to be shown the renewed certificate", Duration.ofSeconds(20),
                    () -> presented(server.tlsPort()).equals("CN=hookline-two"));
            HttpClient trustingRenewed = HttpClient.newBuilder().sslContext(TestCertificates.trusting(renewed.cert())).build();
            assertThat(get(trustingRenewed, https + "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withHttpOffOnlyHttpsIsServed() throws Exception {
        TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "hookline-only");
        try (TestServer server = new TestServer(Clock.systemUTC(),
                s -> s.withTls(new Settings.ServerTls(pair.cert(), pair.key(), 0, false)))) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(TestCertificates.trusting(pair.cert())).build();
            assertThat(get(trusting, "https://127.0.0.1:" + server.tlsPort() + "/v1/apps").statusCode()).isEqualTo(200);
            assertThat(server.port()).isEqualTo(server.tlsPort());
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http://127.0.0.1:" + server.port() + "/health"))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void settingsNeedBothFilesAndHttpOffNeedsHttps() {
        assertThatThrownBy(() -> Settings.fromEnvironment(java.util.Map.of("HOOKLINE_TLS_CERT", "/x.crt")))
                .hasMessageContaining("HOOKLINE_TLS_KEY");
        assertThatThrownBy(() -> Settings.fromEnvironment(java.util.Map.of("HOOKLINE_HTTP", "false")))
                .hasMessageContaining("HOOKLINE_TLS_CERT");
        Settings.ServerTls tls = Settings.fromEnvironment(java.util.Map.of("HOOKLINE_TLS_CERT", "/x.crt", "HOOKLINE_TLS_KEY", "/x.key",
                "HOOKLINE_HTTP", "false")).tls();
        assertThat(tls.port()).isEqualTo(8443);
        assertThat(tls.http()).isFalse();
    }
}
