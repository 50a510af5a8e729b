package dev.cove.cli;

import dev.cove.secure.redact.CustomPattern;
import dev.cove.secure.redact.Redaction;
import dev.cove.secure.redact.RedactionMap;
import dev.cove.secure.redact.Redactor;
import dev.cove.secure.redact.Span;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove redact [FILE]}: masks personal data in a file or standard input and writes the
 * result to standard output. Line by line, so any size of input runs in bounded memory; one
 * mapping for the whole input, so the same e-mail address is the same placeholder throughout.
 * The mapping is never printed or saved: restoring originals is only possible inside a process.
 */
@Command(name = "redact", mixinStandardHelpOptions = true,
        description = {"Mask personal data in FILE (or standard input) and print the result.",
            "Finds e-mail addresses, phone numbers, payment cards (Luhn), IBANs (mod 97), US SSNs and other national"
                + " ids, IPv4/IPv6 addresses, dates of birth and medical record numbers, plus your own patterns.",
            "Masks are typed placeholders such as [EMAIL_1]; the same value always gets the same placeholder."})
final class RedactCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "UTF-8 text to redact; standard input if absent.")
    Path file;

    @Option(names = "--pattern", paramLabel = "LABEL=REGEX",
            description = "An extra kind of personal data, e.g. EMPLOYEE_ID=E\\d{6}. A group named 'pii' limits the mask"
                    + " to that group. Repeatable.")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--patterns", paramLabel = "FILE", description = "A file of LABEL=REGEX lines (# for comments).")
    Path patternsFile;

    @Option(names = "--no-builtins", description = "Use only the given patterns.")
    boolean noBuiltins;

    @Option(names = "--stats", description = "Print how many spans of each kind were masked to standard error (counts only).")
    boolean stats;

    @Override
    public Integer call() throws IOException {
        Redactor redactor = redactor();
        RedactionMap map = new RedactionMap();
        Map<String, Integer> counts = new TreeMap<>();
        PrintStream out = Stdout.utf8();
        try (InputStream in = file == null ? System.in : open(file);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            String line;
            while ((line = readLine(reader)) != null) {
                Redaction r = redactor.redact(line, map);
                out.println(r.text());
                for (Span s : r.spans()) {
                    counts.merge(s.label().name(), 1, Integer::sum);
                }
            }
        } finally {
            out.flush();
            map.clear();
        }
        if (stats) {
            PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
            counts.forEach((label, n) -> err.printf("%-16s %d%n", label, n));
            err.printf("%-16s %d%n", "total", counts.values().stream().mapToInt(Integer::intValue).sum());
        }
        return 0;
    }

    private Redactor redactor() throws IOException {
        Redactor.Builder b = Redactor.builder();
        if (!noBuiltins) {
            b.withBuiltIns();
        }
        if (patternsFile != null) {
            try {
                CustomPattern.load(patternsFile).forEach(b::add);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(patternsFile + ": no such file");
            }
        }
        for (String p : patterns) {
            b.add(CustomPattern.parse(p));
        }
        return b.build();
    }

    private static InputStream open(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        }
    }

    private String readLine(BufferedReader reader) throws IOException {
        try {
            return reader.readLine();
        } catch (CharacterCodingException e) {
            // Nothing of the input is quoted: it is exactly the kind of text this command protects.
            throw new UncheckedIOException((file == null ? "standard input" : file.toString())
                    + ": not valid UTF-8 text", e);
        }
    }
}
