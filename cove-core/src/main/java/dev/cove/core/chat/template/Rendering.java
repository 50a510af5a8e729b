package dev.cove.core.chat.template;

import java.util.BitSet;

/**
 * A rendered template: its text, and which characters came from content the caller marked
 * (message text, through {@link ContentString}); every other character is the template's own.
 * The integration turns the second part into token boundaries, so that special-token text in a
 * message stays text. Immutable: {@link #fromContent()} returns a copy.
 */
public record Rendering(String text, BitSet fromContent) {
    public Rendering {
        fromContent = (BitSet) fromContent.clone();
    }

    @Override
    public BitSet fromContent() {
        return (BitSet) fromContent.clone();
    }

    /** Whether the character at {@code index} of {@link #text()} came from content. */
    public boolean isFromContent(int index) {
        return fromContent.get(index);
    }
}
