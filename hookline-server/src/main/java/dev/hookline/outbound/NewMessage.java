package dev.hookline.outbound;

import java.util.List;

/** What a producer asks to send: an event name, its data as raw JSON bytes, and optional id and channels. */
public record NewMessage(String event, byte[] data, String eventId, List<String> channels) {
    /** The event of the endpoint "test" call, reserved for it: its deliveries have seed 002's test shape. */
    public static final String TEST_EVENT = "webhook.test";
}
