package dev.hookline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import dev.hookline.cli.HooklineCommand;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestPostgres;
import dev.hookline.testing.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code hookline migrate}: a single-node installation moves to PostgreSQL and its deliveries carry on. */
class MigrateTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void deliveriesContinueAfterMovingToPostgres() throws Exception {
        Receiver receiver = new Receiver().answering(500); // the first attempt fails: a retry is pending at the move
        try (receiver) {
            TestServer single = new TestServer(Backend.SQLITE);
            String app = single.createApp("Moving");
            String secret = single.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"retry\":{\"schedule\":[2]}}").text("/secret");
            String msg = single.send(app, "order.created", "{\"n\":1}");
            String apiKey = single.post("/v1/api-keys", "{\"name\":\"producer\",\"app\":\"" + app + "\"}").text("/key");
            var source = single.post("/v1/sources", "{\"name\":\"in\",\"forward\":{\"app\":\"" + app + "\"}}");
            Await.until("the failed first attempt", WAIT, () -> receiver.count() == 1);
            single.stop();

            String target = TestPostgres.newDatabase();
            int exit = new CommandLine(new HooklineCommand()).execute("migrate", "--from", single.dataDir().toString(), "--to", target);
            assertThat(exit).isZero();
            // a second migration into the now-populated target is refused
            assertThat(new CommandLine(new HooklineCommand()).execute("migrate", "--from", single.dataDir().toString(), "--to", target)).isNotZero();

            String masterKey = Files.readString(single.dataDir().resolve("master.key")).trim();
            try (TestServer moved = new TestServer(Backend.SQLITE, Clock.systemUTC(), s -> s.withDatabaseUrl(target).withMasterKey(masterKey))) {
                Await.until("the pending retry to be delivered from PostgreSQL", WAIT, () -> "delivered".equals(moved.deliveryStatus(app, msg)));
                Receiver.Request retried = receiver.requests().get(1);
                new Webhook(secret).verify(retried.bodyText(), retried.headers()); // the endpoint secret came along, still sealed
                assertThat(moved.call("GET", "/v1/apps/" + app, null, apiKey).status()).isEqualTo(200); // so did the API key

                String url = source.text("/url");
                String path = url.substring(url.indexOf("/webhooks/"));
                var posted = ApiClient.at(moved.baseUrl()).send("POST", path, "{\"x\":1}", null, "application/json");
                assertThat(posted.status()).isEqualTo(200); // and the source, at the same token
                Await.until("the forwarded inbound event", WAIT, () -> receiver.count() == 3);
            }
        }
    }
}
