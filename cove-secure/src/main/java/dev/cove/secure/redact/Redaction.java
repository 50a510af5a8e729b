package dev.cove.secure.redact;

import java.util.List;

/**
 * The result of redacting a text.
 *
 * @param text  the text with every span replaced by its placeholder: safe to persist or export
 * @param spans where the personal data was in the original text (positions only, no text)
 * @param map   restores the originals, in this process only
 */
public record Redaction(String text, List<Span> spans, RedactionMap map) {
    public Redaction {
        spans = List.copyOf(spans);
    }
}
