package dev.hookline.outbound;

import dev.hookline.signature.SignatureScheme;

/** Which scheme signs an endpoint's deliveries, and the header the signature travels in. */
public record SignatureConfig(SignatureScheme scheme, String header) {
    public static final SignatureConfig DEFAULT = new SignatureConfig(SignatureScheme.STANDARD, "webhook-signature");
}
