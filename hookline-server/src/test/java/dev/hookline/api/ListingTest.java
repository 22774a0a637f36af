package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lists an operator can search: newest first on request, the message list narrowed by event
 * (wildcards), status, endpoint, channel and time, an app-wide attempt log with the same filters,
 * and a 422 for what a list does not understand (a misspelt filter, a cursor it never gave).
 */
class ListingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void messagesAndAttemptsCanBeOrderedAndFiltered() {
        try (TestServer server = new TestServer(); Receiver ok = new Receiver(); Receiver failing = new Receiver().alwaysAnswering(500)) {
            String app = server.createApp("Acme");
            String good = server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\",\"events\":[\"invoice.*\"]}").text("/id");
            String bad = server.createEndpoint(app, "{\"url\":\"" + failing.url() + "\",\"events\":[\"invoice.paid\",\"user.*\"],"
                    + "\"retry\":{\"schedule\":[]}}").text("/id");
            String paid = message(server, app, "invoice.paid", "[\"eu\"]");
            String sent = message(server, app, "invoice.sent", "[\"us\"]");
            String user = message(server, app, "user.created", "[\"eu\"]");
            Await.until("every delivery final", WAIT, () -> List.of(paid, sent, user).stream().allMatch(m ->
                    server.get("/v1/apps/" + app + "/messages/" + m).body().get("deliveries").findValues("status").stream()
                            .noneMatch(s -> s.asText().equals("pending"))));

            String base = "/v1/apps/" + app;
            assertThat(ids(server.get(base + "/messages"))).containsExactly(paid, sent, user);
            assertThat(ids(server.get(base + "/messages?order=newest"))).containsExactly(user, sent, paid);
            assertThat(allPages(server, base + "/messages?order=newest&limit=2")).containsExactly(user, sent, paid);
            assertThat(allPages(server, base + "/messages?order=oldest&limit=1")).containsExactly(paid, sent, user);

            assertThat(ids(server.get(base + "/messages?event=invoice.*"))).containsExactly(paid, sent);
            assertThat(ids(server.get(base + "/messages?event=user.created"))).containsExactly(user);
            assertThat(ids(server.get(base + "/messages?status=failed"))).containsExactly(paid, user);
            assertThat(ids(server.get(base + "/messages?status=delivered&endpoint=" + good))).containsExactly(paid, sent);
            assertThat(ids(server.get(base + "/messages?endpoint=" + bad + "&order=newest"))).containsExactly(user, paid);
            assertThat(ids(server.get(base + "/messages?channel=eu"))).containsExactly(paid, user);
            String sentAt = server.get(base + "/messages/" + sent).text("/created_at");
            assertThat(ids(server.get(base + "/messages?since=" + sentAt))).containsExactly(sent, user);
            assertThat(ids(server.get(base + "/messages?until=" + sentAt))).containsExactly(paid);

