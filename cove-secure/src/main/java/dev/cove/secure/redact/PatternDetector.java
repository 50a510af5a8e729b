package dev.cove.secure.redact;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regular expression, optionally narrowed to one capturing group (so context words can be
 * matched without being masked) and filtered by a {@link MatchCheck}.
 *
 * @param start        where a match can begin, or null to let the regex try everywhere; with a
 *                     filter the regex is anchored at each allowed position (lookbehinds still
 *                     see the text before it)
 * @param requiredChar a character every match contains, or 0: lets most texts skip the regex entirely
 */
public record PatternDetector(EntityLabel label, Pattern pattern, int group, MatchCheck check, char requiredChar,
                              StartFilter start) implements Detector {

    public PatternDetector {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(check, "check");
    }

    public static PatternDetector of(EntityLabel label, String regex, MatchCheck check) {
        return new PatternDetector(label, Pattern.compile(regex), 0, check, '\0', null);
    }

    public PatternDetector group(int g) {
        return new PatternDetector(label, pattern, g, check, requiredChar, start);
    }

    public PatternDetector requiring(char c) {
        return new PatternDetector(label, pattern, group, check, c, start);
    }

    public PatternDetector startingAt(StartFilter filter) {
        return new PatternDetector(label, pattern, group, check, requiredChar, filter);
    }

    @Override
    public void detect(CharSequence text, List<Span> out) {
        detect(text, 0, text.length(), out);
    }

    /** Finds matches that start within {@code [from, to)}. */
    void detect(CharSequence text, int from, int to, List<Span> out) {
        if (requiredChar != '\0' && text.toString().indexOf(requiredChar) < 0) {
            return;
        }
        Matcher m = pattern.matcher(text);
        m.useTransparentBounds(true).useAnchoringBounds(false);
        boolean whole = from == 0 && to == text.length();
        if (start == null && whole) {
            while (m.find()) {
                accept(text, m, out);
            }
            return;
        }
        // A window (see NearKeywords) or a start filter: anchor the regex at each allowed position,
        // because find() would go on searching past the window to the end of the text.
        int i = from;
        while (i < to) {
            if (start == null || (start.mayStartWith(text.charAt(i)) && start.passes(text, i))) {
                m.region(i, text.length());
                if (m.lookingAt()) {
                    accept(text, m, out);
                    i = Math.max(i + 1, m.end());
                    continue;
                }
            }
            i++;
        }
    }

    private void accept(CharSequence text, Matcher m, List<Span> out) {
        int s = m.start(group);
        int e = m.end(group);
        if (s >= 0 && e > s && check.accept(text, s, e)) {
            out.add(new Span(s, e, label));
        }
    }
}
