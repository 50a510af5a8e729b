package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Python str operations that keep each character's provenance. */
final class Strings {
    private Strings() {
    }

    static PyStr strip(PyStr s, PyStr chars, boolean left, boolean right) {
        String t = s.text();
        int from = 0;
        int to = t.length();
        if (left) {
            while (from < to && stripped(t.charAt(from), chars)) {
                from++;
            }
        }
        if (right) {
            while (to > from && stripped(t.charAt(to - 1), chars)) {
                to--;
            }
        }
        return s.substring(from, to);
    }

    private static boolean stripped(char c, PyStr chars) {
        return chars == null ? Py.isSpace(c) : chars.text().indexOf(c) >= 0;
    }

    static List<Object> split(PyStr s, PyStr sep, long maxsplit, boolean fromRight, Evaluator ev) {
        String t = s.text();
        List<int[]> spans = new ArrayList<>();
        if (sep == null) {
            if (fromRight) {
                int end = t.length();
                while (true) {
                    while (end > 0 && Py.isSpace(t.charAt(end - 1))) {
                        end--;
                    }
                    if (end == 0) {
                        break;
                    }
                    if (maxsplit >= 0 && spans.size() == maxsplit) {
                        spans.add(new int[] {0, end});
                        break;
                    }
                    int start = end;
                    while (start > 0 && !Py.isSpace(t.charAt(start - 1))) {
                        start--;
                    }
                    spans.add(new int[] {start, end});
                    end = start;
                }
                java.util.Collections.reverse(spans);
                if (maxsplit >= 0 && !spans.isEmpty() && spans.getFirst()[0] == 0) {
                    int[] first = spans.getFirst();
                    first[1] = rstripEnd(t, first[1]);
                }
            } else {
                int i = 0;
                while (true) {
                    while (i < t.length() && Py.isSpace(t.charAt(i))) {
                        i++;
                    }
                    if (i >= t.length()) {
                        break;
                    }
                    if (maxsplit >= 0 && spans.size() == maxsplit) {
                        spans.add(new int[] {i, rstripEnd(t, t.length())});
                        break;
                    }
                    int j = i;
                    while (j < t.length() && !Py.isSpace(t.charAt(j))) {
                        j++;
                    }
                    spans.add(new int[] {i, j});
                    i = j;
                }
            }
        } else {
            String p = sep.text();
            if (fromRight) {
                int end = t.length();
                while (maxsplit < 0 || spans.size() < maxsplit) {
                    int at = t.lastIndexOf(p, end - p.length());
                    if (at < 0 || end - p.length() < 0) {
                        break;
                    }
                    spans.add(new int[] {at + p.length(), end});
                    end = at;
                }
                spans.add(new int[] {0, end});
                java.util.Collections.reverse(spans);
            } else {
                int start = 0;
                while (maxsplit < 0 || spans.size() < maxsplit) {
                    int at = t.indexOf(p, start);
                    if (at < 0) {
                        break;
                    }
                    spans.add(new int[] {start, at});
                    start = at + p.length();
                }
                spans.add(new int[] {start, t.length()});
            }
        }
        ev.spend(spans.size());
        List<Object> out = new ArrayList<>(spans.size());
        for (int[] span : spans) {
            out.add(s.substring(span[0], span[1]));
        }
        return out;
    }

    private static int rstripEnd(String t, int end) {
        while (end > 0 && Py.isSpace(t.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    static List<Object> splitlines(PyStr s, boolean keepEnds) {
        String t = s.text();
        List<Object> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            int brk = 0;
            if (c == '\r' && i + 1 < t.length() && t.charAt(i + 1) == '\n') {
                brk = 2;
            } else if (c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c' || c == '\u001d'
                    || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                brk = 1;
            }
            if (brk > 0) {
                out.add(s.substring(start, keepEnds ? i + brk : i));
                i += brk;
                start = i;
            } else {
                i++;
            }
        }
        if (start < t.length()) {
            out.add(s.substring(start, t.length()));
        }
        return out;
    }

    static PyStr replace(PyStr s, PyStr old, PyStr replacement, long count, Evaluator ev) {
        String t = s.text();
        String o = old.text();
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        if (o.isEmpty()) {
            long done = 0;
            int i = 0;
            while (i <= t.length()) {
                if (count < 0 || done < count) {
                    out.append(replacement);
                    done++;
                }
                if (i == t.length()) {
                    break;
                }
                int n = Character.charCount(t.codePointAt(i));
                out.append(s.substring(i, i + n));
                i += n;
            }
            return out.toPyStr();
        }
        int start = 0;
        long done = 0;
        while (count < 0 || done < count) {
            int at = t.indexOf(o, start);
            if (at < 0) {
                break;
            }
            ev.spend(1);
            out.append(s.substring(start, at)).append(replacement);
            start = at + o.length();
            done++;
        }
        out.append(s.substring(start, t.length()));
        return out.toPyStr();
    }

    static PyStr upper(PyStr s) {
        return mapCodePoints(s, true);
    }

    static PyStr lower(PyStr s) {
        return mapCodePoints(s, false);
    }

    /** Python's title(): a cased character after an uncased one is title-cased, others lowered. */
    static PyStr title(PyStr s) {
        TextBuilder out = new TextBuilder();
        String t = s.text();
        boolean prevCased = false;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            String piece = new String(Character.toChars(cp));
            String mapped = prevCased ? piece.toLowerCase(Locale.ROOT) : titleCase(cp);
            out.append(mapped, s.isContent(i));
            prevCased = isCased(cp);
            i += n;
        }
        return out.toPyStr();
    }

    static PyStr capitalize(PyStr s) {
        TextBuilder out = new TextBuilder();
        String t = s.text();
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            String piece = new String(Character.toChars(cp));
            out.append(i == 0 ? titleCase(cp) : piece.toLowerCase(Locale.ROOT), s.isContent(i));
            i += n;
        }
        return out.toPyStr();
    }

