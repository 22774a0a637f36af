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
            assertThat(shares.mayStart("app-" + i, "dead:443", 20 - i)).isTrue(); // plenty free: anyone starts
            shares.started("app-" + i, "dead:443", "ep-" + i);
        }
        // 2 free: each app holds one, under its share, but the host holds 18 of its share of 10
        assertThat(shares.mayStart("app-18", "dead:443", 2)).isFalse();
        assertThat(shares.mayStart("app-18", "alive:443", 2)).isTrue();
        assertThat(shares.endpointsOfHostsOverShare(2, 100)).hasSize(18).contains("ep-0", "ep-17");
        assertThat(shares.endpointsOfHostsOverShare(3, 100)).as("slots not short").isEmpty();

        shares.heldBack("dead:443", "ep-18");
        assertThat(shares.endpointsOfHostsOverShare(2, 100)).as("held back, left out of claims").contains("ep-18");
        assertThat(shares.endpointsOfHostsOverShare(2, 5)).hasSize(5);

        for (int i = 0; i < 18; i++) {
            shares.finished("app-" + i, "dead:443");
        }
        shares.sweep();
        assertThat(shares.mayStart("app-18", "dead:443", 2)).isTrue();
        assertThat(shares.endpointsOfHostsOverShare(2, 100)).isEmpty();
        assertThat(shares.appsOverShare(2, 100)).isEmpty();
    }

    @Test
    void oneAppOverItsShareWaitsWhateverTheHost() {
        FairShares shares = new FairShares(20);
        for (int i = 0; i < 18; i++) {
            shares.started("greedy", "host-" + i + ":443", "ep-" + i);
        }
        assertThat(shares.mayStart("greedy", "fresh:443", 2)).isFalse();
        assertThat(shares.mayStart("modest", "fresh:443", 2)).isTrue();
        assertThat(shares.appsOverShare(2, 100)).containsExactly("greedy");
    }
}
