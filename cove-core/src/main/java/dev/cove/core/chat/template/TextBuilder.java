package dev.cove.core.chat.template;

import java.util.BitSet;

/**
 * Builds text with provenance: each appended piece says whether it is content. Used for the
 * rendering itself and for strings built by filters and methods. Enforces a maximum length, so
 * a hostile template cannot exhaust memory through one ever-growing string.
 */
final class TextBuilder {
    private final StringBuilder text = new StringBuilder();
    private final BitSet content = new BitSet();
    private final long maxChars;

    TextBuilder(long maxChars) {
        this.maxChars = maxChars;
    }

    TextBuilder() {
        this(Long.MAX_VALUE);
    }

    TextBuilder append(PyStr s) {
        ensureRoom(s.length());
        s.copyContentTo(content, text.length());
        text.append(s.text());
        return this;
    }

    /** Appends template (non-content) text. */
    TextBuilder append(String s) {
        ensureRoom(s.length());
        text.append(s);
        return this;
    }

    TextBuilder append(char c, boolean isContent) {
        ensureRoom(1);
        if (isContent) {
            content.set(text.length());
        }
        text.append(c);
        return this;
    }

    TextBuilder append(String s, boolean isContent) {
        ensureRoom(s.length());
        if (isContent && !s.isEmpty()) {
            content.set(text.length(), text.length() + s.length());
        }
        text.append(s);
        return this;
    }

    int length() {
        return text.length();
    }

    private void ensureRoom(int more) {
        if ((long) text.length() + more > maxChars) {
            throw TemplateException.limit("the output would exceed " + maxChars + " characters");
        }
    }

    PyStr toPyStr() {
        return PyStr.of(text.toString(), content);
    }

    String text() {
        return text.toString();
    }

    BitSet contentBits() {
        return (BitSet) content.clone();
    }
}
