package dev.hookline.svix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Svix's npm SDK ({@code svix} 2.x, unmodified, installed from the npm registry) runs the core flow of
 * a Svix integration against a real Hookline from node ({@code svix/sdk-flow.mjs}); its receiver
 * checks every delivery with the SDK's own {@code Webhook.verify}.
 */
class SvixNodeSdkTest {
    @BeforeAll
    static void installSdk() {
        NpmSvix.install();
        NpmSvix.place(Path.of("src/test/resources/svix/sdk-flow.mjs"));
    }

    @Test
    void npmSdkRunsTheCoreFlowAndItsWebhookClassVerifiesEveryDelivery() throws IOException {
        try (TestServer server = new TestServer()) {
            NpmSvix.Run node = NpmSvix.run(120, Map.of(), "node", "sdk-flow.mjs", server.baseUrl(), ApiClient.ROOT_KEY);
            assertThat(node.exitCode()).as("node sdk-flow.mjs:\n" + node.output()).isZero();
            JsonNode out = new ObjectMapper().readTree(node.lastLine());

            assertThat(out.at("/app/uid").asText()).isEqualTo("node-shop");
            assertThat(out.at("/app/id").asText()).startsWith("app_");
            assertThat(out.at("/endpoint/eventTypes/0").asText()).isEqualTo("user.created");
            assertThat(out.at("/endpoint/metadata/team").asText()).isEqualTo("growth");
            assertThat(out.at("/portal/token").asText()).startsWith("hkp_");
            assertThat(out.at("/portal/url").asText()).isEqualTo(server.baseUrl() + "/portal#token=" + out.at("/portal/token").asText());
            assertThat(server.call("GET", "/v1/apps/node-shop/endpoints", null, out.at("/portal/token").asText()).status())
                    .as("the portal token opens the app").isEqualTo(200);
            assertThat(out.at("/secretPrefix").asText()).isEqualTo("whsec_");
            assertThat(out.at("/secretRotated").asBoolean()).isTrue();
            assertThat(out.at("/message/eventId").asText()).isEqualTo("user-1");
            assertThat(out.at("/duplicate/code").asInt()).as("a repeated eventId").isEqualTo(409);
            assertThat(out.at("/duplicate/body/code").asText()).isEqualTo("conflict");
            assertThat(out.at("/listed/0").asText()).isEqualTo(out.at("/message/id").asText());
            assertThat(out.at("/attempts/0/status").asInt()).isZero();
            assertThat(out.at("/attempts/0/responseStatusCode").asInt()).isEqualTo(200);
            assertThat(out.at("/byEndpoint").asInt()).isEqualTo(1);
            assertThat(out.at("/recover").asText()).isEqualTo("finished");
            JsonNode deliveries = out.at("/deliveries");
            assertThat(deliveries).hasSize(4);
            for (JsonNode d : deliveries) {
                assertThat(d.at("/verified").asBoolean()).as("Webhook.verify of " + d).isTrue();
                assertThat(d.at("/webhookSignature").isNull()).as("the signature travels as svix-signature only").isTrue();
            }
            assertThat(deliveries.at("/0/body").asText()).isEqualTo("{\"type\":\"user.created\",\"id\":1,\"name\":\"Ada\"}");
            assertThat(deliveries.at("/1/id").asText()).as("a resend keeps the message id").isEqualTo(out.at("/message/id").asText());
        }
    }
}
