package dev.hookline.outbound;

import java.util.List;

/**
 * An endpoint's secret and, for 24 hours after a rotation, the one it replaced. While both are
 * live every delivery is signed with both, so receivers can switch at their own pace.
 */
public record SigningSecrets(String current, String previous, long previousExpiresAt) {

    @Override
    public String toString() {
        return "SigningSecrets[hidden]";
    }

    /** The secrets to sign with at {@code nowMillis}, newest first. */
    public List<String> active(long nowMillis) {
        return previous != null && nowMillis < previousExpiresAt ? List.of(current, previous) : List.of(current);
    }
}
