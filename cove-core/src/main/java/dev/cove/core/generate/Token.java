package dev.cove.core.generate;

/**
 * One generated token as streamed to a listener. {@code text} is the complete UTF-8 text this
 * token finishes: empty while a multi-byte character spans several tokens, and without any text
 * held back because it might begin a stop string.
 */
public record Token(int id, String text) {
}
