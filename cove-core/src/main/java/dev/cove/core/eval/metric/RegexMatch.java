package dev.cove.core.eval.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** 1 when one of the patterns (Java regular expressions) is found in the output, else 0; {@code fullMatch}: matches all of it. */
public final class RegexMatch implements TextMetric {
    private final String label;
    private final List<Pattern> patterns = new ArrayList<>();
    private final boolean fullMatch;

    /** @throws IllegalArgumentException naming the pattern that does not compile */
    public RegexMatch(String label, List<String> patterns, boolean fullMatch) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("regex match needs at least one pattern in \"expected\"");
        }
        this.label = label;
        this.fullMatch = fullMatch;
        for (String p : patterns) {
            try {
                this.patterns.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("the pattern " + p + " is not a valid regular expression: "
                        + e.getDescription() + " at index " + e.getIndex());
            }
        }
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public double score(String output) {
        for (Pattern p : patterns) {
            if (fullMatch ? p.matcher(output).matches() : p.matcher(output).find()) {
                return 1;
            }
        }
        return 0;
    }
}
