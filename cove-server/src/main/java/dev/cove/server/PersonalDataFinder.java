package dev.cove.server;

import java.util.List;
import java.util.Objects;

/**
 * Finds personal data in a text, for the chat page's per-conversation masking: the page asks
 * {@code POST /cove/redact} where the personal data in a message is, masks it with placeholders
 * that it keeps in its own memory, and sends the model only the masked text. The server learns
 * nothing it keeps: the answer holds positions and labels, never text. {@code cove serve} wires
 * cove-secure's redactor here.
 */
@FunctionalInterface
public interface PersonalDataFinder {
    /** UTF-16 positions {@code [start, end)} in the text (as JavaScript counts them) and an upper-case label such as {@code EMAIL}. */
    record Span(int start, int end, String label) {
        public Span {
            Objects.requireNonNull(label, "label");
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("a span is 0 <= start < end, got " + start + ".." + end);
            }
        }
    }

    /** Non-overlapping spans in text order. */
    List<Span> find(String text);
}
