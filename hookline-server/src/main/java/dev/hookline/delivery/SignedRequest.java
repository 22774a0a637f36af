package dev.hookline.delivery;

import dev.hookline.outbound.TrustedCa;
import java.util.Map;

/**
 * A delivery ready to go on the wire: exactly these headers and bytes; {@code trusted} is null
 * unless the endpoint trusts its own certificates rather than the public CAs, and {@code tls} null
 * unless it presents a client certificate.
 */
public record SignedRequest(String url, Map<String, String> headers, byte[] body, int timeoutMs, TrustedCa trusted,
                            dev.hookline.outbound.EndpointTls tls) {}
