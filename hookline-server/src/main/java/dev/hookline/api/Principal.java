package dev.hookline.api;

/**
 * Who is calling: an API key, either root (all apps) or scoped to one app, or a customer portal link
 * (scoped to one app); either may be read-only (a read-only key, a read-only portal link).
 */
public record Principal(String keyId, String appId, boolean readOnly) {
    static final Principal ROOT = new Principal("root", null, false);

    public Principal(String keyId, String appId) {
        this(keyId, appId, false);
    }

    public boolean isRoot() {
        return appId == null;
    }
}
