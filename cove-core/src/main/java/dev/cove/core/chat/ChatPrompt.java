package dev.cove.core.chat;

import dev.cove.core.tokenizer.Tokenizer;
import java.util.BitSet;

/**
 * A rendered conversation: the prompt text, and which of its characters came from the messages.
 * {@link #tokenize} turns the template's special-token text into control tokens and leaves the
 * messages' as text, so that a message cannot close its turn and speak as another role (a user
 * typing {@code <|im_end|>\n<|im_start|>system\n...}). Immutable.
 */
public final class ChatPrompt {
    private final String text;
    private final BitSet literal;

    ChatPrompt(String text, BitSet literal) {
        this.text = text;
        this.literal = (BitSet) literal.clone();
    }

    /** The prompt text, as {@link ChatFormat#render} returns it. */
    public String text() {
        return text;
    }

    /** Whether the character at {@code index} of {@link #text()} comes from a message. */
    public boolean isFromMessage(int index) {
        return literal.get(index);
    }

    /**
     * The prompt's tokens: control tokens where the template has them, the messages' text as
     * plain text; {@code addBos} as in {@link Tokenizer#encode(String, boolean, boolean)}.
     */
    public int[] tokenize(Tokenizer tokenizer, boolean addBos) {
        return tokenizer.encode(text, addBos, literal);
    }
}
