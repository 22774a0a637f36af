package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Await;
import dev.hookline.testing.Browser;
import dev.hookline.testing.BrowserSession;
import dev.hookline.testing.Receiver;
import dev.hookline.testing.ShiftableClock;
import dev.hookline.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.Select;

/**
 * The Messages page's filters in headless Chromium: delivery status, endpoint, channel, time range and
 * event wildcard, each checked against the rows the page shows. Two messages are sent three days ago
 * (the server's clock set back) and two now, to two endpoints, one of which always fails.
 */
class MessageFiltersBrowserTest {
    private static final ShiftableClock clock = threeDaysBehind();
    @RegisterExtension
    static final BrowserSession session = new BrowserSession(clock);
    private static TestServer server;
    private static Browser browser;
    private static Receiver ok;
    private static Receiver failing;
    private static String app;
    private static String audit;
    private static String oldPaid;
    private static String oldSignup;
    private static String newPaid;
    private static String newRefund;
    private static Instant between;

    private static ShiftableClock threeDaysBehind() {
        ShiftableClock c = new ShiftableClock();
        c.advance(Duration.ofDays(-3));
        return c;
    }

    @BeforeAll
    static void start() {
        server = session.server();
        browser = session.browser();
        ok = new Receiver();
        failing = new Receiver().alwaysAnswering(500);
        app = server.createApp("Filters");
        server.createEndpoint(app, "{\"url\":\"" + ok.url() + "\",\"name\":\"Billing\"}");
        // Audit takes only the "eu" channel and gives up after one failed attempt
        audit = server.createEndpoint(app, "{\"url\":\"" + failing.url() + "\",\"name\":\"Audit\",\"channels\":[\"eu\"],"
                + "\"retry\":{\"schedule\":[]}}").text("/id");
        oldPaid = send("invoice.paid", "eu");
        oldSignup = send("user.created", null);
        clock.advance(Duration.ofDays(3)); // back to the real time, which the browser's "last 24 h" counts from
        between = Instant.now().minus(Duration.ofDays(1));
        newPaid = send("invoice.paid", "us");
        newRefund = send("invoice.refunded", "eu");
        for (String m : List.of(oldPaid, oldSignup, newPaid, newRefund)) {
            Await.until("the deliveries of " + m + " to end", Duration.ofSeconds(20), () -> {
                var deliveries = server.get("/v1/apps/" + app + "/messages/" + m).json("/deliveries");
                for (var d : deliveries) {
                    if (d.path("status").asText().equals("pending")) {
                        return false;
                    }
                }
                return !deliveries.isEmpty();
            });
        }
    }

    private static String send(String event, String channel) {
        String channels = channel == null ? "" : ",\"channels\":[\"" + channel + "\"]";
        var r = server.post("/v1/apps/" + app + "/messages", "{\"event\":\"" + event + "\",\"data\":{}" + channels + "}");
        assertThat(r.status()).isEqualTo(202);
        return r.text("/id");
    }

    @AfterAll
    static void stop() {
        ok.close();
        failing.close();
    }

    /** The message ids the page lists, top to bottom, once it has drawn {@code count} rows. */
    private static List<String> rows(int count) {
        browser.await(count + " rows", d -> browser.all("table.messages tbody tr").size() == count
                && browser.all(".loading").isEmpty());
        return browser.all("table.messages tbody tr td:nth-child(3)").stream().map(e -> e.getText()).toList();
    }

    private static Select select(String name) {
        return new Select(browser.find("form[aria-label='Filter messages'] select[name=" + name + "]"));
    }

    /** Types {@code typed} into the endpoint filter and picks the suggestion that shows {@code name}. */
    private static void pickEndpoint(String typed, String name) {
        browser.type("form[aria-label='Filter messages'] input[name=endpoint_search]", typed);
        browser.findWithText("form[aria-label='Filter messages'] .suggestions button", name).click();
    }

    private static void filter() {
        browser.click("form[aria-label='Filter messages'] button[type=submit]");
    }

    @Test
    void listsNewestFirstAndNarrowsByDeliveryStatusAndEndpoint() {
        session.open("#/apps/" + app + "/messages");
        assertThat(rows(4)).containsExactly(newRefund, newPaid, oldSignup, oldPaid);

        select("status").selectByValue("failed");
        filter();
        assertThat(rows(2)).containsExactly(newRefund, oldPaid); // the "eu" messages: Audit failed them
        assertThat(browser.find("table.messages tbody tr td:last-child").getText()).isEqualTo("1 delivered\n1 failed");
        assertThat(browser.driver().getCurrentUrl()).endsWith("?status=failed");

        select("status").selectByValue("delivered");
        pickEndpoint("aud", "Audit");
        filter();
        browser.findWithText(".state.empty", "No messages match these filters");
        browser.screenshot("messages-empty-filter");

        select("status").selectByValue("");
        filter();
        assertThat(rows(2)).containsExactly(newRefund, oldPaid);
        assertThat(browser.driver().getCurrentUrl()).endsWith("?endpoint=" + audit);

        select("order").selectByValue("oldest");
        filter();
        assertThat(rows(2)).containsExactly(oldPaid, newRefund);
    }

