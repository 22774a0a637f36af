package dev.hookline.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver: both paths are given, so
 * Selenium never looks for (or downloads) a browser or driver of its own. Each browser has a fresh
 * profile folder. Without Chromium the browser tests are skipped, except under CI, where
 * {@code .ci/run} installs it and its absence is a failure.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go: those of failures, and the ones docs/dashboard.md shows. */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    public Browser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver (.ci/run installs them)");
        }
        Assumptions.assumeTrue(present, "browser tests skipped: install Debian's chromium and chromium-driver to run them");
        try {
            profile = Files.createTempDirectory("hookline-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-default-apps", "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Opens a dashboard page at {@code baseUrl + "/" + hash}, signing in with {@code key} first when the tab has none. */
    public void openSignedIn(String baseUrl, String hash, String key) {
        open(baseUrl + "/" + hash);
        await("the sign-in form or a page", d -> !d.findElements(By.cssSelector("form.signin, main#main")).isEmpty());
        if (!all("form.signin").isEmpty()) {
            type("input[name=key]", key);
            click("form.signin button[type=submit]");
        }
        find("main#main > :not(.loading)");
    }

    /** Accepts the page's confirm() dialog. */
    public void acceptDialog() {
        await("a dialog", org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent()).accept();
    }

    /**
     * Waits (with a deadline, polling) until {@code condition} gives a non-null, non-false value. An
     * element the page re-rendered meanwhile (stale) just means "not yet".
     */
    public <T> T await(String what, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /** The first visible element matching {@code css}, waiting for it to appear. */
    public WebElement find(String css) {
        return await("an element " + css, d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed)
                .findFirst().orElse(null));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until the page shows {@code text} somewhere in {@code css}. */
    public WebElement findWithText(String css, String text) {
        return await("'" + text + "' in " + css, d -> d.findElements(By.cssSelector(css)).stream()
                .filter(e -> e.isDisplayed() && e.getText().contains(text)).findFirst().orElse(null));
    }

    public void type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    public void click(String css) {
        find(css).click();
    }

    /** Clicks the first visible button or link whose text is exactly {@code label}. */
    public void press(String label) {
        await("a button or link '" + label + "'", d -> d.findElements(By.cssSelector("button, a")).stream()
                .filter(e -> e.isDisplayed() && e.getText().trim().equals(label)).findFirst().orElse(null)).click();
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Saves a PNG of the window as target/screenshots/{name}.png and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile folder left in /tmp is harmless
        }
    }
}
