package dev.hookline.outbound;

import dev.hookline.core.RetiredSecrets;
import java.util.ArrayList;
import java.util.List;

/**
 * An endpoint's secret and those it rotated out in the last 24 hours. While any of those is live
 * every delivery is signed with all of them, so receivers can switch at their own pace.
 */
public record SigningSecrets(String current, RetiredSecrets retired) {

    @Override
    public String toString() {
        return "SigningSecrets[hidden]";
    }

    /** The secrets to sign with at {@code nowMillis}, newest first. */
    public List<String> active(long nowMillis) {
        List<String> live = retired.live(nowMillis);
        if (live.isEmpty()) {
            return List.of(current);
        }
        List<String> out = new ArrayList<>(live.size() + 1);
        out.add(current);
        out.addAll(live);
        return out;
    }
}
