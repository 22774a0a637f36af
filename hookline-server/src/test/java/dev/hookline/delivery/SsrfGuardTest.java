package dev.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.core.Failure;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every class of address the guard must refuse, literal and behind host names, and the ones it must let through. */
class SsrfGuardTest {
    /** A resolver of the test's: names to fixed addresses, like a DNS zone an attacker controls. */
    private static final Map<String, String[]> ZONE = Map.of(
            "public.test", new String[] {"93.184.216.34"},
            "private.test", new String[] {"10.1.2.3"},
            "loopback.test", new String[] {"127.0.0.1"},
            "metadata.test", new String[] {"169.254.169.254"},
            "v6local.test", new String[] {"fd00::1"},
            "mixed.test", new String[] {"93.184.216.34", "192.168.1.1"});

    private static InetAddress[] lookup(String host) throws UnknownHostException {
        String[] ips = ZONE.get(host);
        if (ips == null) {
            return InetAddress.getAllByName(host); // literals
        }
        InetAddress[] out = new InetAddress[ips.length];
        for (int i = 0; i < ips.length; i++) {
            out[i] = InetAddress.getByName(ips[i]);
        }
        return out;
    }

    private final SsrfGuard guard = new SsrfGuard(false, SsrfGuardTest::lookup);

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://[::1]/",                     // loopback
            "http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.0.1/", // private
            "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",                       // link-local, cloud metadata
            "http://100.64.0.1/", "http://100.127.255.254/",                                       // CGNAT
            "http://224.0.0.1/", "http://[ff02::1]/",                                              // multicast
            "http://0.0.0.0/", "http://[::]/",                                                     // unspecified
            "http://[fc00::1]/", "http://[fd12:3456::1]/",                                         // IPv6 unique local
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", // IPv4-mapped
            "http://255.255.255.255/", "http://240.0.0.1/",                                        // reserved, broadcast
            "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/", // numeric spellings
            "http://private.test/", "http://loopback.test/", "http://metadata.test/", "http://v6local.test/", "http://mixed.test/",
            "http://[::1%25lo]/", "http://[fe80::1%25eth0]/", "http://[2606:4700::1111%25eth0]/",  // zone ids name local interfaces
            "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b:1::a00:1]/", // NAT64 to private IPv4
            "http://[2002:7f00:1::]/", "http://[2002:a00:1::1]/",                                  // 6to4 of private IPv4
            "http://[::ffff:0:7f00:1]/",                                                           // IPv4-translated
            "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",                                      // Teredo
            "http://[2001:db8::1]/", "http://[100::1]/",                                           // documentation, discard-only
    })
    void refusesPrivateReservedAndAmbiguousTargets(String url) {
        assertThatThrownBy(() -> guard.checkUrl("url", URI.create(url)))
                .isInstanceOf(Failure.Invalid.class)
                .hasMessageStartingWith("url:");
    }

    @Test
    void doesNotSayWhatAPrivateNameResolvesTo() {
        assertThatThrownBy(() -> guard.checkUrl("url", URI.create("http://private.test/"))).isInstanceOf(Failure.Invalid.class)
                .hasMessageNotContaining("10.1.2.3");
        assertThatThrownBy(() -> guard.resolve("metadata.test")).isInstanceOf(UnknownHostException.class)
                .hasMessageNotContaining("169.254");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/hook", "https://public.test/hook", "http://[2606:4700::1111]/",
            "https://8.8.8.8:8443/", "http://cafe.bad.invalid/",
            "http://[64:ff9b::808:808]/", "http://[2002:808:808::1]/"})
    void letsPublicTargetsThrough(String url) {
        assertThatCode(() -> guard.checkUrl("url", URI.create(url))).doesNotThrowAnyException();
    }

    @Test
    void checksTheAddressActuallyConnectedToSoDnsRebindingFails() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // public when the endpoint is registered, loopback when the request is made
        SsrfGuard rebinding = new SsrfGuard(false, host -> new InetAddress[] {
                InetAddress.getByName(lookups.incrementAndGet() == 1 ? "93.184.216.34" : "127.0.0.1")});

        rebinding.checkUrl("url", URI.create("http://rebind.test/hook"));

        assertThatThrownBy(() -> rebinding.resolve("rebind.test")).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("private or reserved");
    }

    @Test
    void allowsEverythingWhenPrivateTargetsAreAllowed() throws Exception {
        SsrfGuard open = new SsrfGuard(true, SsrfGuardTest::lookup);
        assertThatCode(() -> open.checkUrl("url", URI.create("http://127.0.0.1:9000/"))).doesNotThrowAnyException();
        assertThat(open.resolve("loopback.test").isLoopbackAddress()).isTrue();
    }
}
