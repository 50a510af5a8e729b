package dev.cove.core.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Cuts special tokens out of the input before tokenization, as llama.cpp's
 * {@code tokenizer_st_partition}: control, user-defined and unknown tokens are searched for in
 * the text, longest first, and every occurrence becomes a token of its own.
 *
 * <p>Control and unknown tokens ({@code <s>}, {@code <|im_end|>}, ...) are cut out only when the
 * caller asks for special-token parsing. User-defined tokens are always cut out, as in
 * llama.cpp and Hugging Face tokenizers. A token marked LSTRIP/RSTRIP swallows the ASCII
 * whitespace before/after it.
 */
final class SpecialTokenSplitter {
    private SpecialTokenSplitter() {
    }

    /** A piece of the input: the text {@code [start, end)} when {@code token} is -1, else that token. */
    record Fragment(int token, int start, int end) {
        boolean isText() {
            return token < 0;
        }

        static Fragment text(int start, int end) {
            return new Fragment(-1, start, end);
        }
    }

    static List<Fragment> split(String text, Vocabulary vocab, boolean parseSpecial) {
        return split(text, vocab, parseSpecial, null);
    }

    /**
     * As {@link #split(String, Vocabulary, boolean)}, except that control and unknown tokens are
     * not cut out where their text overlaps a position set in {@code literal} (null: nowhere):
     * there the text is tokenized as with special-token parsing off.
     */
    static List<Fragment> split(String text, Vocabulary vocab, boolean parseSpecial, BitSet literal) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(0, text.length()));
        for (int id : vocab.specialTokens()) {
            int attr = vocab.attrs(id);
            boolean control = (attr & (Vocabulary.ATTR_CONTROL | Vocabulary.ATTR_UNKNOWN)) != 0;
            if (!parseSpecial && control) {
                continue;
            }
            BitSet protectedChars = control ? literal : null;
            String special = vocab.tokenText(id);
            if (!text.contains(special)) {
                continue;
            }
            List<Fragment> out = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (!f.isText()) {
                    out.add(f);
                    continue;
                }
                int base = f.start();
                int length = f.end() - f.start();
                int from = base;
                while (length > 0) {
                    int match = text.indexOf(special, from, base + length);
                    if (match < 0) {
                        break;
                    }
                    if (protectedChars != null) {
                        int firstProtected = protectedChars.nextSetBit(match);
                        if (firstProtected >= 0 && firstProtected < match + special.length()) {
                            from = match + 1; // literal text: look for the next occurrence
                            continue;
                        }
                    }
                    if (match > base) {
                        int leftLength = match - base;
                        if ((attr & Vocabulary.ATTR_LSTRIP) != 0) {
                            while (leftLength > 0 && isSpace(text.charAt(base + leftLength - 1))) {
                                leftLength--;
                            }
                        }
                        if (leftLength > 0) {
                            out.add(Fragment.text(base, base + leftLength));
                        }
                    }
                    out.add(new Fragment(id, match, match + special.length()));
                    int rightOffset = match + special.length();
                    int rightLength = base + length - rightOffset;
                    if ((attr & Vocabulary.ATTR_RSTRIP) != 0) {
                        while (rightLength > 0 && isSpace(text.charAt(rightOffset))) {
                            rightOffset++;
                            rightLength--;
                        }
                    }
                    base = rightOffset;
                    length = rightLength;
                    from = base;
                }
                if (length > 0) {
                    out.add(Fragment.text(base, base + length));
                }
            }
            fragments = out;
        }
        return fragments;
    }

    /** C's {@code isspace} in the "C" locale. */
    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
