package dev.hookline.api;

/**
 * Who is calling: an API key, either root (all apps) or scoped to one app, or a customer portal link
 * (scoped to one app); either may be read-only (a read-only key, a read-only portal link). A key may
 * carry its own rate limit (calls a minute); null is none.
 */
public record Principal(String keyId, String appId, boolean readOnly, Integer ratePerMinute) {
    static final Principal ROOT = new Principal("root", null, false, null);

    public Principal(String keyId, String appId, boolean readOnly) {
        this(keyId, appId, readOnly, null);
    }

    public boolean isRoot() {
        return appId == null;
    }
}
