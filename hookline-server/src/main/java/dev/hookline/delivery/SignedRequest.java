package dev.hookline.delivery;

import java.util.Map;

/** A delivery ready to go on the wire: exactly these headers and bytes. */
record SignedRequest(String url, Map<String, String> headers, byte[] body, int timeoutMs) {}
