package dev.cove.secure.redact;

import java.util.Objects;

/**
 * Where personal data was found: {@code [start, end)} in the original text. Holds no text on
 * purpose, so a span can be logged, counted or put in an exception message safely.
 */
public record Span(int start, int end, EntityLabel label) {
    public Span {
        Objects.requireNonNull(label, "label");
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a span needs 0 <= start < end");
        }
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(Span other) {
        return start < other.end && other.start < end;
    }
}
