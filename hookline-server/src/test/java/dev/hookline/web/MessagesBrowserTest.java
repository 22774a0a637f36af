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

/** An app's messages in headless Chromium: filter, find by id, detail with attempts, resend. */
class MessagesBrowserTest {
    @RegisterExtension
    static final BrowserSession session = new BrowserSession();
    private static TestServer server;
    private static Browser browser;
    private static Receiver receiver;
    private static String app;

    @BeforeAll
    static void start() {
        server = session.server();
        browser = session.browser();
        receiver = new Receiver();
        app = server.createApp("Messages");
        server.createEndpoint(app, "{\"url\":\"" + receiver.url() + "\",\"name\":\"Inbox\"}");
        server.post("/v1/apps/" + app + "/messages", "{\"event\":\"invoice.paid\",\"id\":\"inv-1001\",\"data\":{\"amount\":1200,\"currency\":\"EUR\"}}");
        server.send(app, "user.created", "{\"email\":\"ada@example.com\"}");
        server.send(app, "invoice.paid", "{\"amount\":80}");
        Await.until("3 deliveries", Duration.ofSeconds(10), () -> receiver.count() == 3);
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void filtersMessagesByEventType() {
        session.open("#/apps/" + app + "/messages");
        browser.await("3 messages", d -> browser.all("table.messages tbody tr").size() == 3);
        browser.type("form[aria-label='Filter messages'] input[name=event]", "user.created");
        browser.click("form[aria-label='Filter messages'] button[type=submit]");
        browser.await("1 message", d -> browser.all("table.messages tbody tr").size() == 1);
        assertThat(browser.find("table.messages tbody").getText()).contains("user.created").doesNotContain("invoice.paid");
        assertThat(browser.driver().getCurrentUrl()).endsWith("?event=user.created"); // a filtered list has its own URL
    }

    @Test
    void findsAMessageByTheProducersIdAndResendsIt() {
        session.open("#/apps/" + app + "/messages");
        browser.type("form[aria-label='Find a message'] input[name=id]", "inv-1001");
        browser.click("form[aria-label='Find a message'] button[type=submit]");

        assertThat(browser.find("pre.payload").getText()).contains("\"amount\": 1200");
        browser.findWithText("table.deliveries", "delivered");
        browser.await("one attempt", d -> browser.all(".attempt").size() == 1);
        assertThat(browser.find(".attempt").getText()).contains("HTTP 200");
        int before = receiver.count();

        browser.press("Resend");
        browser.await("a second attempt", d -> browser.all(".attempt").size() == 2);
        assertThat(receiver.count()).isEqualTo(before + 1);
        assertThat(receiver.requests().get(before).bodyText()).contains("\"amount\":1200");
        browser.screenshot("message-detail");
    }

    @Test
    void anUnknownMessageIsAClearError() {
        session.open("#/apps/" + app + "/messages/msg_nope");
        assertThat(browser.findWithText(".state.error", "404").getText()).contains("not found");
    }
}
