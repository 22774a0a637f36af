package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Browser;
import dev.hookline.testing.BrowserSession;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The operator dashboard in real headless Chromium against a real server, as an operator uses it. */
class DashboardBrowserTest {
    @RegisterExtension
    static final BrowserSession session = new BrowserSession();
    private static TestServer server;
    private static Browser browser;
    private static Receiver ok;
    private static Receiver failing;

    @BeforeAll
    static void start() {
        server = session.server();
        browser = session.browser();
        ok = new Receiver();
        failing = new Receiver().alwaysAnswering(500);
    }

    @AfterAll
    static void stop() {
        ok.close();
        failing.close();
    }

    private static void open(String hash) {
        session.open(hash);
    }

    @Test
    void signsInWithAKeyKeptInTheTabSessionOnly() {
        browser.open(server.baseUrl() + "/");
        browser.script("sessionStorage.clear()");
        browser.open(server.baseUrl() + "/#/apps");
        browser.type("input[name=key]", "hk_not_a_key");
        browser.click("form.signin button[type=submit]");
        assertThat(browser.findWithText(".form-error", "not valid").isDisplayed()).isTrue();
        browser.screenshot("sign-in");

        browser.type("input[name=key]", TestServer.ROOT_KEY);
        browser.click("form.signin button[type=submit]");
        browser.findWithText("h1", "Apps");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(TestServer.ROOT_KEY);
        assertThat(browser.script("return sessionStorage.getItem('hookline.key')")).isEqualTo(TestServer.ROOT_KEY);
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return document.cookie")).isEqualTo("");

        browser.driver().navigate().refresh(); // the session survives a reload of the tab
        browser.findWithText("h1", "Apps");

        browser.press("Sign out");
        browser.find("form.signin");
        assertThat(browser.script("return sessionStorage.getItem('hookline.key')")).isNull();
    }

    @Test
    void theOverviewShowsDeliveriesOverTimeAndEndpointsInTrouble() {
        String app = server.createApp("Overview");
        server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\",\"name\":\"Healthy\"}");
        server.createEndpoint(app, "{\"url\":\"" + failing.url() + "\",\"retry\":{\"schedule\":[3600]}}");
        int before = ok.count() + failing.count();
        for (int i = 0; i < 4; i++) {
            server.send(app, "invoice.paid", "{\"n\":" + i + "}");
        }
        Await.until("8 deliveries", Duration.ofSeconds(20), () -> ok.count() + failing.count() == before + 8);
        long attempts = Await.value("the attempts recorded", Duration.ofSeconds(20),
                () -> server.get("/v1/stats?period=hour").json("/attempts"),
                a -> a.path("succeeded").asLong() + a.path("failed").asLong() >= before + 8)
                .path("failed").asLong();

        open("#/?period=hour");
        WebElement failed = browser.find("[data-stat=attempts] .stat-detail");
        assertThat(failed.getText()).startsWith(attempts + " failed");
        assertThat(browser.all("svg.chart rect.ok")).isNotEmpty();
        assertThat(browser.all("svg.chart rect.bad")).isNotEmpty();
        assertThat(browser.findWithText("table.troubled tbody tr", failing.url()).getText()).contains("Overview"); // the app by its name
        browser.screenshot("overview");

