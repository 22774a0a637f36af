package dev.hookline.api;

/**
 * Who is calling: an API key, either root (all apps) or scoped to one app, or a customer portal link
 * (scoped to one app, and read-only when the link says so).
 */
public record Principal(String keyId, String appId, boolean readOnly) {
    public Principal(String keyId, String appId) {
        this(keyId, appId, false);
    }

    public boolean isRoot() {
        return appId == null;
    }
}
