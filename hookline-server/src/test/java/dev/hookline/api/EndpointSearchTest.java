package dev.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.testing.ApiClient;
import dev.hookline.testing.Backend;
import dev.hookline.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /v1/apps/{app}/endpoints?search=}: an app with hundreds of endpoints (one per mailbox, as
 * seed 001 has them) finds one by a piece of its name, URL, uid or id, in any case, page by page.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class EndpointSearchTest {
    private final TestServer server;

    EndpointSearchTest(Backend backend) {
        server = new TestServer(backend);
    }

    @AfterEach
    void close() {
        server.close();
    }

    private List<String> names(String app, String query) {
        List<String> names = new ArrayList<>();
        String after = null;
        do {
            ApiClient.Response page = server.get("/v1/apps/" + app + "/endpoints?limit=4&" + query + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            for (JsonNode ep : page.json("/data")) {
                names.add(ep.path("name").asText());
            }
            after = page.json("/next").isNull() ? null : page.text("/next");
        } while (after != null);
        return names;
    }

    @Test
    void findsEndpointsByNameUrlUidOrIdPageByPage() {
        String app = server.createApp("Mailboxes");
        String other = server.createApp("Other");
        String id42 = null;
        for (int i = 1; i <= 300; i++) {
            String body = String.format("{\"delivery\":\"pull\",\"name\":\"Mailbox %04d\",\"uid\":\"mb-%04d\"}", i, i);
            String id = server.createEndpoint(app, body).text("/id");
            if (i == 42) {
                id42 = id;
            }
        }
        server.createEndpoint(app, "{\"url\":\"https://hooks.example.com/inbox_100?share=100%25\",\"name\":\"Percent\"}");
        server.createEndpoint(other, "{\"delivery\":\"pull\",\"name\":\"Mailbox 0290\"}");

        // the name, in any case; ten match, read four at a time
        assertThat(names(app, "search=mailbox%20029")).containsExactly(
                "Mailbox 0290", "Mailbox 0291", "Mailbox 0292", "Mailbox 0293", "Mailbox 0294",
                "Mailbox 0295", "Mailbox 0296", "Mailbox 0297", "Mailbox 0298", "Mailbox 0299");
        assertThat(names(app, "search=MB-0042")).containsExactly("Mailbox 0042"); // the uid
        assertThat(names(app, "search=" + id42.toLowerCase())).containsExactly("Mailbox 0042"); // the id
        assertThat(names(app, "search=hooks.example")).containsExactly("Percent"); // the URL
        // % and _ are the text itself, not LIKE's wildcards
        assertThat(names(app, "search=inbox_100")).containsExactly("Percent");
        assertThat(names(app, "search=100%25")).containsExactly("Percent");
        assertThat(names(app, "search=box_0001")).isEmpty(); // not "Mailbox 0001"
        // words in the policy that are not the name (a field name, the delivery mode) match nothing
        assertThat(names(app, "search=delivery")).isEmpty();
        assertThat(names(app, "search=%20%20")).hasSize(301); // blank: every endpoint
    }
}
