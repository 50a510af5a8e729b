package dev.cove.secure.redact;

/**
 * A check on a regex candidate that a regex cannot express well: a checksum, a range, the words
 * just before it. Receives the whole text so it can look at the context.
 */
@FunctionalInterface
public interface MatchCheck {
    MatchCheck ANY = (text, start, end) -> true;

    boolean accept(CharSequence text, int start, int end);

    default MatchCheck and(MatchCheck other) {
        return (text, start, end) -> accept(text, start, end) && other.accept(text, start, end);
    }
}
