package dev.hookline.ops;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * The console's one encoder, in the format {@code HOOKLINE_LOG_FORMAT} picked ({@link LogSettings}).
 * {@code text}: the {@code pattern} of {@code logback.xml}. {@code json}: one JSON object per line, {@code {"time", "level", "logger", "msg",
 * ...key-values}}, the key-values of SLF4J's fluent API flattened into the object so a log shipper can
 * filter on {@code event} or {@code endpoint_id} without parsing text. A stack trace, when there is
 * one, is a single {@code "stack"} string: the line stays one line.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NEWLINE = CoreConstants.LINE_SEPARATOR.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private String pattern;
    /** Null in JSON format. */
    private PatternLayoutEncoder text;

    /** The text format's layout ({@code <pattern>} in {@code logback.xml}). */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        if (!"json".equals(System.getProperty(LogSettings.FORMAT_PROPERTY))) {
            text = new PatternLayoutEncoder();
            text.setContext(getContext());
            text.setPattern(pattern);
            text.start();
        }
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        if (text != null) {
            return text.encode(event);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("msg", event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    writeValue(g, kv.key, kv.value);
                }
            }
            if (event.getThrowableProxy() != null) {
                g.writeStringField("stack", ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeBytes(NEWLINE);
        return out.toByteArray();
    }

    /**
     * The generated root key's announcement in the JSON format: one line in the log's own shape, so a
     * log shipper parses it like the rest. It is written to the console once, at the first start,
     * and never through the logger, so no appender or later line repeats the key.
     */
    public static String rootKeyLine(String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("level", "WARN");
            g.writeStringField("logger", "hookline.root_key");
            g.writeStringField("msg", "Hookline generated a root API key. It is shown this once only; only its hash is stored."
                    + " Use it as 'Authorization: Bearer <key>'; it is listed at /v1/api-keys and can be revoked like any key.");
            g.writeStringField("event", "root_key_generated");
            g.writeStringField("key", key);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8) + CoreConstants.LINE_SEPARATOR;
    }

    private static void writeValue(JsonGenerator g, String key, Object value) throws IOException {
        g.writeFieldName(key);
        switch (value) {
            case null -> g.writeNull();
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Boolean b -> g.writeBoolean(b);
            default -> g.writeString(value.toString());
        }
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
