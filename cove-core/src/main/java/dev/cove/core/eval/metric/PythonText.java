package dev.cove.core.eval.metric;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.split()} and {@code str.rstrip()}: sacreBLEU splits and strips with them, and
 * Python's idea of white space (its {@code str.isspace}) is wider than Java's, so matching its
 * token counts needs the same set.
 */
final class PythonText {
    private PythonText() {
    }

    /** Whether Python's {@code str.isspace()} holds for this code point. */
    static boolean isSpace(int c) {
        return switch (c) {
            case 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f,
                 0x205f, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200a;
        };
    }

    /** {@code text.split()}: the runs of non-space text, no empty strings. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (isSpace(c)) {
                if (start >= 0) {
                    out.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(c);
        }
        if (start >= 0) {
            out.add(text.substring(start));
        }
        return out;
    }

    /** {@code text.rstrip()}. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int c = text.codePointBefore(end);
            if (!isSpace(c)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return text.substring(0, end);
    }

    /** {@code ' '.join(text.split())}: single spaces between words, none at the ends. */
    static String normalizeSpaces(String text) {
        return String.join(" ", split(text));
    }
}
