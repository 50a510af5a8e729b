package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/** Python's printf-style {@code 'fmt' % args} for the common conversions (s, r, d, i, f, %). */
final class PercentFormat {
    private PercentFormat() {
    }

    /** Fixed-point with Python's rounding: the double's exact value, ties to even. */
    static String fixed(double d, int precision) {
        if (!Double.isFinite(d)) {
            return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        return new java.math.BigDecimal(d).setScale(precision, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    static PyStr format(PyStr fmt, Object args, Evaluator ev) {
        List<?> values = args instanceof PyTuple t ? t : List.of(args == null ? Py.str(null) : args);
        boolean tupleArgs = args instanceof PyTuple;
        Map<?, ?> mapping = args instanceof Map<?, ?> m ? m : null;
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        String t = fmt.text();
        int next = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '%') {
                out.append(c, fmt.isContent(i));
                continue;
            }
            int j = i + 1;
            Object value = null;
            boolean haveValue = false;
            if (j < t.length() && t.charAt(j) == '(' && mapping != null) {
                int close = t.indexOf(')', j);
                if (close < 0) {
                    throw TemplateException.value("incomplete format key");
                }
                value = mapping.get(PyStr.of(t.substring(j + 1, close)));
                haveValue = true;
                j = close + 1;
            }
            int specStart = j;
            while (j < t.length() && "-+ #0123456789.".indexOf(t.charAt(j)) >= 0) {
                j++;
            }
            if (j >= t.length()) {
                throw TemplateException.value("incomplete format");
            }
            char conv = t.charAt(j);
            String spec = t.substring(specStart, j);
            if (conv == '%') {
                out.append("%");
                i = j;
                continue;
            }
            if (!haveValue) {
                if (next >= values.size()) {
                    throw TemplateException.type("not enough arguments for format string");
                }
                value = values.get(next++);
            }
            String piece = switch (conv) {
                case 's' -> null;
                case 'r' -> Py.repr(value).text();
                case 'd', 'i' -> {
                    if (!Py.isNumber(value)) {
                        throw TemplateException.type("%" + conv + " format: a real number is required, not "
                                + Py.typeName(value));
                    }
                    yield Long.toString(Py.isInt(value) ? Py.toLong(value) : (long) Py.toDouble(value));
                }
                case 'f', 'F' -> {
                    if (!Py.isNumber(value)) {
                        throw TemplateException.type("must be real number, not " + Py.typeName(value));
                    }
                    int dot = spec.indexOf('.');
                    int precision = dot >= 0 ? StrFormat.boundedNumber("0" + spec.substring(dot + 1), ev) : 6;
                    spec = dot >= 0 ? spec.substring(0, dot) : spec;
                    yield fixed(Py.toDouble(value), precision);
                }
                default -> throw TemplateException.value("unsupported format character '" + conv + "'");
            };
            PyStr text = piece == null ? Py.str(value) : PyStr.of(piece);
            String widthDigits = spec.replaceAll("[^0-9.]", "");
            int dotAt = widthDigits.indexOf('.');
            widthDigits = dotAt >= 0 ? widthDigits.substring(0, dotAt) : widthDigits;
            int width = widthDigits.isEmpty() ? 0 : StrFormat.boundedNumber(widthDigits, ev);
            String pad = " ".repeat(Math.max(0, width - text.length()));
            if (!spec.startsWith("-")) {
                out.append(pad);
            }
            out.append(text);
            if (spec.startsWith("-")) {
                out.append(pad);
            }
            i = j;
        }
        if (tupleArgs && next < values.size() || !tupleArgs && mapping == null && next == 0) {
            throw TemplateException.type("not all arguments converted during string formatting");
        }
        return out.toPyStr();
    }
}
