package dev.hookline.svix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Svix's npm SDK ({@code svix} 2.x, unmodified, installed from the npm registry) runs the core flow of
 * a Svix integration against a real Hookline from node ({@code svix/sdk-flow.mjs}); its receiver
 * checks every delivery with the SDK's own {@code Webhook.verify}.
 */
class SvixNodeSdkTest {
    /** The npm package, pinned: the test proves this version works, not whatever is newest. */
    private static final String PACKAGE = "svix@2.5.0";
    private static final Path NPM_DIR = Path.of("target", "svix-npm");

    @BeforeAll
    static void installSdk() throws IOException {
        Files.createDirectories(NPM_DIR);
        Path installed = NPM_DIR.resolve("node_modules/svix/package.json");
        if (!Files.exists(installed) || !Files.readString(installed).contains("\"version\": \"2.5.0\"")) {
            Run npm = run(NPM_DIR, 300, "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", ".", PACKAGE);
            assertThat(npm.exitCode()).as("npm install " + PACKAGE + ":\n" + npm.output()).isZero();
        }
        try (InputStream script = SvixNodeSdkTest.class.getResourceAsStream("/svix/sdk-flow.mjs")) {
            Files.copy(script, NPM_DIR.resolve("sdk-flow.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void npmSdkRunsTheCoreFlowAndItsWebhookClassVerifiesEveryDelivery() throws IOException {
        try (TestServer server = new TestServer()) {
            Run node = run(NPM_DIR, 120, "node", "sdk-flow.mjs", server.baseUrl(), ApiClient.ROOT_KEY);
            assertThat(node.exitCode()).as("node sdk-flow.mjs:\n" + node.output()).isZero();
            List<String> lines = node.output().lines().toList();
            JsonNode out = new ObjectMapper().readTree(lines.get(lines.size() - 1));

            assertThat(out.at("/app/uid").asText()).isEqualTo("node-shop");
            assertThat(out.at("/app/id").asText()).startsWith("app_");
            assertThat(out.at("/endpoint/eventTypes/0").asText()).isEqualTo("user.created");
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

    record Run(int exitCode, String output) {}

    /** Runs a command with its output in a file (no pipe to fill), killed after {@code seconds}. */
    static Run run(Path dir, int seconds, String... command) {
        try {
            Path log = Files.createTempFile("svix-sdk", ".log");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command[0] + " (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