    private static String titleCase(int cp) {
        String upper = new String(Character.toChars(cp)).toUpperCase(Locale.ROOT);
        if (upper.codePointCount(0, upper.length()) == 1) {
            return new String(Character.toChars(Character.toTitleCase(cp)));
        }
        return upper.charAt(0) + upper.substring(1).toLowerCase(Locale.ROOT);
    }

    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    /** Upper- or lower-cases each code point, keeping its provenance. */
    private static PyStr mapCodePoints(PyStr s, boolean upper) {
        String t = s.text();
        TextBuilder out = new TextBuilder();
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            String piece = t.substring(i, i + n);
            String mapped;
            if (upper) {
                mapped = piece.toUpperCase(Locale.ROOT);
            } else if (cp == 'Σ' && isFinalSigma(t, i)) {
                mapped = "ς";
            } else {
                mapped = piece.toLowerCase(Locale.ROOT);
            }
            out.append(mapped, s.isContent(i));
            i += n;
        }
        return out.toPyStr();
    }

    /**
     * Unicode's Final_Sigma condition, as Python's lower() applies it: a cased letter before the
     * sigma and none after it, case-ignorable characters skipped on both sides.
     */
    private static boolean isFinalSigma(String t, int at) {
        int i = at;
        boolean casedBefore = false;
        while (i > 0) {
            int cp = t.codePointBefore(i);
            i -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                casedBefore = isCased(cp);
                break;
            }
        }
        if (!casedBefore) {
            return false;
        }
        for (int j = at + 1; j < t.length(); ) {
            int cp = t.codePointAt(j);
            j += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    private static boolean isCaseIgnorable(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || type == Character.MODIFIER_LETTER || type == Character.MODIFIER_SYMBOL
                || cp == '\'' || cp == '.' || cp == ':' || cp == '^' || cp == '`' || cp == 0xB7 || cp == 0x2019;
    }

    /** Python's casefold(), as upper- then lower-casing each code point (ß to ss, ς to σ, ﬁ to fi). */
    static PyStr casefold(PyStr s) {
        String t = s.text();
        TextBuilder out = new TextBuilder();
        for (int i = 0; i < t.length(); ) {
            int n = Character.charCount(t.codePointAt(i));
            out.append(t.substring(i, i + n).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), s.isContent(i));
            i += n;
        }
        return out.toPyStr();
    }

    static PyStr swapcase(PyStr s) {
        String t = s.text();
        TextBuilder out = new TextBuilder();
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            String piece = t.substring(i, i + n);
            String mapped = Character.isUpperCase(cp) || Character.isTitleCase(cp) ? piece.toLowerCase(Locale.ROOT)
                    : Character.isLowerCase(cp) ? piece.toUpperCase(Locale.ROOT) : piece;
            out.append(mapped, s.isContent(i));
            i += n;
        }
        return out.toPyStr();
    }

    /** Python's islower(): some cased character and no upper- or title-case one. */
    static boolean isLower(PyStr s) {
        boolean any = false;
        for (int cp : s.text().codePoints().toArray()) {
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                return false;
            }
            any |= Character.isLowerCase(cp);
        }
        return any;
    }

    /** Python's isupper(): some cased character and no lower- or title-case one. */
    static boolean isUpper(PyStr s) {
        boolean any = false;
        for (int cp : s.text().codePoints().toArray()) {
            if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
                return false;
            }
            any |= Character.isUpperCase(cp);
        }
        return any;
    }

    /** Python's istitle(): upper- and title-case only after uncased characters, lower-case only after cased. */
    static boolean isTitle(PyStr s) {
        boolean any = false;
        boolean prevCased = false;
        for (int cp : s.text().codePoints().toArray()) {
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                if (prevCased) {
                    return false;
                }
                prevCased = true;
                any = true;
            } else if (Character.isLowerCase(cp)) {
                if (!prevCased) {
                    return false;
                }
                prevCased = true;
                any = true;
            } else {
                prevCased = false;
            }
        }
        return any;
    }

    /** Python's isdecimal() for one code point: a decimal digit of any script. */
    static boolean isDecimal(int cp) {
        return Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
    }

    /** Python's isdigit(): decimals and the other single digits (superscripts, circled digits). */
    static boolean isDigit(int cp) {
        if (isDecimal(cp)) {
            return true;
        }
        int v = Character.getNumericValue(cp);
        return Character.getType(cp) == Character.OTHER_NUMBER && v >= 0 && v <= 9;
    }

    /** Python's isnumeric(): any character of a number category (fractions, Roman numerals, ...). */
    static boolean isNumeric(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** Python's expandtabs(): each tab to the next multiple of {@code tabsize} columns, counted from each line start. */
    static PyStr expandTabs(PyStr s, long tabsize, Evaluator ev) {
        String t = s.text();
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        long column = 0;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp == '\t') {
                if (tabsize > 0) {
                    long spaces = tabsize - column % tabsize;
                    ev.checkLength(out.length() + spaces);
                    out.append(" ".repeat((int) spaces), s.isContent(i));
                    column += spaces;
                }
            } else {
                out.append(s.substring(i, i + n));
                column = cp == '\n' || cp == '\r' ? 0 : column + 1;
            }
            i += n;
        }
        return out.toPyStr();
    }

    /** The code-point index of a UTF-16 index (-1 stays -1). */
    static int cpIndex(PyStr s, int charIndex) {
        return charIndex < 0 ? -1 : s.text().codePointCount(0, charIndex);
    }

    static long count(PyStr s, PyStr sub) {
        String t = s.text();
        String p = sub.text();
        if (p.isEmpty()) {
            return t.codePointCount(0, t.length()) + 1;
        }
        long n = 0;
        for (int at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + p.length())) {
            n++;
        }
        return n;
    }

    static PyStr pad(PyStr s, String how, List<Object> args, Evaluator ev) {
        if (args.isEmpty()) {
            throw TemplateException.type(how + "() takes at least 1 argument (0 given)");
        }
        long width = Args.integer("width", args.getFirst());
        ev.checkLength(width);
        String fill = args.size() > 1 ? Args.str(how + "() argument 2", args.get(1)).text() : how.equals("zfill") ? "0" : " ";
        long len = Values.length(s);
        if (width <= len) {
            return s;
        }
        int total = (int) (width - len);
        TextBuilder out = new TextBuilder();
        switch (how) {
            case "ljust" -> out.append(s).append(fill.repeat(total));
            case "rjust" -> out.append(fill.repeat(total)).append(s);
            case "center" -> {
                int left = total / 2 + (total & (int) width & 1);
                out.append(fill.repeat(left)).append(s).append(fill.repeat(total - left));
            }
            default -> {
                String t = s.text();
                if (!t.isEmpty() && (t.charAt(0) == '-' || t.charAt(0) == '+')) {
                    out.append(s.substring(0, 1)).append("0".repeat(total)).append(s.substring(1, s.length()));
                } else {
                    out.append("0".repeat(total)).append(s);
                }
            }
        }
        return out.toPyStr();
    }

    /**
     * Python's {@code int(text, base)}: surrounding whitespace, a sign, the 0x / 0o / 0b prefix of
     * the base (any of them for base 0, where other leading zeros are refused) and single
     * underscores between digits; null where Python raises ValueError (or the value needs more
     * than 64 bits).
     */
    static Long parseInt(String text, long base) {
        if (base != 0 && (base < 2 || base > 36)) {
            return null;
        }
        String t = Py.strip(text);
        boolean negative = false;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            negative = t.charAt(0) == '-';
            t = t.substring(1);
        }
        int radix = (int) base;
        boolean prefixed = false;
        if (t.length() > 1 && t.charAt(0) == '0') {
            int p = switch (Character.toLowerCase(t.charAt(1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                case 'b' -> 2;
                default -> 0;
            };
            if (p != 0 && (base == 0 || base == p)) {
                radix = p;
                prefixed = true;
                t = t.substring(2);
            }
        }
        if (radix == 0) {
            radix = 10;
            if (t.length() > 1 && t.charAt(0) == '0' && !t.replace("_", "").matches("0+")) {
                return null;
            }
        }
        if (t.isEmpty() || t.endsWith("_") || t.contains("__") || t.startsWith("_") && !prefixed) {
            return null;
        }
        String digits = t.replace("_", "");
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                return null;
            }
        }
        try {
            java.math.BigInteger n = new java.math.BigInteger(digits, radix);
            return (negative ? n.negate() : n).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
