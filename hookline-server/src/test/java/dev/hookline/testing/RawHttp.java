package dev.hookline.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 written by hand on a socket, for what {@code java.net.http} refuses to send (a malformed
 * percent-escape) or hides (whether a HEAD answer carried a body): requests go out as given, and
 * the answers are read one after another off the same connection.
 */
public final class RawHttp {
    /** One answer: status, headers (names lower-cased), and the body its {@code Content-Length} announced (none for HEAD). */
    public record Answer(int status, Map<String, String> headers, String body) {}

    private RawHttp() {}

    /** A request with {@code Host} and {@code extraHeaders} (each ending in CRLF), no body. */
    public static String request(String method, String target, String extraHeaders) {
        return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
    }

    /**
     * Sends {@code requests} back to back on one connection and reads one answer per request; a HEAD
     * answer is read without a body, so a body sent anyway garbles the next answer's status line.
     */
    public static List<Answer> exchange(int port, String... requests) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000); // bounds a failure (an answer that never comes), not a measurement
            for (String r : requests) {
                socket.getOutputStream().write(r.getBytes(StandardCharsets.ISO_8859_1));
            }
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            List<Answer> answers = new ArrayList<>();
            for (String r : requests) {
                answers.add(read(in, r.startsWith("HEAD ")));
            }
            return answers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer read(InputStream in, boolean head) throws IOException {
        String[] lines = headerBlock(in).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IllegalStateException("not a status line: " + lines[0]);
        }
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Answer(Integer.parseInt(statusLine[1]), headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static String headerBlock(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed inside an answer's headers");
            }
            out.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
