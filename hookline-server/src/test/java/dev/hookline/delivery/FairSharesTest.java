package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The share rules on their own; DeliveryFairnessTest shows them against hanging receivers. */
class FairSharesTest {
    @Test
    void aHostIsTheUrlsAuthorityWithItsDefaultPort() {
        assertThat(FairShares.hostOf("https://Hooks.Example.com/a?x=1")).isEqualTo("hooks.example.com:443");
        assertThat(FairShares.hostOf("http://hooks.example.com/b")).isEqualTo("hooks.example.com:80");
        assertThat(FairShares.hostOf("https://hooks.example.com:8443/c")).isEqualTo("hooks.example.com:8443");
        assertThat(FairShares.hostOf("http://[2001:db8::1]:9000/d")).isEqualTo("[2001:db8::1]:9000");
    }

    @Test
    void whileSlotsAreShortAnAppOrAHostAtItsShareWaitsAndOthersGoOn() {
        FairShares shares = new FairShares(20); // a tenth kept: short at 2 free or fewer
        for (int i = 0; i < 18; i++) {
            assertThat(shares.mayStart("app-" + i, "dead:443", "ep-" + i, 20 - i)).isTrue(); // plenty free: anyone starts
            shares.started("app-" + i, "dead:443", "ep-" + i);
        }
        // 2 free: each app holds one, under its share, but the host holds 18 of its share of 10. Its
        // endpoints each hold its average (one): they wait. One with none may start while more than
        // half the reserve (1 of 2) is free, and the last slot stays for other hosts.
        assertThat(shares.mayStart("app-0", "dead:443", "ep-0", 2)).isFalse();
        assertThat(shares.mayStart("app-18", "dead:443", "ep-18", 2)).isTrue();
        assertThat(shares.mayStart("app-18", "dead:443", "ep-18", 1)).isFalse();
        assertThat(shares.mayStart("app-18", "alive:443", "ep-alive", 1)).isTrue();
        assertThat(shares.endpointsOverShare(2, 100)).hasSize(18).contains("ep-0", "ep-17");
        assertThat(shares.endpointsOverShare(3, 100)).as("slots not short").isEmpty();

        shares.heldBack("dead:443", "ep-18");
        assertThat(shares.endpointsOverShare(2, 100)).as("below the host's average, not left out").doesNotContain("ep-18");
        assertThat(shares.endpointsOverShare(1, 100)).as("held back, left out of claims once the reserve is half gone")
                .contains("ep-18");
        assertThat(shares.endpointsOverShare(2, 5)).hasSize(5);

        for (int i = 0; i < 18; i++) {
            shares.finished("app-" + i, "dead:443", "ep-" + i);
        }
        shares.sweep();
        assertThat(shares.mayStart("app-18", "dead:443", "ep-18", 1)).isTrue();
        assertThat(shares.endpointsOverShare(1, 100)).isEmpty();
        assertThat(shares.appsOverShare(1, 100)).isEmpty();
    }

    @Test
    void oneAppOverItsShareWaitsWhateverTheHost() {
        FairShares shares = new FairShares(20);
        for (int i = 0; i < 18; i++) {
            shares.started("greedy", "host-" + i + ":443", "ep-" + i);
        }
        assertThat(shares.mayStart("greedy", "fresh:443", "ep-0", 2)).isFalse();
        assertThat(shares.mayStart("greedy", "fresh:443", "ep-new", 1)).isFalse();
        assertThat(shares.mayStart("modest", "fresh:443", "ep-m", 1)).isTrue();
        assertThat(shares.appsOverShare(1, 100)).containsExactly("greedy");
        assertThat(shares.appsOverShare(2, 100)).as("its endpoints below its average may still go").isEmpty();
        assertThat(shares.endpointsOverShare(2, 100)).hasSize(18);
    }

    /** One slow endpoint holding most of its host's slots and its app's: a fast one beside it, on either, still starts. */
    @Test
    void aSlowEndpointHoldingItsHostsSlotsDoesNotHoldBackAFastOneThere() {
        FairShares shares = new FairShares(20);
        for (int i = 0; i < 17; i++) {
            shares.started("app", "receiver:80", "ep-slow");
        }
        shares.started("app", "receiver:80", "ep-fast"); // one request of its own in flight
        // 2 free: the host and the app each hold 18, over their share of 10; their average is 9
        assertThat(shares.mayStart("app", "receiver:80", "ep-slow", 2)).isFalse();
        assertThat(shares.mayStart("app", "receiver:80", "ep-fast", 2)).isTrue();
        assertThat(shares.mayStart("other", "receiver:80", "ep-other", 2)).isTrue();
        assertThat(shares.endpointsOverShare(2, 100)).containsExactly("ep-slow");
        assertThat(shares.appsOverShare(2, 100)).isEmpty();

        shares.finished("app", "receiver:80", "ep-fast");
        shares.finished("app", "receiver:80", "ep-slow");
        assertThat(shares.endpointsOverShare(2, 100)).as("16 of 16, still the average").containsExactly("ep-slow");
    }
}
