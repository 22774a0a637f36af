package dev.hookline.outbound;

import dev.hookline.signature.SignatureScheme;

/**
 * Which scheme signs an endpoint's deliveries and where the signature travels. {@code header} is
 * null when not configured: then it follows the endpoint's {@code header_prefix}, or the scheme's
 * default. {@code ed25519} asks for an asymmetric key pair ({@code standard} only).
 */
public record SignatureConfig(SignatureScheme scheme, String header, boolean ed25519) {
    public static final SignatureConfig DEFAULT = new SignatureConfig(SignatureScheme.STANDARD, null, false);

    String defaultHeader() {
        return scheme == SignatureScheme.STANDARD ? "webhook-signature" : "X-Webhook-Signature";
    }
}
