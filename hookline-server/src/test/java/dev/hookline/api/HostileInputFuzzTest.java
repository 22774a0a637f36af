package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.testing.Mutator;
import dev.hookline.testing.RetainedHeap;
import dev.hookline.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A bounded fuzzing run over the public inputs: the management JSON bodies (Hookline's and the
 * Svix-compatible API's), the query parameters and the receive path, each fed seeded mutations of a
 * valid input. Every answer must come within the client's deadline (no hang) and be a 2xx or a JSON
 * 4xx (Svix's shape under {@code /api/v1}) — never a 5xx. A failure names the
 * seed and the input, and becomes a regression test in {@link HostileInputTest}.
 *
 * <p>No unbounded memory: after every target has run, each in-memory table that requests can add
 * to ({@code hookline_memory_entries}) holds at most {@value #TABLE_BOUND} entries (one per real
 * source, key or asset used, never one per input), and the retained heap has grown by less than
 * {@value #HEAP_BOUND_MIB} MiB over the run ({@link BoundedMemoryTest} does the same for 50,000
 * made-up tokens and paths).
 *
 * <p>{@code -Dhookline.fuzz.runs=N} sets the inputs per target (default {@value #DEFAULT_RUNS}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputFuzzTest {
    static final int DEFAULT_RUNS = 120;
    static final int TABLE_BOUND = 20;
    static final int HEAP_BOUND_MIB = 32;
    private static final int RUNS = Integer.getInteger("hookline.fuzz.runs", DEFAULT_RUNS);
    private static final long SEED = Long.getLong("hookline.fuzz.seed", 13L);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestServer server;
    private static String app;
    private static String endpoint;
    private static String message;
    private static String source;
    private static String token;
    private static long heapBefore;

    @BeforeAll
    static void start() {
        server = new TestServer();
        app = server.createApp("Fuzzed");
        endpoint = server.createEndpoint(app, "{\"url\":\"https://example.com/hook\"}").text("/id");
        message = server.send(app, "fuzz.seed", "{\"amount\":1}");
        var created = server.post("/v1/sources", "{\"name\":\"fuzzed\",\"rate_limit\":{\"requests\":1000000,\"period_seconds\":1},"
                + "\"dedupe\":{\"path\":\"data.id\"},\"forward\":{\"app\":\"" + app + "\",\"event\":{\"path\":\"type\"}}}");
        source = created.text("/id");
        String url = created.text("/url");
        token = url.substring(url.lastIndexOf('/') + 1);
        heapBefore = RetainedHeap.bytes();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Outcome(int status, String contentType, String body) {}

    private static Outcome send(String method, String path, byte[] body, String contentType, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(15));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
        } catch (IOException e) {
            return new Outcome(-1, "", "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code runs} mutated inputs and lists every one answered with a 5xx, no answer, or a 4xx without a JSON error. */
    private static void fuzz(String target, long seed, java.util.function.Function<Mutator, Object[]> call) {
        Mutator m = new Mutator(seed);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Object[] request = call.apply(m);
            Outcome o = send((String) request[0], (String) request[1], (byte[]) request[2], (String) request[3], (String) request[4]);
            // Svix's errors are {code, detail} or {detail: [...]}; Hookline's {error: {code, message}}. The
            // refusals made before routing follow the path too (a 414 carries both shapes).
            boolean svix = ((String) request[1]).startsWith("/api/v1/");
            String errorField = svix ? "\"detail\"" : "\"error\"";
            boolean clean = o.status() >= 200 && o.status() < 500
                    && (o.status() < 400 || (o.contentType().startsWith("application/json") && o.body().contains(errorField)));
            if (!clean) {
                failures.add(target + " seed " + seed + " run " + i + ": " + o.status() + " " + o.body() + " for " + request[0] + " "
                        + request[1] + " " + (request[2] == null ? "" : new String((byte[]) request[2], StandardCharsets.UTF_8)));
            }
        }
        assertThat(failures).as("inputs answered with a 5xx, nothing, or a 4xx without a JSON error").isEmpty();
    }

    private static Object[] post(String path, String body) {
        return new Object[] {"POST", path, body.getBytes(StandardCharsets.UTF_8), "application/json", TestServer.ROOT_KEY};
    }

    @Test
    @Order(1)
    void managementBodies() {
        String[][] seeds = {
            {"/v1/apps", "{\"name\":\"x\",\"uid\":\"u-1\"}"},
            {"/v1/apps/" + app + "/endpoints", "{\"url\":\"https://example.com/h?x=1\",\"events\":[\"a.*\"],\"channels\":[\"c\"],"
                    + "\"filter\":{\"$or\":[{\"data.amount\":{\"$gt\":5}},{\"event\":{\"$in\":[\"a.b\"]}}]},\"headers\":{\"X-A\":\"b\"},"
                    + "\"retry\":{\"schedule\":[1,2]},\"signature\":{\"scheme\":\"hex\",\"header\":\"X-Sig\"},\"header_prefix\":\"X-P-\","
                    + "\"timeout_ms\":1000,\"envelope\":[\"event\",\"data\"],\"tls\":{\"ca\":\"-----BEGIN CERTIFICATE-----\\nAA==\\n-----END CERTIFICATE-----\"}}"},
            {"/v1/apps/" + app + "/messages", "{\"event\":\"a.b\",\"data\":{\"amount\":10,\"s\":\"x\"},\"channels\":[\"c\"],\"id\":\"m1\"}"},
            {"/v1/sources", "{\"name\":\"s\",\"verification\":{\"scheme\":\"timestamped\",\"tolerance_seconds\":60},"
                    + "\"dedupe\":{\"path\":\"data.id\"},\"forward\":{\"app\":\"" + app + "\",\"event\":{\"path\":\"type\"}}}"},
            {"/v1/api-keys", "{\"name\":\"k\",\"read_only\":true,\"expires_at\":\"2099-01-01T00:00:00Z\"}"},
            {"/v1/event-types", "{\"name\":\"a.b\",\"description\":\"d\",\"schema\":{\"type\":\"object\"}}"},
            {"/v1/apps/" + app + "/endpoints/" + endpoint + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}"},
            {"/v1/apps/" + app + "/portal-access", "{\"expires_in\":600,\"read_only\":true,\"branding\":{\"name\":\"N\","
                    + "\"logo_url\":\"https://example.com/l.png\",\"accent_color\":\"#1a73e8\"}}"},
            {"/api/v1/app", "{\"name\":\"x\",\"uid\":\"svix-1\",\"rateLimit\":5}"},
            {"/api/v1/app/" + app + "/endpoint", "{\"url\":\"https://example.com/s?x=1\",\"uid\":\"e-1\",\"filterTypes\":[\"a.b\"],"
                    + "\"channels\":[\"c\"],\"headers\":{\"X-A\":\"b\"},\"secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\",\"throttleRate\":3}"},
            {"/api/v1/app/" + app + "/msg", "{\"eventType\":\"a.b\",\"payload\":{\"amount\":10},\"eventId\":\"e1\",\"channels\":[\"c\"],"
                    + "\"application\":{\"name\":\"n\"}}"},
            {"/api/v1/event-type", "{\"name\":\"a.c\",\"description\":\"d\",\"schemas\":{\"1\":{\"type\":\"object\"}}}"},
            {"/api/v1/app/" + app + "/endpoint/" + endpoint + "/recover", "{\"since\":\"2020-01-01T00:00:00Z\"}"},
        };
        for (int s = 0; s < seeds.length; s++) {
            String[] seed = seeds[s];
            fuzz("POST " + seed[0], SEED + s, m -> post(seed[0], m.mutate(seed[1])));
        }
        fuzz("PATCH endpoint", SEED + 100, m -> new Object[] {"PATCH", "/v1/apps/" + app + "/endpoints/" + endpoint,
                m.mutate("{\"name\":\"n\",\"filter\":{\"data.x\":{\"$exists\":true}},\"rate_limit\":5,\"fifo\":true}")
                        .getBytes(StandardCharsets.UTF_8), "application/json", TestServer.ROOT_KEY});
    }

    @Test
    @Order(2)
    void queryParametersAndPaths() {
        String[] paths = {
            "/v1/apps/" + app + "/messages?limit=%s&after=%s&event=%s",
            "/v1/sources/" + source + "/events?limit=%s&after=%s&wait=0&x=%s",
            "/v1/apps/" + app + "/endpoints/" + endpoint + "/attempts?status=%s&limit=%s&after=%s",
            "/v1/apps/%s/messages/%s",
            "/v1/apps/" + app + "/messages/" + message + "/endpoints/%s/resend?x=%s&y=%s",
            "/v1/stats?period=%s&app=%s&endpoint=%s",
            "/api/v1/app/" + app + "/msg?limit=%s&iterator=%s&before=%s",
            "/api/v1/app/" + app + "/attempt/endpoint/" + endpoint + "?status=%s&limit=%s&iterator=%s",
        };
        for (int p = 0; p < paths.length; p++) {
            String template = paths[p];
            fuzz("GET " + template, SEED + 200 + p, m -> {
                String[] values = {m.mutate("10"), m.mutate("msg_01"), m.mutate("1")};
                String path = String.format(template, (Object[]) java.util.Arrays.stream(values)
                        .map(v -> URLEncoder.encode(v, StandardCharsets.UTF_8)).toArray(String[]::new));
                return new Object[] {template.contains("resend") ? "POST" : "GET", path, null, null, TestServer.ROOT_KEY};
            });
        }
    }

    @Test
    @Order(3)
    void theReceivePath() {
        String[] types = {"application/json", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded",
            "application/cloudevents+json", "multipart/form-data; boundary=x", "", "application/json\r\nX: 1"};
        fuzz("POST /webhooks/{token}", SEED + 300, m -> {
            byte[] body = m.nextInt(4) == 0 ? m.bytes(2048)
                    : m.mutate("{\"type\":\"order.created\",\"data\":{\"id\":\"o-1\",\"total\":12.5,\"lines\":[1,2,3]}}")
                    .getBytes(StandardCharsets.UTF_8);
            String type = m.pick(types);
            return new Object[] {"POST", "/webhooks/" + token, body, type.isEmpty() || type.contains("\r") ? null : type, null};
        });
        fuzz("POST /webhooks/{mutated token}", SEED + 301, m -> new Object[] {"POST",
                "/webhooks/" + URLEncoder.encode(m.mutate(token), StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8),
                "application/json", null});
    }

    /** Runs last: what the inputs above left in memory. */
    @Test
    @Order(4)
    void theRunLeftNoUnboundedMemory() {
        Map<String, Long> tables = server.memoryEntries();
        long grown = RetainedHeap.bytes() - heapBefore;
        System.out.printf("HostileInputFuzzTest: %d inputs per target; tables %s; retained heap grown by %s%n", RUNS, tables,
                RetainedHeap.mib(grown));
        assertThat(tables).containsKeys("source_rate_limits", "key_rate_limits", "unknown_key_addresses", "web_assets");
        tables.forEach((table, entries) -> {
            if (!table.equals("opened_secrets")) { // one per secret the run created, capped at 20,000 whatever the inputs
                assertThat(entries).as("entries in %s", table).isLessThanOrEqualTo(TABLE_BOUND);
            }
        });
        assertThat(grown).as("retained heap grown by %s", RetainedHeap.mib(grown)).isLessThan(HEAP_BOUND_MIB * 1024L * 1024);
    }
}
