package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Browser;
import dev.hookline.testing.BrowserSession;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The operator's API keys, inbound sources and operational webhooks in headless Chromium. */
class SourcesAndKeysBrowserTest {
    @RegisterExtension
    static final BrowserSession session = new BrowserSession();
    private static TestServer server;
    private static Browser browser;

    @BeforeAll
    static void start() {
        server = session.server();
        browser = session.browser();
    }

    @Test
    void createsAKeyShownOnceAndRevokesIt() {
        session.open("#/api-keys");
        browser.type("form[aria-label='Create an API key'] input[name=name]", "ci deploys");
        browser.click("form[aria-label='Create an API key'] button[type=submit]");
        String key = browser.find(".secret-once input").getAttribute("value");
        assertThat(key).startsWith("hk_");
        assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);
        WebElement row = browser.findWithText("table.api-keys tbody tr", "ci deploys");
        assertThat(row.getText()).doesNotContain(key);
        browser.screenshot("api-keys");

        row.findElement(By.xpath(".//button[normalize-space()='Revoke']")).click();
        browser.acceptDialog();
        browser.findWithText(".toast", "Key revoked");
        assertThat(server.call("GET", "/v1/apps", null, key).status()).isEqualTo(401);
        browser.await("the key gone from the list", d -> browser.all("table.api-keys tbody tr").stream().noneMatch(r -> r.getText().contains("ci deploys")));
    }

    @Test
    void showsWhatASourceReceivedAndReplaysIt() {
        String app = server.createApp("Inbound");
        session.open("#/sources");
        browser.type("form[aria-label='Create a source'] input[name=name]", "Payments");
        browser.type("form[aria-label='Create a source'] input[name=forward_app]", app);
        browser.click("form[aria-label='Create a source'] button[type=submit]");
        String url = browser.find(".created .receive-url input").getAttribute("value");
        assertThat(url).startsWith(server.baseUrl() + "/webhooks/");

        var posted = dev.hookline.testing.ApiClient.at(url.substring(0, url.indexOf("/webhooks/")))
                .send("POST", url.substring(url.indexOf("/webhooks/")), "{\"event\":\"payment.done\",\"amount\":42}", null, "application/json");
        assertThat(posted.status()).isEqualTo(200);
        Await.until("the forwarded message", Duration.ofSeconds(10), () -> server.get("/v1/apps/" + app + "/messages").json("/data").size() == 1);

        browser.click(".created a");
        WebElement event = browser.findWithText(".inbound-event", "\"amount\": 42");
        assertThat(event.getText()).contains("application/json");
        browser.screenshot("source");
        event.findElement(By.xpath(".//button[normalize-space()='Replay']")).click();
        browser.findWithText(".toast", "Forwarded again as msg_");
        assertThat(server.get("/v1/apps/" + app + "/messages").json("/data")).hasSize(2);
    }

    @Test
    void addsAnOperationalWebhookWithItsSecretShownOnce() {
        session.open("#/operational-webhooks");
        browser.findWithText(".state.empty", "No operational webhooks yet");
        browser.type("form[aria-label='Add an operational webhook'] input[name=url]", "http://127.0.0.1:9/ops");
        browser.type("form[aria-label='Add an operational webhook'] input[name=events]", "endpoint.disabled");
        browser.click("form[aria-label='Add an operational webhook'] button[type=submit]");
        assertThat(browser.find(".secret-once input").getAttribute("value")).startsWith("whsec_");
        browser.findWithText("table.operational", "endpoint.disabled");
        var listed = server.get("/v1/operational-webhooks/endpoints").json("/data");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("url").asText()).isEqualTo("http://127.0.0.1:9/ops");
    }
}
