package dev.cove.core.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte-to-unicode map: each byte becomes one printable code point (the
 * printable Latin-1 bytes map to themselves, the others to U+0100 upwards), so that a
 * byte-level BPE vocabulary can be stored as text. Same table as llama.cpp's
 * {@code unicode_byte_to_utf8_map}.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        boolean[] direct = new boolean[256];
        for (int b = 0x21; b <= 0x7E; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            char c = direct[b] ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a code point stands for, or -1 when it is not one of the 256 mapped code points. */
    static int decode(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }

    /** The UTF-8 bytes of {@code word}, each replaced by its mapped code point. */
    static String encodeUtf8(String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }
}
