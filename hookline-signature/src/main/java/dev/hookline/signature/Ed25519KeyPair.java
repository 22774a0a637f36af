package dev.hookline.signature;

/**
 * An Ed25519 key pair in Standard Webhooks form.
 *
 * @param secretKey {@code whsk_} + base64 of the 32-byte private seed; signs, stays with the sender
 * @param publicKey {@code whpk_} + base64 of the raw 32-byte public key; given to receivers to verify
 */
public record Ed25519KeyPair(String secretKey, String publicKey) {

    @Override
    public String toString() {
        return "Ed25519KeyPair[publicKey=" + publicKey + "]";
    }
}
