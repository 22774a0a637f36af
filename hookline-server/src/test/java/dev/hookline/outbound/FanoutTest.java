package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Fields;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Fan-out by index matches exactly what checking every endpoint would, and is never stale: a change
 * acknowledged on one node is seen by the next message routed on another.
 */
class FanoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EVENTS = List.of("a", "a.b", "a.b.c", "a.c", "b", "b.x", "b.x.y", "lookup.completed",
            "lookup.batch.done", "message.received", "message.opened", "z.");
    private static final List<String> PATTERNS = List.of("*", "a", "a.*", "a.b", "a.b.*", "b.*", "b.x", "lookup.*",
            "message.*", "message.received", "z.*", "nothing.*");

    @Test
    void theIndexPicksExactlyTheEndpointsABruteForceCheckPicksOnRandomData() {
        Random random = new Random(20261124);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            endpoints.add(endpoint("ep_" + i, randomPolicy(random)));
        }
        Fanout.Table table = new Fanout.Table(1, endpoints);

        Set<Integer> sizes = new java.util.HashSet<>();
        for (int m = 0; m < 2_000; m++) {
            String event = EVENTS.get(random.nextInt(EVENTS.size()));
            List<String> channels = random.nextInt(4) == 0 ? null
                    : random.ints(1 + random.nextInt(3), 0, 400).mapToObj(c -> "ch" + c).distinct().toList();
            JsonNode view = view(event, channels, random.nextInt(200));
            Supplier<JsonNode> message = () -> view;

            Set<String> indexed = table.candidates(event, channels).stream().filter(ep -> ep.policy().passes(message))
                    .map(Endpoint::id).collect(Collectors.toSet());
            Set<String> everyEndpoint = endpoints.stream()
                    .filter(ep -> EventMatcher.eventMatches(ep.policy().events(), event)
                            && EventMatcher.channelMatches(ep.policy().channels(), channels)
                            && ep.policy().passes(message))
                    .map(Endpoint::id).collect(Collectors.toSet());

            assertThat(indexed).as("message %d: %s on %s", m, event, channels).isEqualTo(everyEndpoint);
            sizes.add(indexed.size());
        }
        // the data is not degenerate: messages reach many different numbers of endpoints, never all
        assertThat(sizes).hasSizeGreaterThan(20).allMatch(n -> n < endpoints.size() / 2);
    }

    @Test
    void aMessageTaggedWithOneOfTenThousandChannelsLooksAtThatChannelsEndpointsOnly() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            endpoints.add(endpoint("ep_" + i, policy("{\"channels\":[\"mailbox-" + i + "\"]}")));
        }
        Fanout.Table table = new Fanout.Table(1, endpoints);

        assertThat(table.candidates("message.received", List.of("mailbox-4242"))).extracting(Endpoint::id).containsExactly("ep_4242");
        assertThat(table.candidates("message.received", null)).isEmpty();
    }

    @Test
    void anEndpointCreatedOnOneNodeGetsTheNextMessageIngestedOnAnother() throws Exception {
        String url = Backend.POSTGRESQL.newDatabaseUrl();
        String masterKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        try (Receiver receiver = new Receiver();
             TestServer one = new TestServer(Backend.POSTGRESQL, new ShiftableClock(), s -> s.withDatabaseUrl(url).withMasterKey(masterKey));
             TestServer two = new TestServer(Backend.POSTGRESQL, new ShiftableClock(), s -> s.withDatabaseUrl(url).withMasterKey(masterKey))) {
            String app = one.createApp("Acme");
            String first = one.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"events\":[\"a.*\"]}").text("/id");
            two.send(app, "a.1", "{}"); // node two builds its table for the app now

            String second = one.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"events\":[\"b.*\"]}").text("/id");
            String toSecond = two.send(app, "b.1", "{}");
            one.patch("/v1/apps/" + app + "/endpoints/" + first, "{\"events\":[\"c.*\"]}");
            String toNoOne = two.send(app, "a.2", "{}");

            assertThat(two.get("/v1/apps/" + app + "/messages/" + toSecond).body().get("deliveries"))
                    .extracting(d -> d.get("endpoint_id").asText()).containsExactly(second);
            assertThat(two.get("/v1/apps/" + app + "/messages/" + toNoOne).body().get("deliveries")).isEmpty();
            Await.until("the delivery to the new endpoint", Duration.ofSeconds(20),
                    () -> receiver.requests().stream().anyMatch(r -> toSecond.equals(r.header("webhook-id"))));
        }
    }

    @Test
    void aFilterIsBoundedInSize() {
        try (TestServer server = new TestServer()) {
            String app = server.createApp("Acme");
            ArrayNode values = JSON.createArrayNode();
            for (int i = 0; i < 100_000; i++) {
                values.add("v" + i);
            }
            ObjectNode body = JSON.createObjectNode().put("url", "https://example.com/hook");
            body.putObject("filter").putObject("data.x").set("$in", values);

            var refused = server.post("/v1/apps/" + app + "/endpoints", body.toString());

            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.text("/error/message")).startsWith("filter: must be at most 8192 characters");
        }
    }

    private static Endpoint endpoint(String id, EndpointPolicy policy) {
        return new Endpoint(id, "app_1", null, "https://example.com", true, policy, null, Endpoint.Health.NEW, 0, 0);
    }

    private static EndpointPolicy policy(String json) {
        try {
            return EndpointPolicy.fromJson(Fields.of(JSON.readTree(json)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EndpointPolicy randomPolicy(Random random) {
        ObjectNode p = JSON.createObjectNode();
        if (random.nextInt(5) != 0) {
            ArrayNode events = p.putArray("events");
            random.ints(1 + random.nextInt(3), 0, PATTERNS.size()).distinct().forEach(i -> events.add(PATTERNS.get(i)));
        }
        if (random.nextInt(3) != 0) {
            ArrayNode channels = p.putArray("channels");
            random.ints(1 + random.nextInt(3), 0, 400).distinct().forEach(c -> channels.add("ch" + c));
        }
        if (random.nextInt(4) == 0) {
            p.putObject("filter").putObject("data.n").put("$gte", random.nextInt(200));
        }
        return policy(p.toString());
    }

    private static JsonNode view(String event, List<String> channels, int n) {
        ObjectNode view = JSON.createObjectNode().put("event", event);
        view.set("channels", JSON.valueToTree(channels));
        view.putObject("data").put("n", n);
        return view;
    }
}
