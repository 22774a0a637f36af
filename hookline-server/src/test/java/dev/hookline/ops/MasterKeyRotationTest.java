package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.hookline.cli.HooklineCommand;
import dev.hookline.signature.HexSignature;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hookline rotate-master-key}: every sealed value moves to a new key, and everything works as before. */
class MasterKeyRotationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static List<String> sealedValues(TestServer server) throws Exception {
        List<String> out = new ArrayList<>();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("hookline.db"));
             var rs = c.createStatement().executeQuery("SELECT secret, previous_secret, policy FROM endpoints"
                     + " UNION ALL SELECT secret, previous_secret, NULL FROM sources")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return out;
    }

    @Test
    void everySealedValueMovesToTheNewKeyAndKeepsWorking() throws Exception {
        try (TestServer server = new TestServer(); Receiver receiver = new Receiver()) {
            String app = server.createApp("Rotating");
            Response endpoint = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"headers\":{\"X-Token\":\"kept-across\"}}");
            String secret = server.post("/v1/apps/" + app + "/endpoints/" + endpoint.text("/id") + "/secret/rotate", "{}").text("/secret");
            server.post("/v1/sources", "{\"name\":\"in\",\"verification\":{\"scheme\":\"hex\"},\"secret\":\"a-sixteen-plus-char-secret\"}");
            String url = server.get("/v1/sources").text("/data/0/url");
            String receivePath = url.substring(url.indexOf("/webhooks/"));
            String oldKey = Files.readString(server.dataDir().resolve("master.key")).trim();
            String legacyApp = server.createApp("Written by an older version");
            String legacy = server.createEndpoint(legacyApp, "{\"url\":\"" + receiver.url() + "\"}").text("/id");
            List<String> before = sealedValues(server);
            server.stop();
            // an older version stored custom headers in clear in the policy
            try (var c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("hookline.db"));
                 var s = c.prepareStatement("UPDATE endpoints SET policy = json_set(policy, '$.headers', json('{\"X-Old\":\"clear-legacy-value\"}'))"
                         + " WHERE id = ?")) {
                s.setString(1, legacy);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }

            int exit = new CommandLine(new HooklineCommand()).execute("rotate-master-key", "--data-dir", server.dataDir().toString());

            assertThat(exit).isZero();
            String newKey = Files.readString(server.dataDir().resolve("master.key")).trim();
            assertThat(newKey).isNotEqualTo(oldKey);
            assertThat(server.dataDir().resolve("master.key.new")).doesNotExist();
            List<String> after = sealedValues(server);
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).isNotEqualTo(before.get(i));
            }

            assertThat(after).noneMatch(row -> row.contains("clear-legacy-value"));

            server.start();
            server.send(legacyApp, "legacy.check", "{}");
            Await.until("the legacy endpoint's delivery", WAIT, () -> receiver.count() == 1);
            assertThat(receiver.requests().get(0).header("X-Old")).isEqualTo("clear-legacy-value");
            server.send(app, "after.rotation", "{}");
            Await.until("a delivery under the new key", WAIT, () -> receiver.count() == 2);
            Receiver.Request delivered = receiver.requests().get(1);
            new Webhook(secret).verify(delivered.bodyText(), delivered.headers());
            assertThat(delivered.header("X-Token")).isEqualTo("kept-across");
            byte[] body = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + receivePath))
                    .header("Content-Type", "application/json").header("X-Signature", HexSignature.sign("a-sixteen-plus-char-secret", body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        }
    }
}
