package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A receiver's {@code Retry-After}, in both forms RFC 9110 allows, read as seconds from now. */
class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:15:30Z");

    @ParameterizedTest
    @CsvSource({"0, 0", "5, 5", "' 120 ', 120", "86400, 86400", "-3, 0"})
    void readsDelaySeconds(String header, long seconds) {
        assertThat(WebhookSender.retryAfterSeconds(header, NOW)).isEqualTo(seconds);
    }

    @Test
    void readsAnHttpDateAsTheSecondsUntilThen() {
        Instant now = Instant.parse("2026-11-27T10:15:30Z");
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(120).atOffset(ZoneOffset.UTC));

        assertThat(WebhookSender.retryAfterSeconds(inTwoMinutes, now)).isEqualTo(120L);
        assertThat(WebhookSender.retryAfterSeconds(inTwoMinutes, now.plusSeconds(119))).isEqualTo(1L);
    }

    @Test
    void aDateInThePastMeansNow() {
        assertThat(WebhookSender.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isZero();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  ", "soon", "1.5", "99999999999999999999", "Wed, 32 Oct 2015 07:28:00 GMT"})
    void ignoresWhatItCannotRead(String header) {
        assertThat(WebhookSender.retryAfterSeconds(header, NOW)).isNull();
    }
}
