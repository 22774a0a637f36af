package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.Hookline;
import dev.hookline.Settings;
import dev.hookline.testing.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without HOOKLINE_API_KEY, the first start generates a root key: shown once, stored only as a hash. */
class RootKeyTest {
    @TempDir
    Path dataDir;

    @Test
    void theFirstStartGeneratesARootKeyShownOnceAndStoredHashed() throws Exception {
        Settings settings = Settings.defaults(dataDir).withHost("127.0.0.1").withPort(0);
        String key;
        try (Hookline first = Hookline.start(settings)) {
            key = first.generatedRootKey().orElseThrow();
            assertThat(key).startsWith("hk_").hasSizeGreaterThan(40);
            ApiClient api = ApiClient.at("http://127.0.0.1:" + first.port());
            assertThat(api.call("GET", "/v1/apps", null, key).status()).isEqualTo(200);
            assertThat(api.call("POST", "/v1/apps", "{\"name\":\"x\"}", key).status()).isEqualTo(201); // a root key
        }
        try (Hookline again = Hookline.start(settings)) {
            assertThat(again.generatedRootKey()).isEmpty(); // shown once: a restart prints nothing
            ApiClient api = ApiClient.at("http://127.0.0.1:" + again.port());
            assertThat(api.call("GET", "/v1/apps", null, key).status()).isEqualTo(200); // and it still works
        }
        for (String file : new String[] {"hookline.db", "hookline.db-wal"}) {
            Path path = dataDir.resolve(file);
            if (Files.exists(path)) {
                assertThat(new String(Files.readAllBytes(path), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("%s holds the key in clear", file).doesNotContain(key.substring(3));
            }
        }
    }

    @Test
    void theGeneratedRootKeyIsListedAndRevocableLikeAnyKeyAndIsNotMadeAgain() throws Exception {
        Settings settings = Settings.defaults(dataDir).withHost("127.0.0.1").withPort(0);
        String key;
        try (Hookline first = Hookline.start(settings)) {
            key = first.generatedRootKey().orElseThrow();
            ApiClient api = ApiClient.at("http://127.0.0.1:" + first.port());
            ApiClient.Response listed = api.call("GET", "/v1/api-keys", null, key);
            assertThat(listed.status()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode root = listed.body().get("data").get(0);
            assertThat(listed.body().get("data")).hasSize(1);
            assertThat(root.get("name").asText()).isEqualTo("root (generated at first start)");
            assertThat(root.get("app_id").isNull()).isTrue();
            assertThat(key).startsWith(root.get("key_prefix").asText());
            // an operator who made keys of their own retires the generated one
            String own = api.call("POST", "/v1/api-keys", "{\"name\":\"ops\"}", key).text("/key");
            assertThat(api.call("DELETE", "/v1/api-keys/" + root.get("id").asText(), null, own).status()).isEqualTo(204);
            assertThat(api.call("GET", "/v1/apps", null, key).status()).isEqualTo(401);
            assertThat(api.call("GET", "/v1/api-keys", null, own).body().get("data")).extracting(k -> k.get("name").asText())
                    .containsExactly("ops");
        }
        try (Hookline again = Hookline.start(settings)) {
            assertThat(again.generatedRootKey()).as("a revoked generated key is not replaced at the next start").isEmpty();
            ApiClient api = ApiClient.at("http://127.0.0.1:" + again.port());
            assertThat(api.call("GET", "/v1/apps", null, key).status()).isEqualTo(401);
        }
    }
}
