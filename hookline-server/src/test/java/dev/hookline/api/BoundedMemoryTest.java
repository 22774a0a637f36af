package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.testing.RetainedHeap;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Made-up receive tokens, paths, asset names and API keys cost no memory (issue #13): 50,000 of them,
 * each new, each answered with the right JSON 404, 401 or 429, and afterwards every in-memory table
 * ({@code hookline_memory_entries}) holds what it held before and the retained heap has grown by
 * less than {@value #HEAP_BOUND_MIB} MiB — an entry kept per request would be 50,000 entries, and
 * some megabytes more (a rate-limit ring is about a kilobyte).
 */
class BoundedMemoryTest {
    static final int REQUESTS = 50_000;
    static final int HEAP_BOUND_MIB = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One made-up request: what is sent, and which statuses and error code may answer it. */
    private record Probe(String method, String path, String bearer, List<Integer> statuses, String code) {}

    private static Probe probe(int i, Random random) {
        String made = HexFormat.of().formatHex(randomBytes(random, 24));
        return switch (i % 6) {
            case 0 -> new Probe("POST", "/webhooks/" + made, null, List.of(404), "not_found");
            case 1 -> new Probe("POST", "/v1/webhooks/" + made, null, List.of(404), "not_found");
            case 2 -> new Probe("GET", "/assets/" + made + ".js", null, List.of(404), "not_found");
            case 3 -> new Probe("GET", "/" + made + "/" + made, null, List.of(404), "not_found");
            case 4 -> new Probe("GET", "/api/v1/" + made, null, List.of(404), "not_found");
            // past 20 unknown keys a minute this address is answered 429 until the minute has room
            default -> new Probe("GET", "/v1/apps", "hl_" + made, List.of(401, 429), null);
        };
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    @Test
    void madeUpTokensPathsAndKeysCostNoMemory() throws Exception {
        try (TestServer server = new TestServer()) {
            // Something real in the tables first: a source posted to, and a key with a rate limit in use.
            String url = server.post("/v1/sources", "{\"name\":\"real\"}").text("/url");
            assertThat(server.call("POST", url.substring(url.indexOf("/webhooks/")), "{}", null).status()).isEqualTo(200);
            String limited = server.post("/v1/api-keys", "{\"name\":\"limited\",\"rate_limit\":1000}").text("/key");
            assertThat(server.call("GET", "/v1/apps", null, limited).status()).isEqualTo(200);
            assertThat(server.get("/assets/app.js").status()).isEqualTo(200);

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThat(run(server, http, 2_000, 1)).isEmpty(); // warm-up: pools, JIT, the guesser's block
            Map<String, Long> tablesBefore = server.memoryEntries();
            long heapBefore = RetainedHeap.bytes();

            List<String> wrong = run(server, http, REQUESTS, 2);

            Map<String, Long> tablesAfter = server.memoryEntries();
            long grown = RetainedHeap.bytes() - heapBefore;
            System.out.printf("BoundedMemoryTest: %d made-up requests; tables before %s, after %s; retained heap grown by %s%n",
                    REQUESTS, tablesBefore, tablesAfter, RetainedHeap.mib(grown));
            assertThat(wrong).as("answers that were not the right JSON error").isEmpty();
            assertThat(tablesBefore).containsKeys("source_rate_limits", "key_rate_limits", "unknown_key_addresses", "web_assets");
            assertThat(tablesBefore.get("source_rate_limits")).isEqualTo(1);
            assertThat(tablesAfter).isEqualTo(tablesBefore);
            assertThat(grown).as("retained heap grown by %s", RetainedHeap.mib(grown)).isLessThan(HEAP_BOUND_MIB * 1024L * 1024);
        }
    }

    /** Sends {@code n} made-up requests from four threads; lists every answer that is not the probe's JSON error. */
    private static List<String> run(TestServer server, HttpClient http, int n, long seed) throws Exception {
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                Random random = new Random(seed * 31 + t);
                done.add(pool.submit(() -> {
                    for (int i = first; i < n; i += 4) {
                        check(server, http, probe(i, random), wrong);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return wrong;
    }

    private static void check(TestServer server, HttpClient http, Probe p, List<String> wrong) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + p.path())).timeout(Duration.ofSeconds(30))
                .method(p.method(), p.method().equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (p.bearer() != null) {
            b.header("Authorization", "Bearer " + p.bearer());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException closedUnderIt) {
            // The client's pool handed out a keep-alive connection the server had just closed (the
            // JDK client resends only GETs itself): the request never reached the server; send it again.
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
        boolean svix = p.path().startsWith("/api/v1/");
        String code = null;
        if (r.headers().firstValue("content-type").orElse("").equals("application/json")) {
            JsonNode body = JSON.readTree(r.body());
            code = svix ? body.path("code").asText(null) : body.at("/error/code").asText(null);
        }
        boolean right = p.statuses().contains(r.statusCode()) && code != null
                && (p.code() == null || p.code().equals(code));
        if (!right && wrong.size() < 20) {
            wrong.add(p.method() + " " + p.path() + ": " + r.statusCode() + " " + r.body());
        }
    }
}