    @Test
    void narrowsByChannelEventWildcardAndTimeRange() {
        session.open("#/apps/" + app + "/messages");
        rows(4);
        browser.type("form[aria-label='Filter messages'] input[name=channel]", "eu");
        filter();
        assertThat(rows(2)).containsExactly(newRefund, oldPaid);

        browser.find("form[aria-label='Filter messages'] input[name=channel]").clear();
        browser.type("form[aria-label='Filter messages'] input[name=event]", "invoice.*");
        filter();
        assertThat(rows(3)).containsExactly(newRefund, newPaid, oldPaid);

        browser.press("last 24 h"); // keeps the event filter
        assertThat(rows(2)).containsExactly(newRefund, newPaid);
        browser.screenshot("messages");

        // "To" a day ago, in the field's own local-time format, and no "From": the two old messages
        session.open("#/apps/" + app + "/messages");
        rows(4);
        browser.script("arguments[0].value = arguments[1]", browser.find("form[aria-label='Filter messages'] input[name=until]"),
                browser.script("const d = new Date(arguments[0]); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());"
                        + " return d.toISOString().slice(0, 19)", between.toString()));
        filter();
        assertThat(rows(2)).containsExactly(oldSignup, oldPaid);
        assertThat(browser.driver().getCurrentUrl()).contains("until=");
    }

    /**
     * An app with an endpoint per mailbox, more than one page of the API holds (250): any of them can be
     * picked by typing part of its name, and the page's URL brings it back by name.
     */
    @Test
    void picksAnyOfThousandsOfEndpointsByTypingPartOfItsName() {
        String mailboxes = server.createApp("Mailboxes");
        java.util.Map<Integer, String> ids = new java.util.HashMap<>();
        for (int i = 1; i <= 300; i++) {
            ids.put(i, server.createEndpoint(mailboxes, String.format(
                    "{\"delivery\":\"pull\",\"name\":\"mailbox-%04d\",\"channels\":[\"mb-%04d\"]}", i, i)).text("/id"));
        }
        String first = server.post("/v1/apps/" + mailboxes + "/messages", "{\"event\":\"mail.received\",\"data\":{},\"channels\":[\"mb-0001\"]}")
                .text("/id");
        String late = server.post("/v1/apps/" + mailboxes + "/messages", "{\"event\":\"mail.received\",\"data\":{},\"channels\":[\"mb-0290\"]}")
                .text("/id");
        session.open("#/apps/" + mailboxes + "/messages");
        assertThat(rows(2)).containsExactly(late, first);

        browser.type("form[aria-label='Filter messages'] input[name=endpoint_search]", "mailbox-029");
        browser.await("ten suggestions", d -> browser.all(".suggestions button").size() == 10);
        browser.screenshot("messages-endpoint-picker");
        browser.findWithText(".suggestions button", "mailbox-0290").click();
        assertThat(browser.all(".suggestions button").stream().filter(b -> b.isDisplayed()).toList()).isEmpty();
        filter();
        assertThat(rows(1)).containsExactly(late);
        assertThat(browser.driver().getCurrentUrl()).endsWith("?endpoint=" + ids.get(290));

        browser.driver().navigate().refresh();
        assertThat(rows(1)).containsExactly(late);
        assertThat(browser.find("form[aria-label='Filter messages'] input[name=endpoint_search]").getAttribute("value"))
                .isEqualTo("mailbox-0290 (" + ids.get(290) + ")"); // a pull endpoint has no URL: its id instead

        // more than a page of suggestions matches: the list says to type more
        browser.type("form[aria-label='Filter messages'] input[name=endpoint_search]", "mailbox");
        browser.findWithText(".suggestions .hint", "More match");
    }

    @Test
    void aFilterTheApiRefusesShowsItsErrorUnderTheForm() {
        session.open("#/apps/" + app + "/messages?event=invoice.*.paid");
        assertThat(browser.findWithText(".state.error", "422").getText()).contains("event");
        assertThat(browser.find("form[aria-label='Filter messages'] input[name=event]").getAttribute("value")).isEqualTo("invoice.*.paid");
    }
}
