package dev.hookline.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.ApiClient.Response;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's files as the server sends them: from the jar, with the headers that keep it safe. */
class WebAssetsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response fetch(String path) {
        return server.send("GET", path, null, null, null);
    }

    @Test
    void theDashboardIsServedAtTheRootAndMayNotBeFramed() {
        Response page = fetch("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.raw().body()).contains("<script type=\"module\" src=\"/assets/app.js\">");
        String csp = page.raw().headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.raw().headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(page.raw().headers().firstValue("referrer-policy")).hasValue("no-referrer");
    }

    @Test
    void thePortalIsTheSamePageAndMayBeFramed() {
        Response portal = fetch("/portal");
        assertThat(portal.status()).isEqualTo(200);
        assertThat(portal.raw().body()).isEqualTo(fetch("/").raw().body());
        assertThat(portal.raw().headers().firstValue("content-security-policy").orElseThrow()).contains("frame-ancestors *");
        assertThat(portal.raw().headers().firstValue("x-frame-options")).isEmpty();
    }

    @Test
    void assetsHaveTheirTypesAndAreRevalidatedByEtag() throws IOException, InterruptedException {
        Response js = fetch("/assets/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.raw().headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.raw().headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(fetch("/assets/app.css").raw().headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(fetch("/assets/pages/overview.js").status()).isEqualTo(200);

        String etag = js.raw().headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/assets/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void nothingOutsideTheAssetsFolderIsServed() {
        for (String path : List.of("/assets/missing.js", "/assets/../logback.xml", "/assets/%2e%2e/logback.xml",
                "/assets/..%2flogback.xml", "/assets/index.html", "/assets/", "/assets/App.JS")) {
            assertThat(fetch(path).status()).as(path).isEqualTo(404);
        }
    }

    /**
     * Works offline: no asset names a script, style, font or image on another host. The only URLs
     * allowed are the SVG namespace (a name, never fetched) and example.com names in placeholder text.
     */
    @Test
    void theAssetsLoadNothingFromElsewhere() throws IOException {
        Path web = Path.of("src/main/resources/web");
        Pattern external = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}[^\\s'\"]*", Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.walk(web)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher m = external.matcher(Files.readString(file));
                while (m.find()) {
                    assertThat(m.group()).as("a reference to another host in %s", file)
                            .matches("http://www\\.w3\\.org/2000/svg|https://([a-z0-9-]+\\.)?example\\.com/.*");
                }
            }
        }
    }
}
