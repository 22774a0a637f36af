package dev.hookline.svix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/svix-import.mjs}, as the migration guide runs it: Svix's npm SDK reads one Svix API and
 * writes another. The source here is a second Hookline standing in for a Svix server (it answers
 * Svix's API); what is checked is what the target then holds.
 */
class SvixImportTest {
    private TestServer svixStandIn;
    private TestServer hookline;

    @BeforeAll
    static void installSdk() {
        NpmSvix.install();
        NpmSvix.place(Path.of("../bin/svix-import.mjs"));
    }

    @BeforeEach
    void start() {
        svixStandIn = new TestServer();
        hookline = new TestServer();
    }

    @AfterEach
    void stop() {
        svixStandIn.close();
        hookline.close();
    }

    @Test
    void copiesAppsEndpointsSecretsHeadersAndEventTypesAndASecondRunChangesNothing() throws Exception {
        ok(svixStandIn.post("/api/v1/event-type", "{\"name\":\"invoice.paid\",\"description\":\"An invoice was paid\"}"));
        ok(svixStandIn.post("/api/v1/app", "{\"name\":\"Acme\",\"uid\":\"acme\"}"));
        ok(svixStandIn.post("/api/v1/app", "{\"name\":\"Globex\",\"uid\":\"globex\"}"));
        String withUid = ok(svixStandIn.post("/api/v1/app/acme/endpoint", "{\"url\":\"https://acme.example/hooks\",\"uid\":\"acme-main\","
                + "\"eventTypes\":[\"invoice.paid\"],\"channels\":[\"eu\"],\"description\":\"main\",\"throttleRate\":5,"
                + "\"headers\":{\"X-Team\":\"billing\"},\"metadata\":{\"owner\":\"ada\"},\"secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}")).text("/id");
        String withoutUid = ok(svixStandIn.post("/api/v1/app/globex/endpoint",
                "{\"url\":\"https://other.example/in\",\"disabled\":true}")).text("/id");
        String secretWithout = svixStandIn.get("/api/v1/app/globex/endpoint/" + withoutUid + "/secret").text("/key");

        NpmSvix.Run first = importInto();
        assertThat(first.exitCode()).as(first.output()).isZero();
        JsonNode summary = new ObjectMapper().readTree(first.lastLine());
        assertThat(summary.at("/eventTypes").asInt()).isEqualTo(1);
        assertThat(summary.at("/apps").asInt()).isEqualTo(2);
        assertThat(summary.at("/endpoints").asInt()).isEqualTo(2);

        assertThat(hookline.get("/api/v1/event-type/invoice.paid").text("/description")).isEqualTo("An invoice was paid");
        assertThat(hookline.get("/api/v1/app/acme").text("/name")).isEqualTo("Acme");
        assertThat(hookline.get("/api/v1/app/globex").text("/name")).isEqualTo("Globex");
        ApiClient.Response main = hookline.get("/api/v1/app/acme/endpoint/acme-main");
        assertThat(main.status()).isEqualTo(200);
        assertThat(main.text("/url")).isEqualTo("https://acme.example/hooks");
        assertThat(main.text("/eventTypes/0")).isEqualTo("invoice.paid");
        assertThat(main.text("/channels/0")).isEqualTo("eu");
        assertThat(main.json("/throttleRate").asInt()).isEqualTo(5);
        assertThat(main.text("/metadata/owner")).isEqualTo("ada");
        assertThat(hookline.get("/api/v1/app/acme/endpoint/acme-main/secret").text("/key"))
                .as("the same secret, so receivers keep verifying").isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(hookline.get("/api/v1/app/acme/endpoint/acme-main/headers").text("/headers/X-Team")).isEqualTo("billing");
        ApiClient.Response other = hookline.get("/api/v1/app/globex/endpoint/svix-" + withoutUid);
        assertThat(other.json("/disabled").asBoolean()).isTrue();
        assertThat(hookline.get("/api/v1/app/globex/endpoint/svix-" + withoutUid + "/secret").text("/key"))
                .isEqualTo(secretWithout);
        // Deliveries from the copy carry Svix's headers, as the original's did.
        assertThat(hookline.get("/v1/apps/acme/endpoints/acme-main").text("/delivery_headers/signature")).isEqualTo("svix-signature");

        NpmSvix.Run second = importInto();
        assertThat(second.exitCode()).as(second.output()).isZero();
        JsonNode again = new ObjectMapper().readTree(second.lastLine());
        assertThat(again.at("/apps").asInt() + again.at("/endpoints").asInt() + again.at("/eventTypes").asInt()).isZero();
        assertThat(again.at("/skipped").asInt()).isEqualTo(5);
        assertThat(hookline.get("/api/v1/app/acme/endpoint").json("/data")).hasSize(1);
        assertThat(withUid).isNotNull();
    }

    /**
     * The script keeps a Svix application id as the uid of an app that had none, so the ids a
     * producer stored keep working. (The stand-in above makes Hookline-shaped ids, which are refused
     * as uids, so the id shape Svix makes is checked here.)
     */
    @Test
    void aSvixApplicationIdIsAValidUidAndAHooklineShapedOneIsNot() {
        String svixId = "app_2ZfNE1XCcHzTQoxyGdQrg2q5dNc";
        assertThat(hookline.post("/api/v1/app", "{\"name\":\"Kept id\",\"uid\":\"" + svixId + "\"}").status()).isEqualTo(201);
        assertThat(hookline.get("/api/v1/app/" + svixId).text("/name")).isEqualTo("Kept id");
        ApiClient.Response refused = hookline.post("/api/v1/app", "{\"name\":\"x\",\"uid\":\"app_01M8EG8Y8X3039467S69ARXS8X\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.text("/detail/0/loc/1")).isEqualTo("uid");
    }

    private NpmSvix.Run importInto() {
        return NpmSvix.run(120, Map.of("SVIX_TOKEN", ApiClient.ROOT_KEY, "SVIX_URL", svixStandIn.baseUrl(),
                "HOOKLINE_URL", hookline.baseUrl(), "HOOKLINE_API_KEY", ApiClient.ROOT_KEY), "node", "svix-import.mjs");
    }

    private static ApiClient.Response ok(ApiClient.Response r) {
        assertThat(r.status()).as(r.body() == null ? "" : r.body().toString()).isBetween(200, 299);
        return r;
    }
}
