package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Failure;
import dev.hookline.core.JsonLimits;
import dev.hookline.signature.HexSignature;
import dev.hookline.signature.PrefixedSignature;
import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.TimestampedSignature;
import dev.hookline.signature.WebhookVerificationException;
import dev.hookline.testing.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parsers behind the public inputs, fed seeded mutations directly: the filter language and the
 * signature header parsers. A filter either compiles or is refused with a 422 naming the field, and
 * a compiled one matches or not without throwing; a signature header verifies or is refused with a
 * verification error — nothing else escapes.
 */
class ParserFuzzTest {
    private static final int RUNS = Integer.getInteger("hookline.fuzz.runs", 120) * 10;
    private static final ObjectMapper JSON = JsonLimits.input();
    private static final String FILTER = "{\"$or\":[{\"data.amount\":{\"$gte\":10,\"$lt\":1e3}},{\"event\":{\"$in\":[\"a.b\",\"c\"]}}],"
            + "\"data.vip\":{\"$exists\":true},\"channels\":{\"$nin\":[\"x\"]},\"data.name\":{\"$gt\":\"m\"}}";
    private static final String MESSAGE = "{\"event\":\"a.b\",\"channels\":[\"c\"],\"data\":{\"amount\":12,\"vip\":true,\"name\":\"zed\"}}";

    private static JsonNode parsed(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    @Test
    void theFilterLanguageRefusesOrEvaluatesButNeverThrows() {
        Mutator m = new Mutator(1313);
        List<String> escaped = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            JsonNode spec = parsed(m.mutate(FILTER));
            JsonNode message = parsed(m.mutate(MESSAGE));
            if (spec == null) {
                continue;
            }
            try {
                ContentFilter filter = ContentFilter.compile("filter", spec);
                if (message != null) {
                    filter.matches(message);
                }
            } catch (Failure.Invalid refused) {
                assertThat(refused.getMessage()).startsWith("filter");
            } catch (RuntimeException e) {
                escaped.add(e + " for filter " + spec + " on " + message);
            }
        }
        assertThat(escaped).isEmpty();
    }

    @Test
    void signatureHeadersVerifyOrAreRefusedNeverThrowSomethingElse() {
        Mutator m = new Mutator(1414);
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;
        String secret = "a-sixteen-plus-char-secret";
        String standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String[] seeds = {
            TimestampedSignature.sign(secret, now, body),
            "sha256=" + HexSignature.sign(secret, body),
            HexSignature.sign(secret, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,abc",
        };
        List<String> escaped = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String header = m.mutate(m.pick(seeds));
            byte[] mutatedBody = m.nextInt(3) == 0 ? m.mutate("{\"a\":1}").getBytes(StandardCharsets.UTF_8) : body;
            String timestamp = m.nextInt(2) == 0 ? Long.toString(now) : m.mutate(Long.toString(now));
            List<ThrowingCheck> checks = List.of(
                    () -> new TimestampedSignature(secret).verify(header, mutatedBody),
                    () -> new PrefixedSignature(secret).verify(header, mutatedBody),
                    () -> new HexSignature(secret).verify(header, mutatedBody),
                    () -> new StandardWebhook(standardSecret).verify(m.mutate("msg_1"), timestamp, header, mutatedBody));
            for (ThrowingCheck check : checks) {
                try {
                    check.run();
                } catch (WebhookVerificationException refused) {
                    // the one way to say no
                } catch (RuntimeException e) {
                    escaped.add(e + " for header '" + header + "' timestamp '" + timestamp + "'");
                }
            }
        }
        assertThat(escaped).isEmpty();
    }

    @FunctionalInterface
    private interface ThrowingCheck {
        void run() throws WebhookVerificationException;
    }
}
