package dev.hookline.testing;

import java.time.Clock;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A browser test class's fixture, as a static {@code @RegisterExtension}: a real server and a headless
 * Chromium for the whole class, closed after it, and a screenshot of whatever the browser shows when a
 * test fails (target/screenshots/failed-{class}-{test}.png).
 */
public final class BrowserSession implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final Clock clock;
    private TestServer server;
    private Browser browser;

    public BrowserSession() {
        this(Clock.systemUTC());
    }

    /** A session whose server reads time from {@code clock} (to make portal links expire). */
    public BrowserSession(Clock clock) {
        this.clock = clock;
    }

    public TestServer server() {
        return server;
    }

    public Browser browser() {
        return browser;
    }

    /** Opens a dashboard page ({@code hash} like {@code #/apps}) signed in with the root key. */
    public void open(String hash) {
        browser.openSignedIn(server.baseUrl(), hash, TestServer.ROOT_KEY);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new TestServer(clock);
        browser = new Browser();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (browser != null) {
            String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
            System.err.println("screenshot of the failure: " + browser.screenshot("failed-" + name).toAbsolutePath());
        }
    }
}