        browser.press("Last week");
        browser.await("the week's chart", d -> d.getCurrentUrl().endsWith("period=week")
                && d.findElements(By.cssSelector("svg.chart g.bucket")).size() == 84);
    }

    @Test
    void createsAnEndpointAndShowsItsSecretOnce() {
        String app = server.createApp("Secret once");
        open("#/apps/" + app);
        browser.findWithText(".state.empty", "No endpoints yet");
        browser.type("form[aria-label='Add an endpoint'] input[name=url]", ok.url());
        browser.type("form[aria-label='Add an endpoint'] input[name=name]", "Billing");
        browser.type("form[aria-label='Add an endpoint'] input[name=events]", "invoice.paid, invoice.*");
        browser.click("form[aria-label='Add an endpoint'] button[type=submit]");

        String secret = browser.find(".secret-once input").getAttribute("value");
        assertThat(secret).startsWith("whsec_");
        browser.findWithText("table.endpoints", "Billing");
        // no event type is declared here: saved, and the API's warnings shown beside the secret
        assertThat(browser.find(".created .notice.warn").getText()).startsWith("Created, with warnings")
                .contains("events[0]: no event type 'invoice.paid' is declared");
        browser.screenshot("endpoint-created");
        var listed = server.get("/v1/apps/" + app + "/endpoints").json("/data/0");
        assertThat(listed.path("name").asText()).isEqualTo("Billing");
        assertThat(listed.path("events").toString()).isEqualTo("[\"invoice.paid\",\"invoice.*\"]");
        assertThat(listed.has("secret")).isFalse();

        open("#/apps");
        open("#/apps/" + app);
        browser.findWithText("table.endpoints", "Billing");
        assertThat(browser.all(".secret-once")).isEmpty();
    }

    @Test
    void declaresEditsAndDeletesAnEventType() {
        open("#/event-types");
        String form = "form[aria-label='Declare an event type']";
        browser.type(form + " input[name=name]", "order.shipped");
        browser.type(form + " input[name=description]", "An order left the warehouse");
        browser.type(form + " textarea[name=schema]", "{\"type\": \"object\", \"required\": [\"tracking\"]}");
        browser.click(form + " input[name=validate]");
        browser.click(form + " button[type=submit]");
        browser.findWithText("table.event-types", "An order left the warehouse");
        assertThat(server.get("/v1/event-types/order.shipped").json("/schema/required/0").asText()).isEqualTo("tracking");
        assertThat(server.get("/v1/event-types/order.shipped").json("/validate").asBoolean()).isTrue();
        assertThat(browser.findWithText("table.event-types tbody tr", "order.shipped").getText()).contains("enforced");

        browser.type(form + " input[name=name]", "not a name!");
        browser.click(form + " button[type=submit]");
        assertThat(browser.findWithText(form + " .form-error", "name").getText()).startsWith("name:");
        browser.screenshot("event-types");

        browser.findWithText("table.event-types tbody tr", "order.shipped").findElement(By.xpath(".//button[text()='Edit']")).click();
        assertThat(browser.find("form[aria-label='Edit order.shipped'] input[name=validate]").isSelected()).isTrue();
        browser.click("form[aria-label='Edit order.shipped'] input[name=validate]"); // the schema becomes documentation only
        browser.type("form[aria-label='Edit order.shipped'] input[name=description]", "Shipped");
        browser.click("form[aria-label='Edit order.shipped'] button[type=submit]");
        browser.await("the new description", d -> server.get("/v1/event-types/order.shipped").text("/description").equals("Shipped"));
        assertThat(server.get("/v1/event-types/order.shipped").json("/validate").asBoolean()).isFalse();
        assertThat(browser.findWithText("table.event-types tbody tr", "Shipped").getText()).contains("documentation only");

        browser.findWithText("table.event-types tbody tr", "order.shipped").findElement(By.xpath(".//button[text()='Delete']")).click();
        browser.acceptDialog();
        browser.await("the type gone", d -> server.get("/v1/event-types/order.shipped").status() == 404);
    }

    @Test
    void showsTheApisValidationErrorOnTheField() {
        String app = server.createApp("Invalid");
        open("#/apps/" + app);
        browser.type("form[aria-label='Add an endpoint'] input[name=url]", "ftp://example.com/hook");
        browser.click("form[aria-label='Add an endpoint'] button[type=submit]");
        WebElement error = browser.findWithText("form[aria-label='Add an endpoint'] .form-error", "url");
        assertThat(error.getText()).startsWith("url:");
        assertThat(browser.find("form[aria-label='Add an endpoint'] input[name=url]").getAttribute("class")).contains("invalid");
        assertThat(server.get("/v1/apps/" + app + "/endpoints").json("/data")).isEmpty();
    }
}
