package dev.hookline.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.core.Failure;
import dev.hookline.core.Fields;
import java.util.Set;

/**
 * What a product decides for all of one app's endpoints: whether their URLs must be {@code https://}
 * (seed 003: "Webhook URLs must use HTTPS"), and the text of the Test button's message (seed 002:
 * "This is a test webhook from Lettermint"). Stored as JSON in the app's {@code settings} column.
 */
public record AppSettings(boolean httpsOnly, String testMessage) {
    public static final AppSettings DEFAULT = new AppSettings(false, null);
    public static final String DEFAULT_TEST_MESSAGE = "This is a test webhook from Hookline";
    public static final Set<String> FIELDS = Set.of("https_only", "test_message");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The text a {@code webhook.test} message carries in {@code data.message}. */
    public String effectiveTestMessage() {
        return testMessage == null ? DEFAULT_TEST_MESSAGE : testMessage;
    }

    /** These settings with the fields present in {@code f} changed; {@code null} resets a field. */
    public AppSettings with(Fields f) {
        boolean https = httpsOnly;
        String text = testMessage;
        if (f.present("https_only")) {
            https = Boolean.TRUE.equals(f.bool("https_only"));
        }
        if (f.present("test_message")) {
            text = f.string("test_message", 500);
            if (text != null && text.isBlank()) {
                throw new Failure.Invalid(f.name("test_message"), "must not be blank (null restores the default)");
            }
        }
        return new AppSettings(https, text);
    }

    public void putInto(ObjectNode out) {
        out.put("https_only", httpsOnly);
        out.put("test_message", effectiveTestMessage());
    }

    String toStored() {
        ObjectNode out = JSON.createObjectNode();
        out.put("https_only", httpsOnly);
        out.put("test_message", testMessage);
        return out.toString();
    }

    /**
     * Parsed settings by their stored text: read with the app on every request, and most apps share a
     * few. Weighed by that text (a test message can be long): a million characters at most.
     */
    private static final com.github.benmanes.caffeine.cache.Cache<String, AppSettings> PARSED =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumWeight(1_000_000)
                    .weigher((String stored, AppSettings parsed) -> stored.length()).build();

    static AppSettings fromStored(String stored) {
        if (stored == null) {
            return DEFAULT;
        }
        return PARSED.get(stored, AppSettings::parse);
    }

    private static AppSettings parse(String stored) {
        try {
            JsonNode json = JSON.readTree(stored);
            JsonNode text = json.get("test_message");
            return new AppSettings(json.path("https_only").asBoolean(false), text == null || text.isNull() ? null : text.asText());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an app's stored settings are unreadable", e);
        }
    }
}
