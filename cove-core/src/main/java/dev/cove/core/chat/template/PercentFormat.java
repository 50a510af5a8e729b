package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/**
 * Python's printf-style {@code 'fmt' % args}: {@code %(key)} lookups, the flags {@code - + space # 0},
 * width and precision ({@code *} taken from the arguments) and the conversions d i u o x X e E f F
 * g G c s r a and {@code %%}, formatted by {@link FormatSpec}.
 */
final class PercentFormat {
    private PercentFormat() {
    }

    static PyStr format(PyStr fmt, Object args, Evaluator ev) {
        List<?> values = args instanceof PyTuple t ? t : List.of(args == null ? Py.str(null) : args);
        boolean tupleArgs = args instanceof PyTuple;
        Map<?, ?> mapping = args instanceof Map<?, ?> m ? m : null;
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        String t = fmt.text();
        int[] next = {0};
        boolean usedMapping = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '%') {
                out.append(c, fmt.isContent(i));
                continue;
            }
            int j = i + 1;
            Object value = null;
            boolean haveValue = false;
            if (j < t.length() && t.charAt(j) == '(') {
                if (mapping == null) {
                    throw TemplateException.type("format requires a mapping");
                }
                int close = t.indexOf(')', j);
                if (close < 0) {
                    throw TemplateException.value("incomplete format key");
                }
                PyStr key = PyStr.of(t.substring(j + 1, close));
                if (!mapping.containsKey(key)) {
                    throw TemplateException.of("KeyError", Py.repr(key).text());
                }
                value = mapping.get(key);
                haveValue = true;
                usedMapping = true;
                j = close + 1;
            }
            char align = 0;
            char sign = 0;
            boolean alternate = false;
            boolean zero = false;
            for (; j < t.length() && "-+ #0".indexOf(t.charAt(j)) >= 0; j++) {
                switch (t.charAt(j)) {
                    case '-' -> align = '<';
                    case '+' -> sign = '+';
                    case ' ' -> sign = sign == '+' ? '+' : ' ';
                    case '#' -> alternate = true;
                    default -> zero = true;
                }
            }
            int width = 0;
            if (j < t.length() && t.charAt(j) == '*') {
                long w = Args.integer("* wants int", nextValue(values, next));
                ev.checkLength(Math.abs(w));
                if (w < 0) {
                    align = '<';
                }
                width = (int) Math.abs(w);
                j++;
            } else {
                int w = j;
                while (j < t.length() && Character.isDigit(t.charAt(j))) {
                    j++;
                }
                width = j > w ? StrFormat.boundedNumber(t.substring(w, j), ev) : 0;
            }
            int precision = -1;
            if (j < t.length() && t.charAt(j) == '.') {
                j++;
                if (j < t.length() && t.charAt(j) == '*') {
                    precision = (int) Math.max(0, Args.integer("* wants int", nextValue(values, next)));
                    ev.checkLength(precision);
                    j++;
                } else {
                    int p = j;
                    while (j < t.length() && Character.isDigit(t.charAt(j))) {
                        j++;
                    }
                    precision = j > p ? StrFormat.boundedNumber(t.substring(p, j), ev) : 0;
                }
            }
            while (j < t.length() && "hlL".indexOf(t.charAt(j)) >= 0) {
                j++;
            }
            if (j >= t.length()) {
                throw TemplateException.value("incomplete format");
            }
            char conv = t.charAt(j);
            i = j;
            if (conv == '%') {
                out.append("%");
                continue;
            }
            if (!haveValue) {
                value = nextValue(values, next);
            }
            out.append(convert(conv, value, align, sign, alternate, zero, width, precision, j));
        }
        if (tupleArgs && next[0] < values.size() || !tupleArgs && mapping == null && next[0] == 0 && !usedMapping) {
            throw TemplateException.type("not all arguments converted during string formatting");
        }
        return out.toPyStr();
    }

    private static Object nextValue(List<?> values, int[] next) {
        if (next[0] >= values.size()) {
            throw TemplateException.type("not enough arguments for format string");
        }
        return values.get(next[0]++);
    }

    private static PyStr convert(char conv, Object value, char align, char sign, boolean alternate, boolean zero,
                                 int width, int precision, int at) {
        // The 0 flag pads numbers with zeros after the sign; it is ignored with '-' and for text.
        char numAlign = align == 0 && zero ? '=' : align;
        char numFill = align == 0 && zero ? '0' : ' ';
        switch (conv) {
            case 's', 'r', 'a' -> {
                PyStr text = conv == 's' ? Py.str(value) : conv == 'r' ? Py.repr(value)
                        : PyStr.of(Py.ascii(Py.repr(value).text()));
                return new FormatSpec(' ', align == 0 ? '>' : align, (char) 0, false, width, (char) 0, precision, 's')
                        .apply(text);
            }
            case 'c' -> {
                PyStr ch;
                if (Py.isInt(value)) {
                    long cp = Py.toLong(value);
                    if (cp < 0 || cp > 0x10FFFF) {
                        throw TemplateException.of("OverflowError", "%c arg not in range(0x110000)");
                    }
                    ch = PyStr.of(new String(Character.toChars((int) cp)));
                } else if (value instanceof PyStr s && Values.length(s) == 1) {
                    ch = s;
                } else {
                    throw TemplateException.type("%c requires an int or a unicode character, not " + Py.typeName(value));
                }
                return new FormatSpec(' ', align == 0 ? '>' : align, (char) 0, false, width, (char) 0, -1, 's').apply(ch);
            }
            case 'd', 'i', 'u', 'o', 'x', 'X' -> {
                long n;
                if (Py.isInt(value)) {
                    n = Py.toLong(value);
                } else if (value instanceof Double d && (conv == 'd' || conv == 'i' || conv == 'u')) {
                    if (!Double.isFinite(d)) {
                        throw TemplateException.of("OverflowError", "cannot convert float " + Py.floatRepr(d)
                                + " to integer");
                    }
                    n = (long) (double) d;
                } else if (conv == 'd' || conv == 'i' || conv == 'u') {
                    throw TemplateException.type("%" + conv + " format: a real number is required, not "
                            + Py.typeName(value));
                } else {
                    throw TemplateException.type("%" + conv + " format: an integer is required, not " + Py.typeName(value));
                }
                int radix = conv == 'o' ? 8 : conv == 'x' || conv == 'X' ? 16 : 10;
                String digits = java.math.BigInteger.valueOf(n).abs().toString(radix);
                if (conv == 'X') {
                    digits = digits.toUpperCase(java.util.Locale.ROOT);
                }
                if (precision > digits.length()) {
                    digits = "0".repeat(precision - digits.length()) + digits;
                }
                String prefix = !alternate || radix == 10 ? "" : conv == 'o' ? "0o" : conv == 'x' ? "0x" : "0X";
                FormatSpec spec = new FormatSpec(numFill, numAlign, sign, false, width, (char) 0, -1, 'd');
                return spec.number(spec.signOf(n < 0) + prefix, digits, "", 3);
            }
            case 'e', 'E', 'f', 'F', 'g', 'G' -> {
                if (!Py.isNumber(value)) {
                    throw TemplateException.type("must be real number, not " + Py.typeName(value));
                }
                return new FormatSpec(numFill, numAlign, sign, alternate, width, (char) 0, precision < 0 ? 6 : precision,
                        conv).apply(Py.toDouble(value));
            }
            default -> throw TemplateException.value("unsupported format character '" + conv + "' (0x"
                    + Integer.toHexString(conv) + ") at index " + at);
        }
    }
}
