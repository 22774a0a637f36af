package dev.hookline.inbound;

/** A unique receive URL ({@code /webhooks/{token}}) and how it treats what is posted to it. */
public record Source(String id, String token, boolean enabled, SourceConfig config, long createdAt, long updatedAt) {}
