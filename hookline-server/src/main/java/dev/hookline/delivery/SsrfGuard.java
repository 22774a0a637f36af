package dev.hookline.delivery;

import dev.hookline.core.Failure;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps deliveries away from the network Hookline runs in. Unless private targets are allowed, an
 * address is refused when it is loopback, private, link-local (cloud metadata lives there), CGNAT,
 * multicast, unspecified or an IPv6 unique-local address, IPv4-mapped forms included.
 *
 * <p>Checked twice: when an endpoint URL is registered, and on the address actually connected to,
 * through the HTTP client's resolver, so a name that later resolves elsewhere (DNS rebinding) is
 * still refused.
 */
public final class SsrfGuard {
    /** Resolves a host name to its addresses (the system resolver, or a test's). */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /**
     * Hosts written as numbers in any spelling but the canonical dotted quad: {@code 2130706433},
     * {@code 0x7f.0.0.1}, {@code 0177.0.0.1}, {@code 127.1}. Resolvers and HTTP clients disagree
     * on what these mean, so they are refused rather than interpreted.
     */
    private static final java.util.regex.Pattern NUMERIC_HOST = java.util.regex.Pattern.compile("(?i)[0-9a-fx.]+");
    private static final java.util.regex.Pattern DOTTED_QUAD =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final boolean allowPrivate;
    private final HostResolver resolver;

    public SsrfGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    public SsrfGuard(boolean allowPrivate, HostResolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** The registration check: the URL's host, resolved now, must be public. */
    public void checkUrl(String field, URI url) {
        if (allowPrivate) {
            return;
        }
        String host = url.getHost();
        if (host == null) { // e.g. "0x7f.0.0.1": not a host java.net.URI can read, so not one we can check
            throw new Failure.Invalid(field, "'" + url.getRawAuthority() + "' is not a host name or address that can be checked");
        }
        if (isAmbiguousNumber(host)) {
            throw new Failure.Invalid(field, "'" + host + "' is a numeric address in an unusual spelling; write it as a"
                    + " dotted quad (a.b.c.d) or use a host name");
        }
        boolean literal = host.startsWith("[");
        if (literal && host.indexOf('%') >= 0) {
            throw new Failure.Invalid(field, "'" + host + "' carries an IPv6 zone id, which names a local interface; use a public address");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            if (literal) {
                throw new Failure.Invalid(field, "'" + host + "' is not an IPv6 address");
            }
            return; // a name not resolvable yet; the connect-time check still applies
        }
        for (InetAddress address : addresses) {
            if (isForbidden(address)) {
                // The address itself is not named: the error would tell an app key what a private name resolves to.
                throw new Failure.Invalid(field, "'" + host + "' resolves to a private or reserved address;"
                        + " set HOOKLINE_ALLOW_PRIVATE_TARGETS=true to allow it");
            }
        }
    }

    /** The connect-time check: the first permitted address of {@code host}, or an exception. */
    public InetAddress resolve(String host) throws UnknownHostException {
        if (!allowPrivate && isAmbiguousNumber(host)) {
            throw new UnknownHostException(host + " is a numeric address in an unusual spelling");
        }
        InetAddress[] addresses = resolver.resolve(host);
        if (allowPrivate) {
            return addresses[0];
        }
        for (InetAddress address : addresses) {
            if (isForbidden(address)) {
                // Ends up in the attempt's error, which app keys read: the address stays unnamed.
                throw new UnknownHostException(host + " resolves to a private or reserved address");
            }
        }
        return addresses[0];
    }

    static boolean isAmbiguousNumber(String host) {
        String h = host.startsWith("[") ? host : host.toLowerCase(java.util.Locale.ROOT);
        return NUMERIC_HOST.matcher(h).matches() && h.chars().anyMatch(Character::isDigit) && !DOTTED_QUAD.matcher(h).matches()
                && !h.matches("[a-f.]+"); // all letters a–f is a name (e.g. "cafe.bad"), not a number
    }

    static boolean isForbidden(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            int first16 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
            int second16 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (first16 == 0x0064 && second16 == 0xff9b && !zero(b, 4, 12)) {
                return true; // 64:ff9b:1::/48 and the rest of 64:ff9b::/32 beyond the well-known /96: local-use NAT64
            }
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                return isForbidden(embedded);
            }
            return v6.isLoopbackAddress() || v6.isAnyLocalAddress() || v6.isLinkLocalAddress()
                    || v6.isSiteLocalAddress() || v6.isMulticastAddress()
                    || (b[0] & 0xFE) == 0xFC                       // fc00::/7 unique local
                    || (first16 == 0x2001 && second16 == 0)        // 2001::/32 Teredo: tunnels to an address it hides
                    || (first16 == 0x2001 && second16 == 0x0db8)   // 2001:db8::/32 documentation
                    || (first16 == 0x0100 && second16 == 0 && zero(b, 4, 8)); // 100::/64 discard-only
        }
        byte[] b = ((Inet4Address) address).getAddress();
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()
                || first == 0                                    // 0.0.0.0/8
                || (first == 100 && second >= 64 && second < 128) // 100.64.0.0/10 CGNAT
                || (first == 192 && second == 0 && (b[2] & 0xFF) == 0) // 192.0.0.0/24 IETF
                || (first == 198 && (second == 18 || second == 19)) // benchmarking
                || first >= 240;                                 // reserved and broadcast
    }

    /**
     * The IPv4 address an IPv6 address carries, where a gateway or the host itself would route to it:
     * IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible, IPv4-translated ({@code ::ffff:0:a.b.c.d}),
     * NAT64 ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}).
     */
    private static InetAddress embeddedIpv4(byte[] b) {
        int first16 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int second16 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (first16 == 0x2002) {
            return ipv4(b, 2);
        }
        if (first16 == 0x0064 && second16 == 0xff9b) {
            return ipv4(b, 12);
        }
        if (!zero(b, 0, 8)) {
            return null;
        }
        boolean translated = (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && b[10] == 0 && b[11] == 0;
        boolean zeroes = b[8] == 0 && b[9] == 0;
        boolean mapped = zeroes && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = zeroes && b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0);
        return translated || mapped || compatible ? ipv4(b, 12) : null;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] b, int at) {
        try {
            return InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
