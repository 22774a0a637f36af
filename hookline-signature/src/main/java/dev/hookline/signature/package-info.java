/**
 * Signing and verifying every webhook signature scheme Hookline speaks, with the JDK alone. The
 * Hookline server signs each delivery through {@link dev.hookline.signature.SignatureScheme#sign};
 * receivers verify with the class of their scheme:
 *
 * <table>
 *   <caption>Schemes</caption>
 *   <tr><th>scheme</th><th>class</th><th>header value</th><th>signed bytes</th><th>HMAC key</th></tr>
 *   <tr><td>{@code standard}</td><td>{@link dev.hookline.signature.StandardWebhook}</td>
 *       <td>{@code v1,<base64>} or {@code v1a,<base64>}, space-separated</td>
 *       <td>{@code {id}.{timestamp}.{body}}</td><td>base64 after {@code whsec_}; or Ed25519 {@code whsk_}</td></tr>
 *   <tr><td>{@code timestamped}</td><td>{@link dev.hookline.signature.TimestampedSignature}</td>
 *       <td>{@code t=<unix>,v1=<hex>[,v1=<hex>]}</td><td>{@code {t}.{body}}</td><td>the secret's UTF-8 bytes</td></tr>
 *   <tr><td>{@code prefixed}</td><td>{@link dev.hookline.signature.PrefixedSignature}</td>
 *       <td>{@code sha256=<hex>}</td><td>body</td><td>the secret's UTF-8 bytes</td></tr>
 *   <tr><td>{@code hex}</td><td>{@link dev.hookline.signature.HexSignature}</td>
 *       <td>{@code <hex>}</td><td>body</td><td>the secret's UTF-8 bytes</td></tr>
 * </table>
 *
 * <p>Every comparison is constant-time ({@link java.security.MessageDigest#isEqual}). A
 * {@code verify} method throws only {@link dev.hookline.signature.WebhookVerificationException},
 * whatever the header holds; a malformed <em>secret</em> is a configuration error and fails with
 * {@link java.lang.IllegalArgumentException} when the verifier is built.
 */
package dev.hookline.signature;
