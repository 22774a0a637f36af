package dev.hookline.api;

/** Who is calling: an API key, either root (all apps) or scoped to one app. */
record Principal(String keyId, String appId) {
    boolean isRoot() {
        return appId == null;
    }
}
