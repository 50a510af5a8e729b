package dev.cove.core.grammar;

import java.util.Arrays;

/**
 * Watches a generation's output for the trigger of a lazy grammar ({@link Grammar.Trigger}),
 * token by token, and says where the grammar starts to hold. The trigger may arrive as one
 * control token whose text it is, or as text split across tokens, so the watch keeps the last
 * bytes that could still begin it.
 */
final class TriggerWatch {
    private static final byte[] NONE = new byte[0];

    private final Grammar.Trigger trigger;
    private final byte[] text;
    private final TokenTrie trie;
    /** At-start triggers: the output so far; others: its last bytes that could begin the trigger. */
    private byte[] seen = NONE;
    private boolean armed = true;

    TriggerWatch(Grammar.Trigger trigger, TokenTrie trie) {
        this.trigger = trigger;
        this.text = trigger.bytes();
        this.trie = trie;
    }

    /** A new generation: nothing seen yet. */
    void reset() {
        seen = NONE;
        armed = true;
    }

    /** A string of the grammar is complete: watch for the next trigger (an at-start trigger fires once). */
    void rearm() {
        seen = NONE;
        armed = !trigger.atStart();
    }

    /**
     * Takes the next output token. Returns null while the grammar does not hold yet; when this
     * token completes the trigger, the bytes the grammar must accept at once: those after the
     * trigger in this token, or, for an at-start trigger, the trigger and all after it.
     */
    byte[] feed(int token) {
        if (!armed) {
            return null;
        }
        String control = trie.controlText(token);
        if (control != null) {
            if (!control.equals(trigger.text())) {
                return null; // a control token is not output text: it neither begins nor breaks the trigger
            }
            boolean fires = !trigger.atStart() || whitespaceOnly(seen);
            armed = fires && !trigger.atStart();
            seen = NONE;
            return fires ? (trigger.atStart() ? text.clone() : NONE) : null;
        }
        byte[] b = token >= 0 && token < trie.vocabularySize ? trie.bytes[token] : null;
        if (b == null) {
            return null;
        }
        byte[] window = Arrays.copyOf(seen, seen.length + b.length);
        System.arraycopy(b, 0, window, seen.length, b.length);
        return trigger.atStart() ? feedAtStart(window) : feedAnywhere(window);
    }

    private byte[] feedAtStart(byte[] window) {
        int start = 0;
        while (start < window.length && isWhitespace(window[start])) {
            start++;
        }
        int compared = Math.min(window.length - start, text.length);
        if (!Arrays.equals(window, start, start + compared, text, 0, compared)) {
            armed = false; // the output begins otherwise: the grammar never holds
            return null;
        }
        if (compared < text.length) {
            seen = window;
            return null;
        }
        armed = false;
        return Arrays.copyOfRange(window, start, window.length);
    }

    private byte[] feedAnywhere(byte[] window) {
        int at = indexOf(window, text);
        if (at >= 0) {
            seen = NONE;
            return Arrays.copyOfRange(window, at + text.length, window.length);
        }
        seen = Arrays.copyOfRange(window, Math.max(0, window.length - (text.length - 1)), window.length);
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean whitespaceOnly(byte[] bytes) {
        for (byte b : bytes) {
            if (!isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
