package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Failure;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Event patterns and channels as the API documents them, decided without a server. */
class EventMatcherTest {

    @ParameterizedTest(name = "{0} ~ {1} → {2}")
    @CsvSource({
            "invoice.paid, invoice.paid, true",
            "invoice.paid, invoice.paid.late, false",
            "invoice.paid, invoice, false",
            "invoice.*, invoice.paid, true",
            "invoice.*, invoice.batch.done, true",
            "invoice.*, invoice, false",
            "invoice.*, invoices.paid, false",
            "*, anything.at.all, true",
            "invoice.paid, invoice.pai, false",
    })
    void aPatternMatchesItsEventsAndNoOthers(String pattern, String event, boolean matches) {
        assertThat(EventMatcher.eventMatches(List.of(pattern), event)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"invoice.paid", "user.created", "x"})
    void noPatternsMeansEverythingAndAnEmptyListMeansNothing(String event) {
        assertThat(EventMatcher.eventMatches(null, event)).isTrue();
        assertThat(EventMatcher.eventMatches(List.of(), event)).isFalse();
        assertThat(EventMatcher.eventMatches(List.of("nope.*", event), event)).as("any one of several").isTrue();
    }

    @ParameterizedTest(name = "endpoint {0}, message {1} → {2}")
    @CsvSource(delimiter = ';', value = {
            "; ; true",
            "; mailbox-1; true",
            "mailbox-1; ; false",
            "mailbox-1; mailbox-1; true",
            "mailbox-1; mailbox-2; false",
            "mailbox-1,mailbox-2; mailbox-3,mailbox-2; true",
    })
    void anEndpointWithChannelsGetsOnlyMessagesOnOneOfThem(String endpoint, String message, boolean matches) {
        assertThat(EventMatcher.channelMatches(list(endpoint), list(message))).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"invoice.paid", "*", "invoice.*", "a.b.*"})
    void validPatternsPass(String pattern) {
        assertThatCode(() -> EventMatcher.validatePattern("events[0]", pattern)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"invoice*", "*.paid", "in*voice.paid", "invoice.**", "**", "invoice.*.paid"})
    void aStarAnywhereButAlonePrefixedOrAfterTheLastDotIsRefused(String pattern) {
        assertThatThrownBy(() -> EventMatcher.validatePattern("events[0]", pattern))
                .isInstanceOf(Failure.Invalid.class).hasMessageContaining(pattern);
    }

    private static List<String> list(String csv) {
        return csv == null || csv.isBlank() ? null : List.of(csv.split(","));
    }
}
