package dev.cove.core.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Unicode category flags of a code point, with the same bits and meaning as llama.cpp's
 * {@code unicode_cpt_flags}: one general category bit ({@code \p{N}}, {@code \p{L}}, ...) plus a
 * whitespace bit for the 25 code points of the Unicode {@code White_Space} property.
 *
 * <p>The categories are those of Unicode 15.1, read from {@code unicode-categories.txt} beside
 * this class (written by {@code tools/tokenizer/unicode-categories.mjs}), not the JDK's: llama.cpp
 * ships a Unicode 15.1 table, and a code point assigned later (JDK 25 has Unicode 16.0, whose
 * Garay digits and Kirat Rai letters are numbers and letters) is "undefined" there. Taking the
 * JDK's category would split such text into other words than llama.cpp does, and so give other
 * tokens: after "x", a space and the Garay digit U+10D40 would be two words where llama.cpp has
 * one, and Llama 3's merge of the space with the digit's first byte would be lost.
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

    private static final String TABLE = "unicode-categories.txt";

    /** Flags of the BMP, one per code point. */
    private static final short[] BMP = new short[0x10000];
    /** Runs above the BMP: the first code point of each run and the run's category flags. */
    private static final int[] RUN_STARTS;
    private static final short[] RUN_FLAGS;

    static {
        IntList starts = new IntList(2400);
        IntList categories = new IntList(2400);
        readTable(starts, categories);
        int runs = starts.size();
        int first = 0;
        for (int r = 0; r < runs; r++) {
            int end = r + 1 < runs ? starts.get(r + 1) : 0x110000;
            if (starts.get(r) < 0x10000) {
                for (int cp = starts.get(r); cp < Math.min(end, 0x10000); cp++) {
                    BMP[cp] = (short) withWhitespace(cp, categories.get(r));
                }
            }
            if (end <= 0x10000) {
                first = r + 1;
            }
        }
        RUN_STARTS = new int[runs - first];
        RUN_FLAGS = new short[runs - first];
        for (int r = first; r < runs; r++) {
            RUN_STARTS[r - first] = Math.max(starts.get(r), 0x10000);
            RUN_FLAGS[r - first] = (short) categories.get(r); // no whitespace above the BMP
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
        int run = Arrays.binarySearch(RUN_STARTS, cp);
        return RUN_FLAGS[run >= 0 ? run : -run - 2];
    }

    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    private static int withWhitespace(int cp, int category) {
        return isWhitespace(cp) ? category | WHITESPACE : category;
    }

    /** Reads the runs of the table: their first code points, ascending from 0, and their category flags. */
    private static void readTable(IntList starts, IntList categories) {
        try (InputStream in = CodepointFlags.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("the Unicode table " + TABLE + " is missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = line.indexOf(' ');
                int start = Integer.parseInt(line.substring(0, space), 16);
                if (starts.size() == 0 ? start != 0 : start <= starts.get(starts.size() - 1)) {
                    throw new IllegalStateException(TABLE + ": runs must start at 0 and ascend: " + line);
                }
                starts.add(start);
                categories.add(category(line.charAt(space + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Unicode table " + TABLE, e);
        }
    }

    private static int category(char c) {
        return switch (c) {
            case 'N' -> NUMBER;
            case 'L' -> LETTER;
            case 'M' -> ACCENT_MARK;
            case 'P' -> PUNCTUATION;
            case 'S' -> SYMBOL;
            case 'Z' -> SEPARATOR;
            case 'C' -> CONTROL;
            case 'U' -> UNDEFINED;
            default -> throw new IllegalStateException(TABLE + ": unknown class '" + c + "'");
        };
    }
}
