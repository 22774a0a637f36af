package dev.hookline.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The secrets an endpoint or a source rotated out, each live until its own expiry, newest first.
 * Rotating twice within the grace must not cut the first old secret short: a receiver (or a
 * sender) that has not switched yet still holds it. So every secret rotated out in the last grace
 * period stays live, up to {@link #MAX_LIVE}; a rotation past that is refused, since a secret
 * rotated that often is better replaced by a new endpoint or source.
 *
 * <p>Stored sealed in the {@code previous_secret} column as a JSON array
 * {@code [{"secret", "expires_at"}]}. Rows written before held one secret in clear text there, with
 * its expiry in {@code previous_secret_expires_at}; {@link #read} takes both forms.
 */
public record RetiredSecrets(List<Retired> secrets) {
    public static final int MAX_LIVE = 5;
    public static final RetiredSecrets NONE = new RetiredSecrets(List.of());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIST_START = "[{\"secret\":";

    public record Retired(String secret, long expiresAt) {
        @Override
        public String toString() {
            return "Retired[hidden, " + expiresAt + "]";
        }
    }

    @Override
    public String toString() {
        return "RetiredSecrets[" + secrets.size() + " hidden]";
    }

    /** From the opened {@code previous_secret} column (null: none) and {@code previous_secret_expires_at}. */
    public static RetiredSecrets read(String opened, long legacyExpiresAt) {
        if (opened == null) {
            return NONE;
        }
        if (opened.startsWith(LIST_START)) {
            try {
                List<Retired> out = new ArrayList<>();
                for (JsonNode r : JSON.readTree(opened)) {
                    out.add(new Retired(r.get("secret").asText(), r.get("expires_at").asLong()));
                }
                return new RetiredSecrets(List.copyOf(out));
            } catch (IOException | RuntimeException notOurList) {
                // a secret of the older single form that happens to start like the list: it is that secret
            }
        }
        return new RetiredSecrets(List.of(new Retired(opened, legacyExpiresAt)));
    }

    /** The secrets still live at {@code nowMillis}, newest first. */
    public List<String> live(long nowMillis) {
        return secrets.stream().filter(r -> nowMillis < r.expiresAt()).map(Retired::secret).toList();
    }

    /**
     * These plus {@code secret}, retired now and live for {@code grace}; the expired ones are dropped.
     * Refused (409) when {@link #MAX_LIVE} would still be live.
     */
    public RetiredSecrets retire(String secret, long nowMillis, Duration grace) {
        List<Retired> out = new ArrayList<>();
        out.add(new Retired(secret, nowMillis + grace.toMillis()));
        secrets.stream().filter(r -> nowMillis < r.expiresAt()).forEach(out::add);
        if (out.size() > MAX_LIVE) {
            throw new Failure.Conflict("the secret was already rotated " + (out.size() - 1) + " times in the last "
                    + grace.toHours() + " hours and every secret rotated out then still verifies; wait until the oldest"
                    + " expires at " + Times.format(out.get(out.size() - 1).expiresAt()) + ", or create a new one instead");
        }
        return new RetiredSecrets(List.copyOf(out));
    }

    /** The column's value before sealing. */
    public String encode() {
        ArrayNode out = JSON.createArrayNode();
        for (Retired r : secrets) {
            out.addObject().put("secret", r.secret()).put("expires_at", r.expiresAt());
        }
        return out.toString();
    }

    /** When the last of them stops verifying (for {@code previous_secret_expires_at}); 0 when none. */
    public long lastExpiry() {
        return secrets.stream().mapToLong(Retired::expiresAt).max().orElse(0);
    }
}
