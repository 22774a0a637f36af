package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.core.Ids;
import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.Browser;
import dev.hookline.testing.BrowserSession;
import dev.hookline.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The dashboard over a real SQLite database holding six days of 100,000 messages (200,000 deliveries,
 * 210,000 attempts): the Messages page and the overview render, the list pages on the server (Load
 * more reads the next page), and the filters still answer. The history is written straight into the
 * server's database file while the server is stopped (through the API it would take minutes), in
 * the shapes the server writes itself, then the server is started on it again.
 *
 * <p>Each API call the pages make is timed once and printed ({@code timing …}), for the record, not
 * asserted: on a shared machine a time proves nothing, and what keeps these calls fast is that they
 * read by index (docs/operations.md).
 */
class LargeHistoryBrowserTest {
    static final int MESSAGES = 100_000;
    private static final String[] EVENTS = {"order.created", "order.paid", "order.shipped", "invoice.paid", "user.created"};
    @RegisterExtension
    static final BrowserSession session = new BrowserSession();
    private static TestServer server;
    private static Browser browser;
    private static String app;
    private static String orders;
    private static String ledger;

    @BeforeAll
    static void fill() throws SQLException {
        server = session.server();
        browser = session.browser();
        app = server.createApp("Large");
        // nothing is pending, so nothing is sent: the URLs need no receiver
        orders = server.createEndpoint(app, "{\"url\":\"http://127.0.0.1:9/orders\",\"name\":\"Orders\"}").text("/id");
        ledger = server.createEndpoint(app, "{\"url\":\"http://127.0.0.1:9/ledger\",\"name\":\"Ledger\"}").text("/id");
        server.stop();
        long started = System.nanoTime();
        History.write(server.dataDir().resolve("hookline.db").toString(), app, orders, ledger, System.currentTimeMillis());
        System.out.printf("timing fill of %,d messages: %d ms%n", MESSAGES, (System.nanoTime() - started) / 1_000_000);
        server.start();
    }

    /** Calls the API once and prints how long it took. */
    private static Response timed(String path) {
        server.get(path); // the first call of a kind warms the connection and the page cache
        long started = System.nanoTime();
        Response r = server.get(path);
        System.out.printf("timing GET %s: %d ms%n", path, (System.nanoTime() - started) / 1_000_000);
        assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
        return r;
    }

    @Test
    void theMessagesPagePagesOnTheServerAndFilters() {
        String list = "/v1/apps/" + app + "/messages";
        JsonNode first = timed(list + "?order=newest&limit=50").body();
        timed(list + "?order=newest&limit=50&after=" + first.path("next").asText());
        timed(list + "?limit=50");
        timed(list + "?order=newest&limit=50&status=failed");
        timed(list + "?order=newest&limit=50&endpoint=" + ledger + "&status=failed");
        timed(list + "?order=newest&limit=50&channel=eu");
        timed(list + "?order=newest&limit=50&event=invoice.*");
        timed(list + "?order=newest&limit=50&since=" + java.time.Instant.now().minus(Duration.ofDays(1)));
        timed(list + "?order=newest&limit=50&status=pending"); // none: the worst case, every message looked at
        timed(list + "/" + first.path("data").get(0).path("id").asText()); // a message's page: the message, then its attempts
        timed(list + "/" + first.path("data").get(0).path("id").asText() + "/attempts?limit=50");
        timed("/v1/apps/" + app + "/attempts?order=newest&limit=50");
        timed("/v1/apps/" + app + "/attempts?order=newest&limit=50&status=failed");
        timed("/v1/apps/" + app + "/endpoints/" + ledger + "/attempts?order=newest&limit=50&status=failed");

        session.open("#/apps/" + app + "/messages");
        browser.await("the first page", d -> browser.all("table.messages tbody tr").size() == 50);
        List<String> firstPage = ids();
        assertThat(firstPage.get(0)).isEqualTo(first.path("data").get(0).path("id").asText()); // the newest
        browser.press("Load more");
        browser.await("the second page", d -> browser.all("table.messages tbody tr").size() == 100);
        List<String> twoPages = ids();
        assertThat(twoPages.subList(0, 50)).isEqualTo(firstPage);
        assertThat(twoPages.get(50)).isLessThan(twoPages.get(49)); // older, and none repeated
        assertThat(twoPages).doesNotHaveDuplicates();
        assertThat(browser.all("table.messages")).hasSize(1); // one list under one header
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("messages-large");

        new org.openqa.selenium.support.ui.Select(browser.find("select[name=status]")).selectByValue("failed");
        browser.type("form[aria-label='Filter messages'] input[name=endpoint_search]", "ledg");
        browser.findWithText(".suggestions button", "Ledger").click();
        browser.click("form[aria-label='Filter messages'] button[type=submit]");
        browser.await("50 failed messages", d -> browser.all("table.messages tbody tr").size() == 50
                && browser.all("table.messages tbody tr").stream().allMatch(r -> r.getText().contains("1 failed")));
    }

