package dev.cove.secure.redact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds and masks personal data before anything is persisted or exported.
 *
 * <pre>{@code
 * Redactor redactor = Redactor.standard();
 * Redaction r = redactor.redact(prompt);                // r.text() is safe to store
 * String answer = r.map().restore(modelAnswer);         // originals back, in memory only
 * }</pre>
 *
 * Immutable and thread-safe. When detectors disagree about overlapping text, the longest span
 * wins (an IBAN beats the phone number inside it), then the detector listed first.
 */
public final class Redactor {
    private final List<Detector> detectors;

    private Redactor(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    public static Redactor standard() {
        return new Redactor(BuiltInDetectors.all());
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Detector> detectors() {
        return detectors;
    }

    /** Non-overlapping spans of personal data, in text order. */
    public List<Span> find(CharSequence text) {
        List<Span> candidates = new ArrayList<>();
        List<Integer> priority = new ArrayList<>();
        String lower = null;
        for (int d = 0; d < detectors.size(); d++) {
            int before = candidates.size();
            if (detectors.get(d) instanceof NearKeywords near) {
                if (lower == null) {
                    lower = NearKeywords.asciiLowerCase(text);
                }
                near.detect(text, lower, candidates);
            } else {
                detectors.get(d).detect(text, candidates);
            }
            for (int i = before; i < candidates.size(); i++) {
                priority.add(d);
            }
        }
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.<Integer>comparingInt(i -> -candidates.get(i).length())
                .thenComparingInt(priority::get)
                .thenComparingInt(i -> candidates.get(i).start()));
        TreeMap<Integer, Span> accepted = new TreeMap<>();
        for (int i : order) {
            Span s = candidates.get(i);
            Map.Entry<Integer, Span> left = accepted.floorEntry(s.start());
            Map.Entry<Integer, Span> right = accepted.ceilingEntry(s.start());
            if ((left == null || !left.getValue().overlaps(s)) && (right == null || !right.getValue().overlaps(s))) {
                accepted.put(s.start(), s);
            }
        }
        return List.copyOf(accepted.values());
    }

    /** Redacts with a fresh map. */
    public Redaction redact(CharSequence text) {
        return redact(text, new RedactionMap());
    }

    /** Redacts reusing {@code map}, so a conversation keeps one placeholder per original across turns. */
    public Redaction redact(CharSequence text, RedactionMap map) {
        List<Span> spans = find(text);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Span s : spans) {
            out.append(text, at, s.start());
            out.append(map.placeholder(s.label(), text.subSequence(s.start(), s.end()).toString(), text));
            at = s.end();
        }
        out.append(text, at, text.length());
        return new Redaction(out.toString(), spans, map);
    }

    public static final class Builder {
        private final List<Detector> detectors = new ArrayList<>();

        private Builder() {
        }

        public Builder withBuiltIns() {
            detectors.addAll(BuiltInDetectors.all());
            return this;
        }

        public Builder add(Detector detector) {
            detectors.add(detector);
            return this;
        }

        public Builder add(CustomPattern pattern) {
            detectors.add(pattern.detector());
            return this;
        }

        public Redactor build() {
            return new Redactor(detectors);
        }
    }
}
