package dev.hookline.outbound;

/** An entry of the event catalog; {@code schema} is an optional JSON Schema document, kept as text. */
public record EventType(String name, String description, String schema, long createdAt, long updatedAt) {}
