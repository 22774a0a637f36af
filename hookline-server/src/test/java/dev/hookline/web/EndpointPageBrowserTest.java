package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Browser;
import dev.hookline.testing.BrowserSession;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/** An endpoint's page in headless Chromium: edit, enable and disable, rotate, test, recover, its log, its delivery mode. */
class EndpointPageBrowserTest {
    @RegisterExtension
    static final BrowserSession session = new BrowserSession();
    private static TestServer server;
    private static Browser browser;
    private Receiver receiver;
    private String app;
    private String endpoint;
    private String firstSecret;

    @BeforeAll
    static void start() {
        server = session.server();
        browser = session.browser();
        server.post("/v1/event-types", "{\"name\":\"invoice.paid\",\"description\":\"An invoice was paid\"}");
    }

    @BeforeEach
    void anEndpoint() {
        receiver = new Receiver();
        app = server.createApp("Acme");
        var created = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"name\":\"Orders\",\"retry\":{\"schedule\":[]}}");
        endpoint = created.text("/id");
        firstSecret = created.text("/secret");
        session.open("#/apps/" + app + "/endpoints/" + endpoint);
    }

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    private com.fasterxml.jackson.databind.JsonNode endpointNow() {
        return server.get("/v1/apps/" + app + "/endpoints/" + endpoint).body();
    }

    @Test
    void aTestShowsItsAttemptWithoutReloading() {
        browser.findWithText(".log", "No attempts yet");
        new Select(browser.find("select[name=event]")).selectByVisibleText("invoice.paid");
        browser.press("Send test");

        assertThat(browser.findWithText(".test-result", "HTTP 200").getText()).contains("succeeded");
        browser.findWithText(".log .attempt", "HTTP 200");
        browser.findWithText("[data-stat=endpoint-attempts]", "1 attempt, 100 % succeeded"); // the health card follows
        assertThat(receiver.count()).isEqualTo(1);
        assertThat(receiver.requests().get(0).bodyText()).contains("\"event\":\"invoice.paid\"");
        browser.screenshot("endpoint-detail");
    }

    @Test
    void editsSettingsAndShowsTheApisValidationError() {
        browser.type("form.settings input[name=timeout_ms]", "5");
        browser.click("form.settings button[type=submit]");
        assertThat(browser.findWithText("form.settings .form-error", "timeout_ms").getText()).startsWith("timeout_ms:");
        assertThat(browser.find("form.settings input[name=timeout_ms]").getAttribute("class")).contains("invalid");
        assertThat(endpointNow().path("timeout_ms").asInt()).isEqualTo(30000);

        browser.type("form.settings input[name=timeout_ms]", "5000");
        browser.type("form.settings input[name=events]", "invoice.paid");
        browser.type("form.settings textarea[name=headers]", "{\"X-Team\": \"billing\"}");
        browser.type("form.settings textarea[name=metadata]", "{\"owner\": \"ada\"}");
        browser.click("form.settings button[type=submit]");
        Await.until("the settings saved", Duration.ofSeconds(10), () -> endpointNow().path("timeout_ms").asInt() == 5000);
        var saved = endpointNow();
        assertThat(saved.path("events").toString()).isEqualTo("[\"invoice.paid\"]");
        assertThat(saved.path("name").asText()).isEqualTo("Orders"); // untouched fields are not sent
        assertThat(saved.path("headers").path("X-Team").asText()).isNotEmpty();
        assertThat(saved.path("metadata").toString()).isEqualTo("{\"owner\":\"ada\"}");

        browser.type("form.settings textarea[name=retry]", "{\"schedule\": [");
        browser.click("form.settings button[type=submit]");
        assertThat(browser.findWithText("form.settings .form-error", "retry").getText()).contains("not valid JSON");
    }

    @Test
    void saysWhereItIsAndHowItIsDelivered() {
        browser.findWithText("h1", "Orders");
        assertThat(browser.find(".crumbs").getText()).isEqualTo("Apps / Acme /"); // the way back: the app this endpoint is in
        assertThat(browser.find(".crumbs a:last-of-type").getAttribute("href")).endsWith("#/apps/" + app);
        assertThat(browser.find(".meta").getText()).startsWith("push " + receiver.url());
        var delivery = browser.find("form.settings select[name=delivery]");
        assertThat(new Select(delivery).getFirstSelectedOption().getText()).isEqualTo("push");
        assertThat(delivery.isEnabled()).isFalse(); // fixed at creation
    }

    @Test
    void aPullEndpointShowsItsModeHasNoUrlAndSavesItsSettings() {
        String pull = server.createEndpoint(app, "{\"delivery\":\"pull\",\"name\":\"Laptop\"}").text("/id");
        session.open("#/apps/" + app + "/endpoints/" + pull);
        browser.findWithText("h1", "Laptop");
        assertThat(browser.find(".meta").getText()).startsWith("pull pulled by its consumer");
        assertThat(new Select(browser.find("form.settings select[name=delivery]")).getFirstSelectedOption().getText()).isEqualTo("pull");
        assertThat(browser.all("form.settings input[name=url]")).isEmpty(); // no URL to require, nothing to test or recover
        assertThat(browser.all("select[name=event]")).isEmpty();

        browser.type("form.settings input[name=description]", "my laptop");
        browser.click("form.settings button[type=submit]");
        Await.until("the description saved", Duration.ofSeconds(10),
                () -> server.get("/v1/apps/" + app + "/endpoints/" + pull).text("/description").equals("my laptop"));
        browser.screenshot("endpoint-pull");
    }

    @Test
    void savingEventsNoTypeDeclaresShowsTheApisWarningsAndKeepsThem() {
        browser.type("form.settings input[name=events]", "invoice.paid, invoice.pyd");
        browser.click("form.settings button[type=submit]");
        var notice = browser.findWithText(".notice.warn", "invoice.pyd");
        assertThat(notice.getText()).startsWith("Saved, with warnings")
                .contains("events[1]: no event type 'invoice.pyd' is declared");
        assertThat(endpointNow().path("events").toString()).isEqualTo("[\"invoice.paid\",\"invoice.pyd\"]"); // saved all the same
        browser.screenshot("endpoint-warnings");

        browser.driver().navigate().refresh(); // a notice of that save, not of the endpoint: gone on the next visit
        browser.findWithText("h1", "Orders");
        assertThat(browser.all(".notice.warn")).isEmpty();
    }

    @Test
    void disablesAndEnables() {
        browser.press("Disable");
        browser.findWithText("h1 .badge", "disabled");
        assertThat(endpointNow().path("enabled").asBoolean()).isFalse();
        browser.press("Enable");
        browser.findWithText("h1 .badge", "closed");
        assertThat(endpointNow().path("enabled").asBoolean()).isTrue();
    }

    @Test
    void rotatesTheSecretAndShowsTheNewOneOnce() {
        browser.press("Rotate secret");
        browser.acceptDialog();
        String secret = browser.find(".secret-once input").getAttribute("value");
        assertThat(secret).startsWith("whsec_").isNotEqualTo(firstSecret);
        browser.findWithText(".secret-once + .hint", "signed with both secrets");

        server.send(app, "invoice.paid", "{}");
        Await.until("a delivery", Duration.ofSeconds(10), () -> receiver.count() == 1);
        String signatures = receiver.requests().get(0).header("webhook-signature");
        assertThat(signatures.split(" ")).hasSize(2); // signed with the new secret and, during the grace, the old one
    }

    @Test
    void recoversFailedDeliveries() {
        receiver.answering(500);
        server.send(app, "invoice.paid", "{}");
        // recorded, not only received: a page drawn between the two shows the attempt in flight and no log line
        Await.until("the failure recorded", Duration.ofSeconds(10),
                () -> server.get("/v1/apps/" + app + "/endpoints/" + endpoint + "/attempts").json("/data").size() == 1);
        browser.driver().navigate().refresh();
        browser.findWithText(".log .attempt", "HTTP 500");

        browser.press("Recover failed deliveries");
        browser.findWithText(".toast", "1 delivery queued again");
        Await.until("the recovered delivery", Duration.ofSeconds(10), () -> receiver.count() == 2);
        new Select(browser.find("select[name=status]")).selectByVisibleText("Succeeded");
        browser.findWithText(".log .attempt", "HTTP 200");
    }
}
