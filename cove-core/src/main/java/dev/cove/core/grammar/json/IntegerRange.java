package dev.cove.core.grammar.json;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for the JSON integers from {@code min} to {@code max} (either end may be open), without
 * leading zeros ({@code -0} only where the range also holds negative numbers, as in llama.cpp). An open end stops at 16 digits, as llama.cpp's integer rule does
 * ({@code [1-9] [0-9]{0,15}}). Built digit-length by digit-length: the numbers of one length
 * between x and y are x's first digit followed by x's tail up to 9...9, the digits between
 * followed by anything, and y's first digit followed by 0...0 up to y's tail.
 */
final class IntegerRange {
    static final long OPEN_LIMIT = 9_999_999_999_999_999L; // 16 digits

    private IntegerRange() {
    }

    static String gbnf(Long min, Long max) {
        List<String> alts = new ArrayList<>();
        long lo = min == null ? -OPEN_LIMIT : Math.max(min, -OPEN_LIMIT);
        long hi = max == null ? OPEN_LIMIT : Math.min(max, OPEN_LIMIT);
        if (lo > hi) {
            throw new dev.cove.core.grammar.GrammarException("minimum is above maximum: no integer fits");
        }
        if (lo < 0) {
            // "-0" where 0 is in range too, as llama.cpp's ranges allow (it is 0 in JSON)
            long from = hi < 0 ? -hi : 0;
            alts.add("\"-\" " + nonNegative(from, -lo));
        }
        if (hi >= 0) {
            alts.add(nonNegative(Math.max(0, lo), hi));
        }
        return "(" + String.join(" | ", alts) + ")";
    }

    /** Decimal strings of the integers a..b (0 <= a <= b). */
    private static String nonNegative(long a, long b) {
        List<String> alts = new ArrayList<>();
        int la = Long.toString(a).length();
        int lb = Long.toString(b).length();
        for (int len = la; len <= lb; len++) {
            long first = len == 1 ? 0 : pow10(len - 1);
            long last = pow10(len) - 1;
            long x = Math.max(a, first);
            long y = Math.min(b, last);
            if (x <= y) {
                alts.add(sameLength(Long.toString(x), Long.toString(y)));
            }
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    /** Digit strings of one length between x and y inclusive. */
    private static String sameLength(String x, String y) {
        int n = x.length();
        if (n == 0) {
            return "";
        }
        if (x.equals(y)) {
            return "\"" + x + "\"";
        }
        char x0 = x.charAt(0);
        char y0 = y.charAt(0);
        String xt = x.substring(1);
        String yt = y.substring(1);
        if (x0 == y0) {
            return join("[" + x0 + "]", sameLength(xt, yt));
        }
        List<String> alts = new ArrayList<>();
        char midLo = (char) (x0 + 1);
        char midHi = (char) (y0 - 1);
        if (xt.chars().allMatch(c -> c == '0')) {
            midLo = x0;
        } else {
            alts.add(join("[" + x0 + "]", sameLength(xt, "9".repeat(n - 1))));
        }
        boolean yAllNines = yt.chars().allMatch(c -> c == '9');
        if (yAllNines) {
            midHi = y0;
        }
        if (midLo <= midHi) {
            alts.add(join("[" + midLo + (midLo == midHi ? "" : "-" + midHi) + "]", n == 1 ? "" : n == 2 ? "[0-9]"
                    : "[0-9]{" + (n - 1) + "}"));
        }
        if (!yAllNines) {
            alts.add(join("[" + y0 + "]", sameLength("0".repeat(n - 1), yt)));
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + " " + b;
    }

    private static long pow10(int e) {
        long p = 1;
        for (int i = 0; i < e; i++) {
            p *= 10;
        }
        return p;
    }
}
