package dev.cove.core.eval.metric;

import java.util.List;
import java.util.Locale;

/** 1 when the output, white space at its ends removed, equals one of the expected answers (likewise trimmed), else 0. */
public record ExactMatch(String label, List<String> expected, boolean ignoreCase) implements TextMetric {
    public ExactMatch {
        expected = List.copyOf(expected);
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("exact match needs at least one expected answer");
        }
    }

    @Override
    public double score(String output) {
        String o = normalize(output);
        for (String e : expected) {
            if (o.equals(normalize(e))) {
                return 1;
            }
        }
        return 0;
    }

    private String normalize(String s) {
        String t = s.strip();
        return ignoreCase ? t.toLowerCase(Locale.ROOT) : t;
    }
}
