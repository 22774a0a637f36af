package dev.hookline.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The two JSON budgets: a tight one for what comes in, a generous one for what is served back.
 *
 * <p>Whatever is accepted must be servable: a reply wraps a stored document a few levels deeper
 * ({@code {"data":[{"data": …}]}}), so input is held to {@link #MAX_DEPTH} and output may go far
 * deeper. Records stored before the input limit existed (Jackson's default then let 1,000 levels
 * in) still read and write back under the generous budget, so no stored record can break a list.
 */
public final class JsonLimits {
    /** The deepest JSON accepted anywhere: the API, message data, a source's post. */
    public static final int MAX_DEPTH = 64;
    private static final int STORED_DEPTH = 2_000;

    private JsonLimits() {}

    /** A mapper for input: strict (no duplicate keys, nothing trailing) and at most {@link #MAX_DEPTH} deep. */
    public static ObjectMapper input() {
        return new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(STORED_DEPTH + 16).build())
                .build())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** A mapper for documents already stored: reads and writes anything the store may hold. */
    public static ObjectMapper stored() {
        return new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(STORED_DEPTH).build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(STORED_DEPTH + 16).build())
                .build());
    }

    /** Why a body could not be parsed, in words for the caller (a limit is named as such). */
    public static String describe(java.io.IOException e) {
        if (e instanceof StreamConstraintsException) {
            return "it is nested deeper than " + MAX_DEPTH + " levels (or breaks another size limit)";
        }
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : "it could not be read";
    }

    /**
     * Whether {@code body} is UTF-8 as RFC 8259 wants it: valid, without a byte order mark, and
     * without NUL bytes (which only UTF-16 or UTF-32 text puts between JSON's ASCII characters).
     * Jackson detects and reads the other encodings; this says whether the bytes can be spliced
     * into a UTF-8 document as they are.
     */
    public static boolean isPlainUtf8(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            return false;
        }
        for (byte b : body) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
