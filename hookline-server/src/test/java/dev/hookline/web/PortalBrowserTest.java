package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Browser;
import dev.hookline.testing.BrowserSession;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The customer portal in headless Chromium: one app's pages with the product's branding, and nothing
 * of another app however the URL is edited or the API is called with the portal's token.
 */
class PortalBrowserTest {
    private static final ShiftableClock clock = new ShiftableClock();
    @RegisterExtension
    static final BrowserSession session = new BrowserSession(clock);
    private static TestServer server;
    private static Browser browser;
    private static Receiver receiver;
    private static String app;
    private static String other;
    private static String otherEndpoint;
    private static String otherMessage;

    @BeforeAll
    static void start() {
        server = session.server();
        browser = session.browser();
        receiver = new Receiver();
        app = server.createApp("Customer");
        other = server.createApp("Someone else");
        otherEndpoint = server.createEndpoint(other, "{\"url\":\"" + receiver.url() + "\",\"name\":\"Secret other\"}").text("/id");
        otherMessage = server.send(other, "invoice.paid", "{\"other\":true}");
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    /** Opens a new portal link for the app in a fresh tab session. */
    private static String openPortal(String options) {
        var r = server.post("/v1/apps/" + app + "/portal-access", options);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
        browser.open(server.baseUrl() + "/portal");
        browser.script("sessionStorage.clear()");
        browser.open(r.text("/url"));
        browser.find("main#main > :not(.loading)");
        return r.text("/token");
    }

    @Test
    void opensOneAppsPagesWithTheProductsBranding() {
        openPortal("{\"branding\":{\"name\":\"Acme\",\"accent_color\":\"#d9480f\"}}");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("hkp_"); // the token left the address bar
        assertThat(browser.find("nav .brand").getText()).isEqualTo("Acme Webhooks");
        assertThat(browser.find("nav").getText()).doesNotContain("Overview").doesNotContain("Apps").doesNotContain("Sign out");
        assertThat(browser.script("return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")).isEqualTo("#d9480f");

        browser.press("Add endpoint");
        browser.type("form[aria-label='Add an endpoint'] input[name=url]", receiver.url());
        browser.type("form[aria-label='Add an endpoint'] input[name=name]", "My server");
        browser.click("form[aria-label='Add an endpoint'] button[type=submit]");
        assertThat(browser.find(".secret-once input").getAttribute("value")).startsWith("whsec_");
        browser.click(".created a");
        browser.press("Send test");
        browser.findWithText(".test-result", "HTTP 200");
        browser.screenshot("portal");
        assertThat(server.get("/v1/apps/" + app + "/endpoints").raw().body()).contains("My server");
    }

    @Test
    void editingTheUrlReachesNothingOfAnotherApp() {
        String token = openPortal("{}");
        for (String hash : new String[] {"#/apps/" + other, "#/apps/" + other + "/endpoints/" + otherEndpoint,
                "#/apps/" + other + "/messages", "#/apps/" + other + "/messages/" + otherMessage,
                "#/apps/" + app + "/endpoints/" + otherEndpoint, "#/apps/" + app + "/messages/" + otherMessage}) {
            browser.script("location.hash = arguments[0]", hash);
            assertThat(browser.findWithText("main .state.error", "404").getText()).as(hash).contains("not found");
            assertThat(browser.find("main").getText()).as(hash).doesNotContain("Secret other").doesNotContain("Someone else");
        }
        // the token the page holds, used on the API directly, gets no further
        assertThat(browser.script("return sessionStorage.getItem('hookline.portal')")).isEqualTo(token);
        for (String path : new String[] {"/v1/apps/" + other + "/endpoints/" + otherEndpoint,
                "/v1/apps/" + other + "/messages/" + otherMessage + "/attempts", "/v1/apps/" + other + "/endpoints/" + otherEndpoint + "/attempts"}) {
            assertThat(server.call("GET", path, null, token).status()).as(path).isEqualTo(404);
        }
        assertThat(server.call("GET", "/v1/api-keys", null, token).status()).isEqualTo(403);
        assertThat(server.call("GET", "/v1/sources", null, token).status()).isEqualTo(403);
    }

    @Test
    void aReadOnlyPortalCannotCreateOrChangeAnything() {
        String endpoint = server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"name\":\"Read only\"}").text("/id");
        String message = server.send(app, "invoice.paid", "{\"n\":1}");
        Await.until("the delivery", Duration.ofSeconds(10), () -> "delivered".equals(server.deliveryStatus(app, message)));
        String token = openPortal("{\"read_only\":true,\"branding\":{\"name\":\"Acme\"}}");
        assertThat(browser.find("nav .badge").getText()).isEqualTo("read-only");
        browser.findWithText("table.endpoints", "Read only");
        assertThat(browser.all("form[aria-label='Add an endpoint']")).isEmpty();
        assertThat(browser.find("main").getText()).doesNotContain("Add endpoint");

        browser.script("location.hash = arguments[0]", "#/apps/" + app + "/endpoints/" + endpoint);
        browser.find("form.settings");
        assertThat(browser.find("main").getText()).doesNotContain("Rotate secret").doesNotContain("Disable").doesNotContain("Send test");
        assertThat(browser.find("form.settings input[name=url]").isEnabled()).isFalse();
        browser.screenshot("portal-read-only");

        browser.script("location.hash = arguments[0]", "#/apps/" + app + "/messages/" + message);
        browser.find("table.deliveries");
        assertThat(browser.find("table.deliveries").getText()).doesNotContain("Resend");

        // the buttons are gone, and the API refuses what they would have done
        Object status = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/v1/apps/" + app + "/endpoints', {method: 'POST', headers: {'Authorization': 'Bearer ' + sessionStorage.getItem('hookline.portal'),"
                + " 'Content-Type': 'application/json'}, body: JSON.stringify({url: '" + receiver.url() + "'})}).then(r => done(r.status))");
        assertThat(status).isEqualTo(403L);
        assertThat(server.call("PATCH", "/v1/apps/" + app + "/endpoints/" + endpoint, "{\"enabled\":false}", token).status()).isEqualTo(403);
        assertThat(server.call("POST", "/v1/apps/" + app + "/messages/" + message + "/endpoints/" + endpoint + "/resend", "{}", token).status())
                .isEqualTo(403);
        assertThat(server.get("/v1/apps/" + app + "/endpoints/" + endpoint).json("/enabled").asBoolean()).isTrue();
    }

    @Test
    void anExpiredLinkSaysSo() {
        openPortal("{\"expires_in\":60}");
        browser.find("table.endpoints, .state.empty");
        clock.advance(Duration.ofMinutes(2));
        browser.script("location.hash = '#/event-types'");
        assertThat(browser.find(".portal-closed").getText()).contains("This link has expired");
    }

    /** A product's page on another origin embeds the portal in an iframe; the operator dashboard refuses to be framed. */
    @Test
    void aProductCanFrameThePortalButNotTheDashboard() throws java.io.IOException {
        String url = server.post("/v1/apps/" + app + "/portal-access", "{\"branding\":{\"name\":\"Framed\"}}").text("/url");
        var product = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("<!doctype html><title>Product</title><h1>Acme settings</h1>"
                + "<iframe id=portal width=1000 height=500 src=\"" + url + "\"></iframe>"
                + "<iframe id=dashboard width=400 height=200 src=\"" + server.baseUrl() + "/\"></iframe>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        product.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        product.start();
        try {
            // "localhost" is another origin than the server's 127.0.0.1
            browser.open("http://localhost:" + product.getAddress().getPort() + "/");
            browser.find("iframe#portal");
            browser.driver().switchTo().frame("portal");
            assertThat(browser.find("nav .brand").getText()).isEqualTo("Framed Webhooks");
            browser.driver().switchTo().defaultContent();
            browser.screenshot("portal-embedded");

            browser.driver().switchTo().frame("dashboard");
            assertThat(browser.all("#root")).as("the dashboard must not render inside another site's frame").isEmpty();
            browser.driver().switchTo().defaultContent();
        } finally {
            product.stop(0);
        }
    }
}