            Response log = server.get(base + "/attempts");
            assertThat(log.status()).isEqualTo(200);
            assertThat(log.body().get("data")).hasSize(4);
            // attempts are logged in the order they finished, which need not be the messages' order
            List<String> failed = ids(server.get(base + "/attempts?status=failed"));
            assertThat(failed).hasSize(2);
            assertThat(ids(server.get(base + "/attempts?status=failed&order=newest"))).containsExactlyElementsOf(failed.reversed());
            assertThat(attemptMessages(server.get(base + "/attempts?status=failed"))).containsExactlyInAnyOrder(user, paid);
            assertThat(attemptMessages(server.get(base + "/attempts?endpoint=" + good))).containsExactlyInAnyOrder(paid, sent);
            assertThat(attemptMessages(server.get(base + "/attempts?event=invoice.*&status=succeeded"))).containsExactlyInAnyOrder(paid, sent);
            assertThat(attemptMessages(server.get(base + "/attempts?channel=us"))).containsExactly(sent);
            assertThat(attemptMessages(server.get(base + "/attempts?message=" + paid))).hasSize(2);
            assertThat(attemptMessages(server.get(base + "/messages/" + paid + "/attempts?status=failed"))).containsExactly(paid);
            assertThat(ids(server.get(base + "/endpoints/" + bad + "/attempts?order=newest"))).containsExactlyElementsOf(failed.reversed());
            assertThat(attemptMessages(server.get(base + "/attempts?since=" + Instant.now().plusSeconds(60)))).isEmpty();
        }
    }

    @Test
    void unknownQueryParametersAndForeignCursorsAre422() {
        try (TestServer server = new TestServer()) {
            String app = server.createApp("Acme");
            for (String path : List.of("/v1/apps/" + app + "/messages?evnt=x", "/v1/apps?foo=1", "/v1/apps/" + app + "/attempts?statuss=failed",
                    "/v1/apps/" + app + "/messages?after=garbage", "/v1/apps?after=msg_01JD3ZZZZZZZZZZZZZZZZZZZZZ",
                    "/v1/apps/" + app + "/messages?order=sideways", "/v1/apps/" + app + "/messages?status=lost",
                    "/v1/apps/" + app + "/messages?since=yesterday", "/v1/apps/" + app + "/messages?event=inv*",
                    "/v1/api-keys?order=newest&x=1")) {
                Response r = server.get(path);
                assertThat(r.status()).as(path).isEqualTo(422);
                assertThat(r.text("/error/code")).as(path).isEqualTo("validation_failed");
            }
            assertThat(server.get("/v1/apps/" + app + "/messages?evnt=x").text("/error/message")).startsWith("evnt: ");
            assertThat(server.get("/v1/apps?after=" + app).status()).isEqualTo(200);
        }
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        try (TestServer server = new TestServer()) {
            String app = server.createApp("Acme");
            Response r = server.delete("/v1/apps/" + app + "/messages");
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.text("/error/code")).isEqualTo("method_not_allowed");
            assertThat(r.raw().headers().firstValue("Allow")).contains("GET, HEAD, POST");
            // the error names the path asked for
            assertThat(r.text("/error/message")).isEqualTo("/v1/apps/" + app + "/messages takes GET, HEAD, POST, not DELETE");
            assertThat(server.call("PUT", "/v1/apps/" + app, "{}", TestServer.ROOT_KEY).raw().headers().firstValue("Allow"))
                    .contains("DELETE, GET, HEAD, PATCH");
            Response nothing = server.get("/v1/nothing-here");
            assertThat(nothing.status()).isEqualTo(404);
            assertThat(nothing.text("/error/message")).isEqualTo("no route for GET /v1/nothing-here");
        }
    }

    @Test
    void aDeliveryInFlightShowsItsLeaseNotADueTime() {
        try (TestServer server = new TestServer(); Receiver held = new Receiver().holding()) {
            String app = server.createApp("Acme");
            server.createEndpoint(app, "{\"url\":\"" + held.url() + "\"}");
            String msg = server.send(app, "a.b", "{}");
            Await.until("the request to be under way", WAIT, () -> held.count() == 1);
            JsonNode delivery = server.get("/v1/apps/" + app + "/messages/" + msg).body().at("/deliveries/0");
            assertThat(delivery.get("status").asText()).isEqualTo("pending");
            assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
            assertThat(Instant.parse(delivery.get("leased_until").asText())).isAfter(Instant.now());
            held.release();
            Await.until("delivered", WAIT, () -> "delivered".equals(server.deliveryStatus(app, msg)));
            assertThat(server.get("/v1/apps/" + app + "/messages/" + msg).body().at("/deliveries/0/leased_until").isNull()).isTrue();
        }
    }

    private static String message(TestServer server, String app, String event, String channels) {
        Response r = server.post("/v1/apps/" + app + "/messages", "{\"event\":\"" + event + "\",\"channels\":" + channels + ",\"data\":{}}");
        assertThat(r.status()).isEqualTo(202);
        return r.text("/id");
    }

    private static List<String> ids(Response r) {
        assertThat(r.status()).as(r.body() == null ? "" : r.body().toString()).isEqualTo(200);
        return r.body().get("data").findValues("id").stream().map(JsonNode::asText).toList();
    }

    private static List<String> attemptMessages(Response r) {
        assertThat(r.status()).as(r.body() == null ? "" : r.body().toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.body().get("data").forEach(a -> out.add(a.get("message_id").asText()));
        return out;
    }

    private static List<String> allPages(TestServer server, String path) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            Response page = server.get(path + (cursor == null ? "" : "&after=" + cursor));
            out.addAll(ids(page));
            cursor = page.body().get("next").isNull() ? null : page.body().get("next").asText();
        } while (cursor != null);
        return out;
    }
}
