package dev.hookline.svix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.svix.Svix;
import com.svix.SvixOptions;
import com.svix.Webhook;
import com.svix.api.ApplicationListOptions;
import com.svix.api.MessageCreateOptions;
import com.svix.exceptions.ApiException;
import com.svix.models.AppPortalAccessIn;
import com.svix.models.AppPortalAccessOut;
import com.svix.models.AppPortalCapability;
import com.svix.models.ApplicationIn;
import com.svix.models.ApplicationOut;
import com.svix.models.EndpointIn;
import com.svix.models.EndpointOut;
import com.svix.models.EndpointPatch;
import com.svix.models.EndpointSecretRotateIn;
import com.svix.models.EndpointUpdate;
import com.svix.models.ListResponseApplicationOut;
import com.svix.models.ListResponseMessageAttemptOut;
import com.svix.models.MessageAttemptOut;
import com.svix.models.MessageIn;
import com.svix.models.MessageOut;
import com.svix.models.MessageStatus;
import com.svix.models.RecoverIn;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Await;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Svix's official Java SDK ({@code com.svix:svix}, unmodified) pointed at a real Hookline with
 * {@code serverUrl}: the calls a Svix integration makes, and every delivery checked by the SDK's own
 * {@link Webhook#verify} with the secret the SDK read back.
 */
class SvixSdkTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestServer server;
    private Receiver receiver;
    private Svix svix;

    @BeforeEach
    void start() {
        server = new TestServer();
        receiver = new Receiver();
        SvixOptions options = new SvixOptions();
        options.setServerUrl(server.baseUrl());
        svix = new Svix(ApiClient.ROOT_KEY, options);
    }

    @AfterEach
    void stop() {
        receiver.close();
        server.close();
    }

    @Test
    void coreFlowOfASvixIntegrationRunsAndEveryDeliveryVerifiesWithSvixsWebhookClass() throws Exception {
        ApplicationOut app = svix.getApplication().getOrCreate(new ApplicationIn().name("Acme").uid("acme"));
        assertThat(app.getId()).startsWith("app_");
        assertThat(app.getUid()).isEqualTo("acme");
        assertThat(svix.getApplication().getOrCreate(new ApplicationIn().name("Acme").uid("acme")).getId())
                .as("get_if_exists returns the same app").isEqualTo(app.getId());
        assertThat(svix.getApplication().get("acme").getName()).isEqualTo("Acme");

        EndpointOut ep = svix.getEndpoint().create("acme", new EndpointIn().url(URI.create(receiver.url()))
                .filterTypes(Set.of("invoice.paid")).description("billing").uid("billing-hook"));
        assertThat(ep.getId()).startsWith("ep_");
        assertThat(ep.getFilterTypes()).containsExactly("invoice.paid");
        assertThat(ep.getDisabled()).isFalse();
        assertThat(svix.getEndpoint().get("acme", "billing-hook").getId()).as("an endpoint by its uid").isEqualTo(ep.getId());
        String secret = svix.getEndpoint().getSecret("acme", ep.getId()).getKey();
        assertThat(secret).startsWith("whsec_");

        MessageOut first = svix.getMessage().create("acme", new MessageIn().eventType("invoice.paid").eventId("evt-1")
                .payload("{\"type\":\"invoice.paid\",\"amount\":4200}"));
        assertThat(first.getId()).startsWith("msg_");
        assertThat(first.getEventType()).isEqualTo("invoice.paid");
        assertThat(first.getEventId()).isEqualTo("evt-1");
        svix.getMessage().create("acme", new MessageIn().eventType("invoice.voided").payload("{\"amount\":1}"));

        Receiver.Request delivered = Await.value("the delivery", WAIT, receiver::requests, r -> !r.isEmpty()).get(0);
        assertThat(delivered.bodyText()).isEqualTo("{\"type\":\"invoice.paid\",\"amount\":4200}");
        assertThat(delivered.header("svix-id")).isEqualTo(first.getId());
        assertThat(delivered.header("webhook-signature")).as("the signature travels under Svix's name").isNull();
        new Webhook(secret).verify(delivered.bodyText(), svixHeaders(delivered));

        // A repeated eventId is a 409, as in Svix.
        assertThatThrownBy(() -> svix.getMessage().create("acme",
                new MessageIn().eventType("invoice.paid").eventId("evt-1").payload("{\"amount\":1}")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getResponseBody()).contains("\"code\":\"conflict\"").contains("\"detail\"");
                });

        assertThat(svix.getMessage().list("acme").getData()).extracting(MessageOut::getEventType)
                .containsExactlyInAnyOrder("invoice.paid", "invoice.voided");
        assertThat(svix.getMessage().get("acme", "evt-1").getId()).isEqualTo(first.getId());

        ListResponseMessageAttemptOut byMsg = Await.value("the attempt log", WAIT,
                () -> call(() -> svix.getMessageAttempt().listByMsg("acme", first.getId())), l -> !l.getData().isEmpty());
        MessageAttemptOut attempt = byMsg.getData().get(0);
        assertThat(attempt.getStatus()).isEqualTo(MessageStatus.SUCCESS);
        assertThat(attempt.getEndpointId()).isEqualTo(ep.getId());
        assertThat(attempt.getResponseStatusCode()).isEqualTo((short) 200);
        assertThat(svix.getMessageAttempt().listByEndpoint("acme", ep.getId()).getData()).hasSize(1);

        // Resend: a second delivery of the same message, as verifiable as the first.
        // MessageAttempt.resend of SDK 1.99.1 fails before it sends (OkHttp refuses its body-less POST), so
        // the same request goes through the SDK's own client with the empty body Svix's server accepts.
        assertThatThrownBy(() -> svix.getMessageAttempt().resend("acme", first.getId(), ep.getId()))
                .isInstanceOf(IllegalArgumentException.class);
        svix.getHttpClient().executeRequest("POST", svix.getHttpClient().newUrlBuilder()
                        .encodedPath("/api/v1/app/acme/msg/" + first.getId() + "/endpoint/" + ep.getId() + "/resend").build(),
                okhttp3.Headers.of(), Map.of(), com.svix.models.EmptyResponse.class);
        Receiver.Request again = Await.value("the resent delivery", WAIT, receiver::requests, r -> r.size() == 2).get(1);
        assertThat(again.header("svix-id")).isEqualTo(first.getId());
        new Webhook(secret).verify(again.bodyText(), svixHeaders(again));

        // Rotate: the next delivery verifies with the new secret the SDK reads back.
        svix.getEndpoint().rotateSecret("acme", ep.getId(), new EndpointSecretRotateIn());
        String rotated = svix.getEndpoint().getSecret("acme", ep.getId()).getKey();
        assertThat(rotated).isNotEqualTo(secret).startsWith("whsec_");
        MessageOut third = svix.getMessage().create("acme", new MessageIn().eventType("invoice.paid").payload("{\"amount\":3}"));
        Receiver.Request afterRotation = Await.value("the delivery after rotation", WAIT, receiver::requests,
                r -> r.size() == 3).get(2);
        assertThat(afterRotation.header("svix-id")).isEqualTo(third.getId());
        new Webhook(rotated).verify(afterRotation.bodyText(), svixHeaders(afterRotation));

        // Recover: the endpoint's given-up deliveries since a time are sent again. One domain underneath:
        // Hookline's own API sets the retry schedule (none) of the endpoint the Svix API created.
        assertThat(server.patch("/v1/apps/acme/endpoints/" + ep.getId(), "{\"retry\":{\"schedule\":[]}}").status()).isEqualTo(200);
        receiver.alwaysAnswering(500);
        MessageOut failing = svix.getMessage().create("acme", new MessageIn().eventType("invoice.paid").payload("{\"amount\":4}"));
        Await.until("the delivery to fail for good", WAIT, () -> "failed".equals(server.deliveryStatus("acme", failing.getId())));
        assertThat(svix.getMessageAttempt().listByMsg("acme", failing.getId()).getData())
                .extracting(MessageAttemptOut::getStatus).containsExactly(MessageStatus.FAIL);
        receiver.alwaysAnswering(200);
        svix.getEndpoint().update("acme", ep.getId(), new EndpointUpdate().url(URI.create(receiver.url()))
                .filterTypes(Set.of("invoice.paid")).disabled(false));
        int before = receiver.count();
        svix.getEndpoint().recover("acme", ep.getId(), new RecoverIn().since(OffsetDateTime.now().minusHours(1)));
        Receiver.Request recovered = Await.value("the recovered delivery", WAIT, receiver::requests,
                r -> r.size() > before && r.get(r.size() - 1).header("svix-id").equals(failing.getId())).get(receiver.count() - 1);
        new Webhook(rotated).verify(recovered.bodyText(), svixHeaders(recovered));
    }

    @Test
    void appPortalAccessAnswersWithALinkToHooklinesPortalForThatAppAlone() throws Exception {
        svix.getApplication().create(new ApplicationIn().name("Other").uid("other"));
        // the inline application is created, as Svix does, when the path's app does not exist yet
        AppPortalAccessOut access = svix.getAuthentication().appPortalAccess("acme",
                new AppPortalAccessIn().application(new ApplicationIn().name("Acme")).expiry(3600L));
        assertThat(access.getToken()).startsWith("hkp_");
        assertThat(access.getUrl().toString()).isEqualTo(server.baseUrl() + "/portal#token=" + access.getToken());
        assertThat(svix.getApplication().get("acme").getName()).isEqualTo("Acme");

        // the token is the customer's credential for acme alone, through either API
        assertThat(server.call("POST", "/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url() + "\"}", access.getToken()).status())
                .isEqualTo(201);
        assertThat(server.call("GET", "/v1/apps/acme/endpoints", null, access.getToken()).json("/data")).hasSize(1);
        assertThat(server.call("GET", "/api/v1/app/other/endpoint", null, access.getToken()).status()).isEqualTo(404);
        assertThat(server.call("GET", "/v1/api-keys", null, access.getToken()).status()).isEqualTo(403);

        // ViewBase alone is a read-only link: it reads, and the API refuses every change
        String viewer = svix.getAuthentication().appPortalAccess("acme",
                new AppPortalAccessIn().capabilities(Set.of(AppPortalCapability.VIEW_BASE))).getToken();
        assertThat(server.call("GET", "/api/v1/app/acme/endpoint", null, viewer).status()).isEqualTo(200);
        assertThat(server.call("POST", "/api/v1/app/acme/endpoint", "{\"url\":\"" + receiver.url() + "\"}", viewer).status())
                .isEqualTo(403);

        // a set of capabilities Hookline cannot grant exactly is refused, not widened
        assertThatThrownBy(() -> svix.getAuthentication().appPortalAccess("acme",
                new AppPortalAccessIn().capabilities(Set.of(AppPortalCapability.CREATE_ATTEMPTS))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getResponseBody()).contains("\"loc\":[\"body\",\"capabilities\"]");
                });
        // a portal link is made with a root key only: a portal token cannot make itself a longer one
        assertThatThrownBy(() -> new Svix(access.getToken(), options()).getAuthentication()
                .appPortalAccess("acme", new AppPortalAccessIn().expiry(604800L)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void endpointMetadataIsStoredReturnedAndReplaced() throws Exception {
        svix.getApplication().create(new ApplicationIn().name("Acme").uid("acme"));
        EndpointOut ep = svix.getEndpoint().create("acme", new EndpointIn().url(URI.create(receiver.url()))
                .metadata(Map.of("team", "billing", "ticket", "OPS-12")));
        assertThat(ep.getMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "billing", "ticket", "OPS-12"));
        assertThat(svix.getEndpoint().get("acme", ep.getId()).getMetadata()).containsEntry("team", "billing");
        // one domain underneath: Hookline's own API shows the same metadata
        assertThat(server.get("/v1/apps/acme/endpoints/" + ep.getId()).json("/metadata/ticket").asText()).isEqualTo("OPS-12");

        EndpointOut patched = svix.getEndpoint().patch("acme", ep.getId(), new EndpointPatch().metadata(Map.of("team", "payments")));
        assertThat(patched.getMetadata()).isEqualTo(Map.of("team", "payments")); // the map is replaced as a whole, as in Svix
        EndpointOut described = svix.getEndpoint().patch("acme", ep.getId(), new EndpointPatch().description("kept"));
        assertThat(described.getMetadata()).isEqualTo(Map.of("team", "payments")); // a patch without metadata keeps it

        assertThatThrownBy(() -> svix.getEndpoint().patch("acme", ep.getId(), new EndpointPatch().metadata(Map.of("", "x"))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    }

    @Test
    void listsPageWithIteratorAndDone() throws Exception {
        for (int i = 0; i < 3; i++) {
            svix.getApplication().create(new ApplicationIn().name("app " + i));
        }
        ApplicationListOptions page = new ApplicationListOptions();
        page.setLimit(2L);
        ListResponseApplicationOut first = svix.getApplication().list(page);
        assertThat(first.getData()).hasSize(2);
        assertThat(first.getDone()).isFalse();
        page.setIterator(first.getIterator());
        ListResponseApplicationOut second = svix.getApplication().list(page);
        assertThat(second.getData()).hasSize(1);
        assertThat(second.getDone()).isTrue();
        assertThat(second.getData().get(0).getId()).isNotIn(first.getData().stream().map(ApplicationOut::getId).toList());
    }

    @Test
    void aRetriedPostWithTheSameIdempotencyKeyIsAnsweredOnceAndSendsOnce() throws Exception {
        svix.getApplication().create(new ApplicationIn().name("Acme").uid("acme"));
        svix.getEndpoint().create("acme", new EndpointIn().url(URI.create(receiver.url())));
        MessageCreateOptions options = new MessageCreateOptions();
        options.setIdempotencyKey("order-77");
        MessageOut first = svix.getMessage().create("acme", new MessageIn().eventType("order.created").payload("{\"n\":1}"), options);
        MessageOut retried = svix.getMessage().create("acme", new MessageIn().eventType("order.created").payload("{\"n\":1}"), options);
        assertThat(retried.getId()).isEqualTo(first.getId());
        assertThat(svix.getMessage().list("acme").getData()).hasSize(1);
        Await.until("the delivery", WAIT, () -> receiver.count() == 1);
    }

    @Test
    void errorsHaveSvixsShape() throws Exception {
        assertThatThrownBy(() -> svix.getApplication().get("nope"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("\"code\":\"not_found\"");
                });
        assertThatThrownBy(() -> svix.getApplication().create(new ApplicationIn().name("")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getResponseBody()).contains("\"loc\":[\"body\",\"name\"]");
                });
        assertThatThrownBy(() -> new Svix("sk_not_a_key", options()).getApplication().list())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(401));
        new com.svix.api.Health(svix.getHttpClient()).get(); // 204, no body
    }

    private SvixOptions options() {
        SvixOptions options = new SvixOptions();
        options.setServerUrl(server.baseUrl());
        return options;
    }

    /** Only the svix-* headers, so the check cannot pass on the webhook-* fallback of Svix's verifier. */
    private static Map<String, List<String>> svixHeaders(Receiver.Request r) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String name : List.of("svix-id", "svix-timestamp", "svix-signature")) {
            assertThat(r.header(name)).as(name).isNotNull();
            out.put(name, List.of(r.header(name)));
        }
        return out;
    }

    @FunctionalInterface
    private interface SdkCall<T> {
        T run() throws Exception;
    }

    private static <T> T call(SdkCall<T> call) {
        try {
            return call.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
