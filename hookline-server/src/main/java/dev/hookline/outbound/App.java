package dev.hookline.outbound;

/** A customer of the product: the owner of endpoints and the scope of messages. */
public record App(String id, String uid, String name, AppSettings settings, long createdAt, long updatedAt) {}
