package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's custom headers are where the docs tell users to put a receiver's credentials, so
 * they are kept like secrets: sealed in the database, never shown again, sent only to the receiver.
 */
class CustomHeadersAtRestTest {
    private static final String CREDENTIAL = "Bearer receiver-credential-7f3a9c";

    @Test
    void customHeaderValuesAreSealedAtRestMaskedInReadsAndStillDelivered() throws Exception {
        try (TestServer server = new TestServer(); Receiver receiver = new Receiver()) {
            String app = server.createApp("Creds");
            String appKey = server.post("/v1/api-keys", "{\"name\":\"app\",\"app\":\"" + app + "\"}").text("/key");
            Response created = server.createEndpoint(app,
                    "{\"url\":\"" + receiver.url() + "\",\"headers\":{\"Authorization\":\"" + CREDENTIAL + "\"}}");
            String ep = created.text("/id");
            server.patch("/v1/apps/" + app + "/endpoints/" + ep, "{\"name\":\"renamed\"}");

            assertThat(created.raw().body()).doesNotContain("receiver-credential");
            for (String key : new String[] {TestServer.ROOT_KEY, appKey}) {
                Response one = server.call("GET", "/v1/apps/" + app + "/endpoints/" + ep, null, key);
                assertThat(one.text("/headers/Authorization")).isEqualTo("[redacted]");
                assertThat(server.call("GET", "/v1/apps/" + app + "/endpoints", null, key).raw().body())
                        .contains("Authorization").doesNotContain("receiver-credential");
            }

            server.send(app, "creds.check", "{}");
            Await.until("the delivery", Duration.ofSeconds(20), () -> receiver.count() > 0);
            assertThat(receiver.requests().get(0).header("Authorization")).isEqualTo(CREDENTIAL);

            server.stop();
            try (Stream<Path> files = Files.list(server.dataDir())) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("hookline.db")).toList()) {
                    assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(file.getFileName().toString()).doesNotContain("receiver-credential");
                }
            }
        }
    }
}
