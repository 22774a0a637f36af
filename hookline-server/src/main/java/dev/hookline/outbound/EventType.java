package dev.hookline.outbound;

/**
 * An entry of the event catalog; {@code schema} is an optional JSON Schema document, kept as text,
 * enforced on ingest when {@code validate} ({@link EventSchemas}).
 */
public record EventType(String name, String description, String schema, boolean validate, long createdAt, long updatedAt) {}
