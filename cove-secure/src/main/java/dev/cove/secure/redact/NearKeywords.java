package dev.cove.secure.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a detector only in windows around its keywords ("MRN", "born", "phone", ...). Detectors
 * whose regex begins with a case-insensitive alternation of words are slow when tried at every
 * position; a plain search for the keywords first makes texts without them cost almost nothing.
 *
 * @param keywords lower-case strings, any of which must occur for a match to be possible
 * @param before   how far before a keyword a match may start (for "12/03/1985 (DOB)")
 * @param after    how far after a keyword's start a match may start
 */
public record NearKeywords(PatternDetector inner, List<String> keywords, int before, int after) implements Detector {
    public NearKeywords {
        Objects.requireNonNull(inner, "inner");
        keywords = List.copyOf(keywords);
    }

    @Override
    public EntityLabel label() {
        return inner.label();
    }

    @Override
    public void detect(CharSequence text, List<Span> out) {
        detect(text, asciiLowerCase(text), out);
    }

    /** With the text already lower-cased (by {@link Redactor}, once for all such detectors). */
    void detect(CharSequence text, String lower, List<Span> out) {
        List<int[]> windows = new ArrayList<>();
        for (String k : keywords) {
            for (int at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + 1)) {
                windows.add(new int[] {Math.max(0, at - before), Math.min(text.length(), at + after)});
            }
        }
        if (windows.isEmpty()) {
            return;
        }
        windows.sort((a, b) -> Integer.compare(a[0], b[0]));
        int from = windows.getFirst()[0];
        int to = windows.getFirst()[1];
        for (int[] w : windows) {
            if (w[0] > to) {
                inner.detect(text, from, to, out);
                from = w[0];
            }
            to = Math.max(to, w[1]);
        }
        inner.detect(text, from, to, out);
    }

    /** Lower-cases A-Z only, so every index still lines up with the original (full Unicode case mapping can change lengths). */
    static String asciiLowerCase(CharSequence text) {
        char[] c = new char[text.length()];
        for (int i = 0; i < c.length; i++) {
            char ch = text.charAt(i);
            c[i] = ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch;
        }
        return new String(c);
    }
}
