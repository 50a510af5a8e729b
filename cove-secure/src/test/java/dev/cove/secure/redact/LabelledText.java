package dev.cove.secure.redact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One line of the labelled set: the plain text and its gold spans. */
record LabelledText(int lineNumber, String text, List<Span> gold) {
    static final String RESOURCE = "/redaction/labelled-spans.txt";

    static List<LabelledText> load() throws IOException {
        List<LabelledText> out = new ArrayList<>();
        try (InputStream in = LabelledText.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("missing test resource " + RESOURCE);
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                out.add(parse(i + 1, line));
            }
        }
        return out;
    }

    /** Turns {@code a [[EMAIL|x@y.z]] b} into the text {@code a x@y.z b} with one gold span. */
    static LabelledText parse(int lineNumber, String line) {
        StringBuilder text = new StringBuilder();
        List<Span> gold = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = line.indexOf("[[", at);
            if (open < 0) {
                text.append(line, at, line.length());
                break;
            }
            while (open + 2 < line.length() && line.charAt(open + 2) == '[') {
                open++; // "[[[X|...]]]": a literal bracket around a span
            }
            int bar = line.indexOf('|', open);
            int close = line.indexOf("]]", bar);
            if (bar < 0 || close < 0) {
                throw new IllegalArgumentException("line " + lineNumber + ": unbalanced [[...]]");
            }
            text.append(line, at, open);
            int start = text.length();
            text.append(line, bar + 1, close);
            gold.add(new Span(start, text.length(), new EntityLabel(line.substring(open + 2, bar))));
            at = close + 2;
        }
        return new LabelledText(lineNumber, text.toString(), List.copyOf(gold));
    }
}
