package dev.hookline.cli;

import dev.hookline.signature.HexSignature;
import dev.hookline.signature.PrefixedSignature;
import dev.hookline.signature.SignatureScheme;
import dev.hookline.signature.StandardWebhook;
import dev.hookline.signature.TimestampedSignature;
import dev.hookline.signature.WebhookVerificationException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a received request against a secret with {@code hookline-signature}, the library receivers
 * use, so the CLI verifies exactly as a receiver written from the docs would.
 */
final class SignatureCheck {
    private SignatureCheck() {}

    /** What one scheme made of a request. */
    sealed interface Verdict permits Valid, Invalid {
        SignatureScheme scheme();
    }

    /** The signature matches; {@code timing} is null, or why the timestamp would be refused (a replay, a skewed clock). */
    record Valid(SignatureScheme scheme, String header, String timing) implements Verdict {}

    record Invalid(SignatureScheme scheme, String reason) implements Verdict {}

    /**
     * Verifies with {@code scheme}. The signature is looked for in {@code header} when given, else in
     * {@code webhook-signature} (standard) or any header whose name ends in "signature" (the others:
     * {@code X-Webhook-Signature}, or a prefix's such as {@code X-Lettermint-Signature}).
     *
     * @param headers names in any case (the map must be case-insensitive)
     */
    static Verdict verify(SignatureScheme scheme, String secret, String header, Map<String, String> headers, byte[] body) {
        Optional<String> name = header != null ? Optional.of(header)
                : scheme == SignatureScheme.STANDARD ? Optional.of("webhook-signature")
                : headers.keySet().stream().filter(h -> h.toLowerCase(Locale.ROOT).endsWith("signature")).findFirst();
        String value = name.map(headers::get).orElse(null);
        if (value == null) {
            return new Invalid(scheme, "no signature header" + name.map(n -> " (" + n + ")").orElse(""));
        }
        try {
            check(scheme, secret, headers, value, body);
            return new Valid(scheme, name.get(), null);
        } catch (WebhookVerificationException e) {
            return switch (e.reason()) {
                case TIMESTAMP_TOO_OLD, TIMESTAMP_IN_FUTURE -> new Valid(scheme, name.get(), e.getMessage());
                default -> new Invalid(scheme, e.getMessage());
            };
        } catch (IllegalArgumentException e) {
            return new Invalid(scheme, "the secret does not suit this scheme: " + e.getMessage());
        }
    }

    private static void check(SignatureScheme scheme, String secret, Map<String, String> headers, String value, byte[] body)
            throws WebhookVerificationException {
        switch (scheme) {
            case STANDARD -> new StandardWebhook(secret).verify(headers.get("webhook-id"), headers.get("webhook-timestamp"), value, body);
            case TIMESTAMPED -> new TimestampedSignature(secret).verify(value, body);
            case PREFIXED -> new PrefixedSignature(secret).verify(value, body);
            case HEX -> new HexSignature(secret).verify(value, body);
        }
    }

    /** Every scheme's verdict, for when the scheme is not known. */
    static List<Verdict> verifyAll(String secret, String header, Map<String, String> headers, byte[] body) {
        return List.of(SignatureScheme.values()).stream().map(s -> verify(s, secret, header, headers, body)).toList();
    }
}
