package dev.hookline.api;

/** Who is calling: an API key, either root (all apps) or scoped to one app. */
public record Principal(String keyId, String appId) {
    public boolean isRoot() {
        return appId == null;
    }
}
