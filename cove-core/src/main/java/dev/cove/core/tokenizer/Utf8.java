package dev.cove.core.tokenizer;

/**
 * UTF-8 decoding that can stop before an incomplete trailing sequence. Invalid input becomes
 * U+FFFD, one per maximal ill-formed subpart (the Unicode-recommended practice; {@code new
 * String(bytes, UTF_8)} does the same except for encoded surrogates, which it replaces by one).
 */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Decodes {@code bytes[0, length)} into {@code out}. When {@code endOfInput} is false, a
     * trailing sequence that may still be completed by more bytes is left undecoded.
     *
     * @return the number of bytes consumed
     */
    static int decode(byte[] bytes, int length, boolean endOfInput, StringBuilder out) {
        int i = 0;
        while (i < length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                // a stray continuation byte, C0, C1 or F5..FF can never start a character
                out.append('\uFFFD');
                i++;
                continue;
            }
            int cp = b0 & (0x3F >> need);
            int j = 1;
            boolean bad = false;
            for (; j <= need; j++) {
                if (i + j >= length) {
                    break;
                }
                int b = bytes[i + j] & 0xFF;
                if (b < lo || b > hi) {
                    bad = true;
                    break;
                }
                lo = 0x80;
                hi = 0xBF;
                cp = (cp << 6) | (b & 0x3F);
            }
            if (bad) {
                out.append('\uFFFD');
                i += j;
                continue;
            }
            if (j <= need) {
                // ran out of input in the middle of a valid prefix
                if (!endOfInput) {
                    return i;
                }
                out.append('\uFFFD');
                i += j;
                continue;
            }
            out.appendCodePoint(cp);
            i += need + 1;
        }
        return i;
    }

    static String decode(byte[] bytes, int length) {
        StringBuilder sb = new StringBuilder(length);
        decode(bytes, length, true, sb);
        return sb.toString();
    }

    /** The string with each unpaired surrogate replaced by U+FFFD, so that it has a UTF-8 form. */
    static String wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                return replaceLoneSurrogates(s);
            }
        }
        return s;
    }

    private static String replaceLoneSurrogates(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
