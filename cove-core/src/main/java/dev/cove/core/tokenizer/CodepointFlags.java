package dev.cove.core.tokenizer;

/**
 * Unicode category flags of a code point, with the same bits and meaning as llama.cpp's
 * {@code unicode_cpt_flags}: one general category bit ({@code \p{N}}, {@code \p{L}}, ...) plus a
 * whitespace bit for the 25 code points of the Unicode {@code White_Space} property.
 *
 * <p>llama.cpp ships a table generated from Python's Unicode data; here the categories come from
 * {@link Character#getType(int)}. The two agree on every code point assigned in both Unicode
 * versions; unassigned code points are {@link #UNDEFINED} in both.
 */
final class CodepointFlags {
    static final int UNDEFINED = 0x0001;
    static final int NUMBER = 0x0002;
    static final int LETTER = 0x0004;
    static final int SEPARATOR = 0x0008;
    static final int ACCENT_MARK = 0x0010;
    static final int PUNCTUATION = 0x0020;
    static final int SYMBOL = 0x0040;
    static final int CONTROL = 0x0080;
    static final int MASK_CATEGORIES = 0x00FF;
    static final int WHITESPACE = 0x0100;

    /** Past the end of a piece: llama.cpp's default-constructed flags, all bits clear. */
    static final int NONE = 0;

    private static final short[] BMP = new short[0x10000];

    static {
        for (int cp = 0; cp < 0x10000; cp++) {
            BMP[cp] = (short) compute(cp);
        }
    }

    private CodepointFlags() {
    }

    static int of(int cp) {
        if (cp >= 0 && cp < 0x10000) {
            return BMP[cp];
        }
        if (cp < 0 || cp >= 0x110000) {
            return UNDEFINED;
        }
        return compute(cp);
    }

    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    private static int compute(int cp) {
        int category = switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> ACCENT_MARK;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> SYMBOL;
            default -> UNDEFINED;
        };
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }
}
