package dev.cove.core.chat.template;

import java.util.BitSet;

/**
 * A template string value: its text and which of its characters came from content the caller
 * marked (message text). Equality, hashing and ordering look at the text only, so a content
 * string and a template literal with the same text are the same dictionary key. Immutable.
 */
final class PyStr implements Comparable<PyStr> {
    static final PyStr EMPTY = new PyStr("", null);

    private final String text;
    /** Content characters; null when there are none (the common case for template text). */
    private final BitSet content;
    /** markupsafe's Markup (from the safe and escape filters): what it is added to gets HTML-escaped. */
    private final boolean markup;

    private PyStr(String text, BitSet content) {
        this(text, content, false);
    }

    private PyStr(String text, BitSet content, boolean markup) {
        this.text = text;
        this.content = content == null || content.isEmpty() ? null : content;
        this.markup = markup;
    }

    boolean isMarkup() {
        return markup;
    }

    /** This text as Markup (same characters and provenance). */
    PyStr asMarkup() {
        return markup ? this : new PyStr(text, content, true);
    }

    static PyStr of(String text) {
        return text.isEmpty() ? EMPTY : new PyStr(text, null);
    }

    /** A string whose every character is content. */
    static PyStr content(String text) {
        if (text.isEmpty()) {
            return EMPTY;
        }
        BitSet bits = new BitSet(text.length());
        bits.set(0, text.length());
        return new PyStr(text, bits);
    }

    static PyStr of(String text, BitSet content) {
        return new PyStr(text, content == null ? null : (BitSet) content.clone());
    }

    String text() {
        return text;
    }

    int length() {
        return text.length();
    }

    boolean hasContent() {
        return content != null;
    }

    boolean isContent(int index) {
        return content != null && content.get(index);
    }

    /** Whether every character is content (an empty string counts as content-free). */
    boolean allContent() {
        return content != null && content.cardinality() == text.length();
    }

    PyStr substring(int from, int to) {
        if (from == 0 && to == text.length()) {
            return this;
        }
        return new PyStr(text.substring(from, to), content == null ? null : content.get(from, to), markup);
    }

    PyStr concat(PyStr other) {
        if (other.text.isEmpty()) {
            return this;
        }
        if (text.isEmpty()) {
            return other;
        }
        BitSet bits = null;
        if (content != null || other.content != null) {
            bits = new BitSet();
            if (content != null) {
                bits.or(content);
            }
            if (other.content != null) {
                for (int i = other.content.nextSetBit(0); i >= 0; i = other.content.nextSetBit(i + 1)) {
                    bits.set(text.length() + i);
                }
            }
        }
        return new PyStr(text + other.text, bits);
    }

    /** The characters at the given indices, in order (slices with a step). */
    PyStr pick(int[] indices) {
        StringBuilder sb = new StringBuilder(indices.length);
        BitSet bits = content == null ? null : new BitSet();
        for (int k = 0; k < indices.length; k++) {
            sb.append(text.charAt(indices[k]));
            if (bits != null && content.get(indices[k])) {
                bits.set(k);
            }
        }
        return new PyStr(sb.toString(), bits);
    }

    /** Copies the content flags into {@code target} at {@code offset}. */
    void copyContentTo(BitSet target, int offset) {
        if (content != null) {
            for (int i = content.nextSetBit(0); i >= 0; i = content.nextSetBit(i + 1)) {
                target.set(offset + i);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyStr s && s.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public int compareTo(PyStr o) {
        return Py.compareCodePoints(text, o.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
