package dev.hookline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.CliProcess;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ServerProcess;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hookline listen --forward-to}, end to end across three processes: a sender posts to a source
 * (or a producer sends a message to an app) on a Hookline server process, the CLI in its own process
 * pulls the events (or the endpoint's deliveries) and posts them to a receiver on loopback, and the
 * receiver gets the sender's bytes and headers unchanged (or the endpoint's signed request, which an
 * independent Standard Webhooks verifier accepts).
 */
class ListenForwardTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    @TempDir
    Path work;

    private static ServerProcess server;
    private static ApiClient api;

    @BeforeAll
    static void startServer() {
        server = new ServerProcess(dataDir).start();
        api = ApiClient.at(server.baseUrl());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String createSource(String json) {
        ApiClient.Response r = api.post("/v1/sources", json);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        return r.text("/id");
    }

    private static void post(String url, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private CliProcess listen(Path output, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("listen", "--server", server.baseUrl()));
        all.addAll(List.of(args));
        return CliProcess.start(output, Map.of("HOOKLINE_API_KEY", TestServer.ROOT_KEY), all.toArray(String[]::new))
                .awaitOutput("Ready:", WAIT);
    }

    @Test
    void relaysEachEventByteForByteAndResumesFromItsCursorAfterARestart() throws Exception {
        String source = createSource("{\"name\":\"shop\"}");
        String url = api.get("/v1/sources/" + source).text("/url");
        Path cursor = work.resolve("cursor");
        byte[] before = "{\"sent\":\"before listen started\"}".getBytes(StandardCharsets.UTF_8);
        post(url, "application/json", before);
        // Whitespace, key order, a trailing zero and non-ASCII: a re-serialised body would differ in bytes.
        byte[] json = "{ \"type\" : \"order.created\",\n  \"amount\": 1.50, \"name\": \"Zoë\" }\n".getBytes(StandardCharsets.UTF_8);
        byte[] binary = {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 10, 13};
        byte[] whileDown = "{\"type\":\"order.paid\",\"n\":3}".getBytes(StandardCharsets.UTF_8);

        try (Receiver receiver = new Receiver()) {
            Path output = work.resolve("listen-1.out");
            try (CliProcess cli = listen(output, "--source", source, "--forward-to", receiver.url(), "--cursor-file", cursor.toString())) {
                post(url, "application/json", json, "X-Shop-Topic", "orders/create", "X-Request-Id", "r-1");
                post(url, "application/octet-stream", binary, "X-Shop-Topic", "blob");
                Await.until("two relayed events", WAIT, () -> receiver.count() == 2);
                cli.awaitOutput("order.created  → 200", WAIT);
                String last = api.get("/v1/sources/" + source + "/events").body().get("data").get(2).get("id").asText();
                // at least once: a kill between a forward and its cursor write would send that event again
                Await.until("the cursor at the last event", WAIT, () -> Files.exists(cursor) && readCursor(cursor).equals(last));
                cli.kill();
            }
            List<Receiver.Request> got = receiver.requests();
            assertThat(got.get(0).body()).isEqualTo(json);
            assertThat(got.get(0).header("Content-Type")).isEqualTo("application/json");
            assertThat(got.get(0).header("X-Shop-Topic")).isEqualTo("orders/create");
            assertThat(got.get(0).header("X-Request-Id")).isEqualTo("r-1");
            assertThat(got.get(1).body()).isEqualTo(binary);
            assertThat(got.get(1).header("Content-Type")).isEqualTo("application/octet-stream");
            assertThat(got).noneMatch(r -> java.util.Arrays.equals(r.body(), before));
            assertThat(Files.readString(cursor).strip()).startsWith("evt_");

            post(url, "application/json", whileDown);
            try (CliProcess cli = listen(work.resolve("listen-2.out"), "--source", source, "--forward-to", receiver.url(),
                    "--cursor-file", cursor.toString())) {
                Await.until("the event posted while the CLI was down", WAIT, () -> receiver.count() >= 3);
                cli.awaitOutput("order.paid  → 200", WAIT);
                post(url, "application/json", "{\"type\":\"order.shipped\"}".getBytes(StandardCharsets.UTF_8));
                Await.until("one more event", WAIT, () -> receiver.count() >= 4);
            }
            List<Receiver.Request> all = receiver.requests();
            assertThat(all).hasSize(4); // nothing relayed twice across the restart
            assertThat(all.get(2).body()).isEqualTo(whileDown);
            assertThat(all.get(3).bodyText()).isEqualTo("{\"type\":\"order.shipped\"}");
        }
    }

    @Test
    void filtersByEventAndPrintsJsonLinesForScripts() throws Exception {
        String source = createSource("{\"name\":\"crm\"}");
        String url = api.get("/v1/sources/" + source).text("/url");
        try (Receiver receiver = new Receiver().answering(200, 500)) {
            Path output = work.resolve("listen.jsonl");
            try (CliProcess cli = CliProcess.start(output, Map.of("HOOKLINE_API_KEY", TestServer.ROOT_KEY), "listen",
                    "--server", server.baseUrl(), "--source", source, "--forward-to", receiver.url(), "--events", "contact.*",
                    "--print-json", "--cursor-file", work.resolve("c").toString())) {
                // --print-json prints no banner: wait until the CLI holds a long-poll on the source
                Await.until("the CLI's long-poll", WAIT, () -> longPollsWaiting() > 0);
                post(url, "application/json", "{\"type\":\"contact.created\",\"id\":1}".getBytes(StandardCharsets.UTF_8));
                post(url, "application/json", "{\"type\":\"deal.won\",\"id\":2}".getBytes(StandardCharsets.UTF_8));
                post(url, "application/json", "{\"type\":\"contact.deleted\",\"id\":3}".getBytes(StandardCharsets.UTF_8));
                Await.until("two relayed events", WAIT, () -> cli.output().lines().filter(l -> l.startsWith("{")).count() == 2);
            }
            List<JsonNode> lines = output.toFile().exists() ? Files.readAllLines(output).stream().map(ListenForwardTest::parse).toList() : List.of();
            assertThat(lines).extracting(l -> l.get("event").asText()).containsExactly("contact.created", "contact.deleted");
            assertThat(lines).extracting(l -> l.at("/forwarded/status").asInt()).containsExactly(200, 500);
            assertThat(lines.get(0).get("body").asText()).isEqualTo("{\"type\":\"contact.created\",\"id\":1}");
            assertThat(receiver.requests()).extracting(Receiver.Request::bodyText).noneMatch(b -> b.contains("deal.won"));
        }
    }

    @Test
    void fromStartWinsOverASavedCursorAndAnUnnamedEventPrintsANullEvent() throws Exception {
        String source = createSource("{\"name\":\"plain\"}");
        String url = api.get("/v1/sources/" + source).text("/url");
        post(url, "application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        post(url, "application/json", "{\"type\":\"order.created\"}".getBytes(StandardCharsets.UTF_8));
        Path cursor = work.resolve("saved-cursor");
        // as an earlier run would have left it: past both events
        Files.writeString(cursor, api.get("/v1/sources/" + source + "/events").body().get("data").get(1).get("id").asText());
        Path output = work.resolve("from-start.jsonl");
        try (CliProcess cli = CliProcess.start(output, Map.of("HOOKLINE_API_KEY", TestServer.ROOT_KEY), "listen", "--server",
                server.baseUrl(), "--source", source, "--print-json", "--from-start", "--cursor-file", cursor.toString())) {
            Await.until("both events printed", WAIT, () -> cli.output().lines().filter(l -> l.startsWith("{")).count() == 2);
        }
        List<JsonNode> lines = Files.readAllLines(output).stream().filter(l -> l.startsWith("{")).map(ListenForwardTest::parse).toList();
        assertThat(lines.get(0).get("event").isNull()).as(lines.get(0).toString()).isTrue();
        assertThat(lines.get(1).get("event").asText()).isEqualTo("order.created");
    }

    @Test
    void relaysAPullEndpointsDeliveriesSignedAsTheEndpointSignsThemAndResumesAfterARestart() throws Exception {
        String app = api.createApp("Acme");
        var created = api.createEndpoint(app, "{\"delivery\":\"pull\",\"events\":[\"invoice.*\",\"customer.*\"],"
                + "\"headers\":{\"X-Tenant\":\"acme\"},\"event_header\":\"X-Event\"}");
        String ep = created.text("/id");
        String secret = created.text("/secret");
        assertThat(created.json("/url").isNull()).isTrue();
        assertThat(created.text("/delivery")).isEqualTo("pull");
        Path cursor = work.resolve("endpoint-cursor");
        String sentBefore = api.send(app, "invoice.created", "{\"sent\":\"before listen started\"}");
        // Whitespace, a trailing zero and non-ASCII: the envelope splices the producer's bytes in as sent.
        String data = "{ \"amount\": 1.50,\n  \"name\": \"Zo\u00eb\" }";

        try (Receiver receiver = new Receiver()) {
            String first;
            try (CliProcess cli = listen(work.resolve("endpoint-1.out"), "--app", app, "--endpoint", ep, "--forward-to", receiver.url(),
                    "--cursor-file", cursor.toString())) {
                first = api.send(app, "invoice.paid", data);
                Await.until("the relayed delivery", WAIT, () -> receiver.count() == 1);
                cli.awaitOutput("invoice.paid  → 200", WAIT);
                // the cursor is written once the delivery is handled (an empty poll leaves the file alone)
                Await.until("the cursor at the delivery", WAIT, () -> Files.exists(cursor) && readCursor(cursor).startsWith("dlv_"));
                cli.kill();
            }
            Receiver.Request got = receiver.requests().get(0);
            // an independent verifier accepts the signature, over exactly the bytes received
            assertThatCode(() -> new Webhook(secret).verify(got.bodyText(), got.headers())).doesNotThrowAnyException();
            assertThat(got.header("webhook-id")).isEqualTo(first);
            assertThat(got.header("X-Tenant")).isEqualTo("acme");
            assertThat(got.header("X-Event")).isEqualTo("invoice.paid");
            assertThat(got.header("Content-Type")).isEqualTo("application/json");
            JsonNode message = api.get("/v1/apps/" + app + "/messages/" + first).body();
            assertThat(got.body()).isEqualTo(("{\"id\":\"" + first + "\",\"event\":\"invoice.paid\",\"created_at\":\""
                    + message.get("created_at").asText() + "\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8));
            assertThat(receiver.requests()).noneMatch(r -> sentBefore.equals(r.header("webhook-id")));
            // pulled is delivered; nothing was ever pushed
            assertThat(api.deliveryStatus(app, first)).isEqualTo("delivered");
            assertThat(api.get("/v1/apps/" + app + "/messages/" + first + "/attempts").body().get("data")).isEmpty();

            String whileDown = api.send(app, "invoice.refunded", "{\"n\":3}");
            Path output = work.resolve("endpoint-2.jsonl");
            try (CliProcess cli = CliProcess.start(output, Map.of("HOOKLINE_API_KEY", TestServer.ROOT_KEY), "listen",
                    "--server", server.baseUrl(), "--app", app, "--endpoint", ep, "--forward-to", receiver.url(),
                    "--events", "invoice.*", "--print-json", "--cursor-file", cursor.toString())) {
                Await.until("the delivery made while the CLI was down", WAIT, () -> receiver.count() == 2);
                api.send(app, "customer.created", "{\"n\":4}");
                String last = api.send(app, "invoice.voided", "{\"n\":5}");
                Await.until("one more delivery", WAIT, () -> receiver.count() == 3);
                Await.until("its line", WAIT, () -> cli.output().contains(last));
            }
            List<Receiver.Request> all = receiver.requests();
            assertThat(all).extracting(r -> r.header("X-Event")).containsExactly("invoice.paid", "invoice.refunded", "invoice.voided");
            assertThat(all.get(1).header("webhook-id")).isEqualTo(whileDown);
            for (Receiver.Request r : all) {
                assertThatCode(() -> new Webhook(secret).verify(r.bodyText(), r.headers())).doesNotThrowAnyException();
            }
            List<JsonNode> lines = Files.readAllLines(output).stream().filter(l -> l.startsWith("{")).map(ListenForwardTest::parse).toList();
            assertThat(lines).extracting(l -> l.get("event").asText()).containsExactly("invoice.refunded", "invoice.voided");
            assertThat(lines).extracting(l -> l.at("/forwarded/status").asInt()).containsExactly(200, 200);
            assertThat(lines.get(0).get("message_id").asText()).isEqualTo(whileDown);
        }
    }

    @Test
    void tappingAPushEndpointRelaysWhatItIsSentAndLeavesItsDeliveriesToThePush() throws Exception {
        String app = api.createApp("Shop");
        try (Receiver pushed = new Receiver(); Receiver local = new Receiver()) {
            var created = api.createEndpoint(app, "{\"url\":\"" + pushed.url() + "\"}");
            String ep = created.text("/id");
            try (CliProcess cli = listen(work.resolve("tap.out"), "--app", app, "--endpoint", ep, "--forward-to", local.url(),
                    "--cursor-file", work.resolve("tap-cursor").toString())) {
                String msg = api.send(app, "order.created", "{\"n\":1}");
                Await.until("the push and the relay", WAIT, () -> pushed.count() == 1 && local.count() == 1);
                cli.awaitOutput("order.created  → 200", WAIT);
                assertThat(local.requests().get(0).body()).isEqualTo(pushed.requests().get(0).body());
                assertThat(local.requests().get(0).header("webhook-id")).isEqualTo(msg);
                assertThatCode(() -> new Webhook(created.text("/secret")).verify(local.requests().get(0).bodyText(),
                        local.requests().get(0).headers())).doesNotThrowAnyException();
                // the push's own record: one attempt, by the push
                Await.until("the push's attempt", WAIT, () -> "delivered".equals(api.deliveryStatus(app, msg)));
                assertThat(api.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data")).hasSize(1);
            }
        }
    }

    private static String readCursor(Path cursor) {
        try {
            return Files.readString(cursor).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long longPollsWaiting() {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(l -> l.startsWith("hookline_inbound_long_polls_waiting"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
