package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.Await;
import dev.hookline.testing.Backend;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Deleting an endpoint removes it from every list and from fan-out, but not from its messages' history. */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class EndpointDeletionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestServer server;
    private final Receiver ok = new Receiver();
    private final Receiver failing = new Receiver().alwaysAnswering(500);

    EndpointDeletionTest(Backend backend) {
        this.server = new TestServer(backend);
    }

    @AfterEach
    void tearDown() {
        server.close();
        ok.close();
        failing.close();
    }

    @Test
    void aDeletedEndpointsAttemptsStayReadableOnItsMessages() {
        String app = server.createApp("Acme");
        String delivered = server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\",\"uid\":\"orders\"}").text("/id");
        String retrying = server.createEndpoint(app, "{\"url\":\"" + failing.url() + "\",\"retry\":{\"schedule\":[3600]}}").text("/id");
        String msg = server.send(app, "order.created", "{\"n\":1}");
        Await.until("an attempt to each endpoint", WAIT, () -> ok.count() == 1 && failing.count() == 1
                && server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data").size() == 2);

        assertThat(server.delete("/v1/apps/" + app + "/endpoints/" + delivered).status()).isEqualTo(204);
        assertThat(server.delete("/v1/apps/" + app + "/endpoints/" + retrying).status()).isEqualTo(204);

        // gone as an endpoint…
        assertThat(server.get("/v1/apps/" + app + "/endpoints/" + delivered).status()).isEqualTo(404);
        assertThat(server.get("/v1/apps/" + app + "/endpoints/orders").status()).isEqualTo(404);
        assertThat(server.get("/v1/apps/" + app + "/endpoints").body().get("data")).isEmpty();
        assertThat(server.delete("/v1/apps/" + app + "/endpoints/" + delivered).status()).isEqualTo(404);
        // …but its history stays on the message
        JsonNode attempts = server.get("/v1/apps/" + app + "/messages/" + msg + "/attempts").body().get("data");
        assertThat(attempts).extracting(a -> a.get("endpoint_id").asText()).containsExactlyInAnyOrder(delivered, retrying);
        assertThat(server.get("/v1/apps/" + app + "/attempts?message=" + msg).body().get("data")).hasSize(2);
        JsonNode deliveries = server.get("/v1/apps/" + app + "/messages/" + msg).body().get("deliveries");
        assertThat(deliveries).hasSize(2);
        // the one waiting for its retry will not be sent again: it has ended as failed
        assertThat(deliveries).anySatisfy(d -> {
            assertThat(d.get("endpoint_id").asText()).isEqualTo(retrying);
            assertThat(d.get("status").asText()).isEqualTo("failed");
        });
        assertThat(deliveries).anySatisfy(d -> {
            assertThat(d.get("endpoint_id").asText()).isEqualTo(delivered);
            assertThat(d.get("status").asText()).isEqualTo("delivered");
        });

        // a new message reaches nobody, and the uid is free again
        String later = server.send(app, "order.created", "{\"n\":2}");
        assertThat(server.get("/v1/apps/" + app + "/messages/" + later).body().get("deliveries")).isEmpty();
        assertThat(server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\",\"uid\":\"orders\"}").status()).isEqualTo(201);
    }
}
