package dev.cove.core.tokenizer;

import java.util.Arrays;

/**
 * Decodes generated tokens one at a time into text, never returning part of a character: a
 * token that ends inside a UTF-8 sequence (an emoji spread over byte tokens, say) has its
 * bytes held back until the sequence is complete. Bytes that can no longer become a valid
 * character are returned as U+FFFD as soon as that is certain; {@link #finish()} turns an
 * incomplete sequence left at the end into U+FFFD.
 *
 * <p>No space is stripped: the concatenated output equals llama.cpp's token pieces printed one
 * after another. Not thread-safe: one decoder per generation.
 */
public final class StreamingDecoder {
    private final BaseTokenizer tokenizer;
    private final boolean renderSpecial;
    private byte[] pending = new byte[16];
    private int pendingLength;
    private final StringBuilder out = new StringBuilder();

    StreamingDecoder(BaseTokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /** Adds a token; returns the text completed by it, possibly empty. */
    public String feed(int token) {
        return feedBytes(tokenizer.piece(token, renderSpecial));
    }

    /** Adds raw bytes; returns the text completed by them, possibly empty. */
    public String feedBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
        if (pendingLength + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        return drain(false);
    }

    /** Ends the stream: returns what is held back, an incomplete character becoming U+FFFD. */
    public String finish() {
        return drain(true);
    }

    /** Whether bytes of an incomplete character are held back. */
    public boolean hasPendingBytes() {
        return pendingLength > 0;
    }

    /** Forgets held-back bytes. */
    public void reset() {
        pendingLength = 0;
    }

    private String drain(boolean endOfInput) {
        out.setLength(0);
        int used = Utf8.decode(pending, pendingLength, endOfInput, out);
        System.arraycopy(pending, used, pending, 0, pendingLength - used);
        pendingLength -= used;
        return out.toString();
    }
}