    @Test
    void theOverviewAndTheEndpointPageRenderAWeekOfAttempts() {
        for (String period : List.of("hour", "day", "week")) {
            timed("/v1/stats?period=" + period);
            timed("/v1/stats?period=" + period + "&app=" + app);
        }
        timed("/v1/stats?period=day&app=" + app + "&endpoint=" + ledger);
        long week = timed("/v1/stats?period=week").json("/attempts/failed").asLong()
                + server.get("/v1/stats?period=week").json("/attempts/succeeded").asLong();
        assertThat(week).isEqualTo(History.attempts());

        session.open("#/?period=week");
        assertThat(browser.find("[data-stat=attempts] .stat-value").getText()).isEqualTo(String.format(java.util.Locale.US, "%,d", History.attempts()));
        assertThat(browser.driver().findElements(By.cssSelector("svg.chart rect.ok")).size()).isGreaterThan(70); // six days of two-hour bars
        browser.screenshot("overview-large");

        session.open("#/apps/" + app + "/endpoints/" + ledger);
        browser.await("the delivery log", d -> !browser.all(".attempt").isEmpty());
        browser.screenshot("endpoint-large");
    }

    private static List<String> ids() {
        return browser.all("table.messages tbody tr td:nth-child(3)").stream().map(e -> e.getText()).toList();
    }

    /**
     * Six days of history, one message every ~5 s up to a minute ago, each fanned out to both endpoints:
     * Orders takes every message on the first attempt; Ledger fails one in ten for good after two
     * attempts. Rows are written as the server writes them (ids ordered by time, the same columns).
     */
    static final class History {
        private static final long SPAN = Duration.ofDays(6).toMillis(); // all of it inside the overview's week

        static long attempts() {
            return 2L * MESSAGES + MESSAGES / 10;
        }

        static void write(String file, String app, String orders, String ledger, long now) throws SQLException {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                c.setAutoCommit(false);
                try (PreparedStatement msg = c.prepareStatement("INSERT INTO messages (id, app_id, event_id, event, channels, payload,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
                     PreparedStatement dlv = c.prepareStatement("INSERT INTO deliveries (id, message_id, endpoint_id, app_id, status,"
                             + " attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)");
                     PreparedStatement att = c.prepareStatement("INSERT INTO attempts (id, delivery_id, message_id, endpoint_id, app_id,"
                             + " attempt, succeeded, status_code, response_body, duration_ms, error, created_at)"
                             + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
                    long seq = 0;
                    for (int i = 0; i < MESSAGES; i++) {
                        long at = now - 60_000 - SPAN + SPAN * i / MESSAGES;
                        String m = id("msg", at, seq++);
                        msg.setString(1, m);
                        msg.setString(2, app);
                        msg.setString(3, i % 7 == 0 ? "order-" + i : null);
                        msg.setString(4, EVENTS[i % EVENTS.length]);
                        msg.setString(5, i % 3 == 0 ? "[\"eu\"]" : i % 3 == 1 ? "[\"us\"]" : null);
                        msg.setBytes(6, ("{\"order\":" + i + ",\"amount\":" + (i % 997) + "}").getBytes());
                        msg.setLong(7, at);
                        msg.addBatch();
                        for (String ep : new String[] {orders, ledger}) {
                            boolean fails = ep.equals(ledger) && i % 10 == 0;
                            String d = id("dlv", at, seq++);
                            dlv.setString(1, d);
                            dlv.setString(2, m);
                            dlv.setString(3, ep);
                            dlv.setString(4, app);
                            dlv.setString(5, fails ? "failed" : "delivered");
                            dlv.setInt(6, fails ? 2 : 1);
                            dlv.setLong(7, at);
                            dlv.setLong(8, at + (fails ? 60_000 : 50));
                            dlv.addBatch();
                            for (int n = 1; n <= (fails ? 2 : 1); n++) {
                                long when = at + (n == 1 ? 50 : 60_000);
                                att.setString(1, id("att", when, seq++));
                                att.setString(2, d);
                                att.setString(3, m);
                                att.setString(4, ep);
                                att.setString(5, app);
                                att.setInt(6, n);
                                att.setInt(7, fails ? 0 : 1);
                                att.setInt(8, fails ? 503 : 200);
                                att.setString(9, fails ? "{\"error\":\"unavailable\"}" : "ok");
                                att.setLong(10, 20 + (i * 37L + n) % 400);
                                att.setLong(11, when);
                                att.addBatch();
                            }
                        }
                        if (i % 5_000 == 4_999) {
                            msg.executeBatch();
                            dlv.executeBatch();
                            att.executeBatch();
                        }
                    }
                    msg.executeBatch();
                    dlv.executeBatch();
                    att.executeBatch();
                }
                c.commit();
            }
        }

        /** An id of the server's shape made at {@code millis}: its time part, then {@code seq} where the random part goes. */
        private static String id(String prefix, long millis, long seq) {
            String floor = Ids.floor(prefix, millis);
            String digits = Long.toString(seq, 32).toUpperCase(java.util.Locale.ROOT);
            StringBuilder crockford = new StringBuilder();
            for (char ch : digits.toCharArray()) {
                crockford.append("0123456789ABCDEFGHJKMNPQRSTVWXYZ".charAt(Character.digit(ch, 32)));
            }
            String tail = "0".repeat(16 - crockford.length()) + crockford;
            return floor.substring(0, floor.length() - 16) + tail;
        }
    }
}
