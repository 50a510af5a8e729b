package dev.cove.core.chat;

import java.util.BitSet;

/**
 * The text of a chat prompt being rendered, remembering which characters come from the
 * messages ({@link #content}) rather than from the format's template ({@link #append}).
 */
final class PromptBuilder {
    private final StringBuilder text;
    private final BitSet literal = new BitSet();

    PromptBuilder(int capacity) {
        this.text = new StringBuilder(capacity);
    }

    /** Template text: its special-token text ({@code <|im_start|>}, {@code </s>}...) is meant as tokens. */
    PromptBuilder append(String s) {
        text.append(s);
        return this;
    }

    PromptBuilder append(char c) {
        text.append(c);
        return this;
    }

    /** Text from a message: special-token text in it stays text. */
    PromptBuilder content(String s) {
        int start = text.length();
        text.append(s);
        literal.set(start, text.length());
        return this;
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    ChatPrompt build() {
        return new ChatPrompt(text.toString(), literal);
    }
}
