package dev.hookline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CLI prints: tables and colours for a person at a terminal, plain lines when the output is
 * piped or {@code NO_COLOR} is set (scripts should use {@code --json} anyway).
 */
final class Terminal {
    private static final String RESET = "\u001b[0m";
    static final String RED = "\u001b[31m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String DIM = "\u001b[2m";

    final PrintStream out;
    private final boolean interactive;

    Terminal(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Standard output; a terminal when there is a console and NO_COLOR is not set. */
    static Terminal standard() {
        return new Terminal(System.out, isTerminal() && System.getenv("NO_COLOR") == null);
    }

    /**
     * Whether standard input and output are a terminal. From JDK 22 System.console() is there even
     * when output is piped and Console.isTerminal() tells; the jar targets 21, so it is looked up.
     */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException jdk21) {
            return true; // on 21 a console exists only for a terminal
        }
    }

    boolean interactive() {
        return interactive;
    }

    String paint(String colour, String text) {
        return interactive ? colour + text + RESET : text;
    }

    /** A status code painted by class: green 2xx, yellow 3xx/4xx, red 5xx and none. */
    String status(int status) {
        String text = status == 0 ? "---" : Integer.toString(status);
        return paint(status / 100 == 2 ? GREEN : status / 100 == 5 || status == 0 ? RED : YELLOW, text);
    }

    void json(JsonNode node) {
        out.println(node.toPrettyString());
    }

    /** Rows under a header, each column as wide as its widest cell. */
    void table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (int r = 0; r < all.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = all.get(r).get(i);
                line.append(i == widths.length - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
            }
            String text = line.toString().stripTrailing();
            out.println(r == 0 ? paint(DIM, text.toUpperCase()) : text);
        }
        if (rows.isEmpty()) {
            out.println(paint(DIM, "(none)"));
        }
    }

    /**
     * Progress of a long job: a bar redrawn in place on a terminal, one plain line per step when piped
     * (a log keeps every line; a bar of carriage returns would be noise there).
     */
    void progress(int done, int total, String what) {
        if (interactive) {
            int width = 30;
            int filled = total == 0 ? width : done * width / total;
            out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + " " + what + "\u001b[K");
            if (done == total) {
                out.println();
            }
        } else {
            out.println(done + "/" + total + " " + what);
        }
        out.flush();
    }

    /** A cell from a JSON value: text as is, null as "-", anything else as compact JSON. */
    static String cell(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
