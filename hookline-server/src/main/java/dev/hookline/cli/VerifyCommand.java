package dev.hookline.cli;

import dev.hookline.signature.SignatureScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hookline verify}: checks a saved request against a secret, offline. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a saved request (headers file and body file) against a signing secret, for each scheme.",
            "Exit 0 when a signature matches (even with an old timestamp: it says so), 1 when none does.", "",
            "  curl -sD headers.txt -o body.bin …   or save them from your handler, then:",
            "  ${ROOT-COMMAND-NAME} verify --secret whsec_… --headers headers.txt --body body.bin", ""})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--secret", required = true, defaultValue = "${env:HOOKLINE_WEBHOOK_SECRET}",
            description = "the endpoint's signing secret (HOOKLINE_WEBHOOK_SECRET)")
    String secret;

    @Option(names = "--headers", required = true, paramLabel = "FILE", description = "'Name: value' lines (an HTTP status or request line is skipped)")
    Path headersFile;

    @Option(names = "--body", required = true, paramLabel = "FILE", description = "the raw body, exactly as received")
    Path bodyFile;

    @Option(names = "--scheme", paramLabel = "SCHEME", description = "check only this one: standard, timestamped, prefixed or hex")
    String scheme;

    @Option(names = "--signature-header", paramLabel = "NAME", description = "where the signature is (default: webhook-signature, or any *-Signature header)")
    String signatureHeader;

    @Option(names = "--json", description = "the verdicts as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Map<String, String> headers = readHeaders(headersFile);
        byte[] body = Files.readAllBytes(bodyFile);
        List<SignatureCheck.Verdict> verdicts;
        try {
            verdicts = scheme == null ? SignatureCheck.verifyAll(secret, signatureHeader, headers, body)
                    : List.of(SignatureCheck.verify(SignatureScheme.fromWireName(scheme), secret, signatureHeader, headers, body));
        } catch (IllegalArgumentException e) {
            throw new CliFailure.Usage(e.getMessage());
        }
        Terminal terminal = Terminal.standard();
        var out = HooklineApi.JSON.createArrayNode();
        for (SignatureCheck.Verdict v : verdicts) {
            var item = out.addObject().put("scheme", v.scheme().wireName());
            switch (v) {
                case SignatureCheck.Valid valid -> {
                    item.put("valid", true).put("header", valid.header()).put("timing", valid.timing());
                    if (!json) {
                        terminal.out.println(terminal.paint(Terminal.GREEN, "✓ " + v.scheme().wireName()) + "  signature in "
                                + valid.header() + " matches" + (valid.timing() == null ? "" : terminal.paint(Terminal.YELLOW,
                                "; but a receiver would refuse it now: " + valid.timing())));
                    }
                }
                case SignatureCheck.Invalid invalid -> {
                    item.put("valid", false).put("reason", invalid.reason());
                    if (!json) {
                        terminal.out.println(terminal.paint(Terminal.RED, "✗ " + v.scheme().wireName()) + "  " + invalid.reason());
                    }
                }
            }
        }
        if (json) {
            terminal.json(out);
        }
        return verdicts.stream().anyMatch(v -> v instanceof SignatureCheck.Valid) ? 0 : 1;
    }

    /** Reads {@code Name: value} lines; lines without a colon (a status line, a blank) are skipped. */
    static Map<String, String> readHeaders(Path file) throws IOException {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("HTTP/") && !line.contains(" HTTP/")) {
                headers.merge(line.substring(0, colon).strip(), line.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
            }
        }
        return headers;
    }
}
