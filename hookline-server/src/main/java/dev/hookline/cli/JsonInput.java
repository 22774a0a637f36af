package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** JSON given on the command line: inline, {@code @file}, {@code -} for standard input, or {@code --set key=value} pairs. */
final class JsonInput {
    private JsonInput() {}

    static JsonNode read(String value) {
        return parse(text(value));
    }

    /** The text given: inline, from {@code @file} or from standard input ({@code -}). */
    static String text(String value) {
        try {
            return value.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : value.startsWith("@") ? Files.readString(Path.of(value.substring(1))) : value;
        } catch (IOException e) {
            throw new CliFailure.Usage("cannot read " + value + ": " + e.getMessage());
        }
    }

    static JsonNode parse(String text) {
        try {
            return HooklineApi.JSON.readTree(text);
        } catch (IOException e) {
            throw new CliFailure.Usage("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * {@code --data} (an object) with {@code --set} pairs laid over it. A value that parses as JSON is
     * taken as such ({@code enabled=false}, {@code events=["a.*"]}); anything else is a string.
     */
    static ObjectNode object(String data, List<String> sets) {
        JsonNode base = data == null ? HooklineApi.object() : read(data);
        if (!base.isObject()) {
            throw new CliFailure.Usage("--data must be a JSON object");
        }
        ObjectNode out = (ObjectNode) base;
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new CliFailure.Usage("--set takes key=value, not '" + set + "'");
            }
            String raw = set.substring(eq + 1);
            JsonNode value;
            try {
                value = HooklineApi.JSON.readTree(raw);
            } catch (IOException notJson) {
                value = null;
            }
            out.set(set.substring(0, eq), value == null || raw.isBlank() ? HooklineApi.JSON.getNodeFactory().textNode(raw) : value);
        }
        return out;
    }
}
