package dev.hookline.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.core.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each operator on a real message shape, and each way a filter can be wrong. */
class ContentFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = """
            {"event":"message.opened","channels":["eu"],"data":{"amount":1200,"currency":"EUR","machine":false,
             "to":{"domain":"example.com"},"tags":["vip"]}}""";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"event\":\"message.opened\"} | true",
            "{\"event\":\"message.clicked\"} | false",
            "{\"data.amount\":{\"$eq\":1200.0}} | true",
            "{\"data.amount\":{\"$ne\":1200}} | false",
            "{\"data.currency\":{\"$in\":[\"EUR\",\"USD\"]}} | true",
            "{\"data.currency\":{\"$nin\":[\"EUR\"]}} | false",
            "{\"data.bot\":{\"$exists\":false}} | true",
            "{\"data.machine\":{\"$exists\":true}} | true",
            "{\"data.amount\":{\"$gt\":1000,\"$lte\":1200}} | true",
            "{\"data.amount\":{\"$gte\":1201}} | false",
            "{\"data.amount\":{\"$lt\":\"5\"}} | false",
            "{\"data.to.domain\":\"example.com\"} | true",
            "{\"data.machine\":{\"$ne\":true}} | true",
            "{\"data.missing\":{\"$ne\":true}} | true",
            "{\"data.missing\":{\"$gt\":1}} | false",
            "{\"data.tags\":[\"vip\"]} | true",
            "{\"$or\":[{\"data.amount\":{\"$gt\":5000}},{\"event\":\"message.opened\"}]} | true",
            "{\"$and\":[{\"data.amount\":{\"$gt\":5000}},{\"event\":\"message.opened\"}]} | false",
            "{\"event\":\"message.opened\",\"data.currency\":\"USD\"} | false",
    })
    void evaluatesOperatorsOverTheMessage(String filter, boolean expected) throws Exception {
        ContentFilter f = ContentFilter.compile("filter", JSON.readTree(filter));
        assertThat(f.matches(JSON.readTree(MESSAGE))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1] | filter",
            "{\"data.amount\":{\"$gtx\":1}} | filter.data.amount.$gtx",
            "{\"data.currency\":{\"$in\":\"EUR\"}} | filter.data.currency.$in",
            "{\"data.x\":{\"$exists\":1}} | filter.data.x.$exists",
            "{\"$or\":[]} | filter.$or",
            "{\"$or\":[{\"a\":{\"$bad\":1}}]} | filter.$or[0].a.$bad",
            "{\"$where\":\"1\"} | filter.$where",
            "{\"data..x\":1} | filter.data..x",
            "{\"data.n\":{\"$gt\":{}}} | filter.data.n.$gt",
    })
    void refusesABadFilterNamingWhereItIsWrong(String filter, String path) throws Exception {
        JsonNode json = JSON.readTree(filter);
        assertThatThrownBy(() -> ContentFilter.compile("filter", json))
                .isInstanceOf(Failure.Invalid.class)
                .hasMessageStartingWith(path + ":");
    }
}
