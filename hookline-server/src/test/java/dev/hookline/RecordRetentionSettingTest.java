package dev.hookline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HOOKLINE_RECORD_RETENTION: how long whole messages are kept, never shorter than their payloads. */
class RecordRetentionSettingTest {
    @Test
    void messageRecordsAreKeptNinetyDaysUnlessToldOtherwise() {
        assertThat(Settings.fromEnvironment(Map.of()).recordRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(Settings.fromEnvironment(Map.of("HOOKLINE_RECORD_RETENTION", "400d")).recordRetention()).isEqualTo(Duration.ofDays(400));
        assertThat(Settings.fromEnvironment(Map.of("HOOKLINE_RECORD_RETENTION", "never")).recordRetention()).isNull();
    }

    @Test
    void aRecordRetentionShorterThanThePayloadRetentionIsRefusedAtStart() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("HOOKLINE_RETENTION", "30d", "HOOKLINE_RECORD_RETENTION", "7d")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HOOKLINE_RECORD_RETENTION (7d) must be at least HOOKLINE_RETENTION (30d): a message's record outlives its payload");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("HOOKLINE_RECORD_RETENTION", "forever")))
                .hasMessage("HOOKLINE_RECORD_RETENTION must be a duration such as 90d or 400d, or never; got 'forever'");
    }
}
