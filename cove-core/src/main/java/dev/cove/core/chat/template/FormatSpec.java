package dev.cove.core.chat.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's format-spec mini-language ({@code [[fill]align][sign][#][0][width][,|_][.precision][type]})
 * applied to one value, shared by {@code str.format} and the printf-style {@code %} operator:
 * integers in bases 2, 8, 10 and 16 and as characters, floats in fixed, exponent, general and
 * percent forms rounded as Python rounds (the double's exact value, ties to even), strings
 * truncated and padded.
 *
 * @param fill the padding character
 * @param align {@code <}, {@code >}, {@code ^}, {@code =}, or 0 for the type's default
 * @param sign {@code +}, {@code -}, space, or 0
 * @param alternate {@code #}: base prefixes, a decimal point always
 * @param width minimum width in code points (0: none)
 * @param grouping {@code ,} or {@code _} between thousands, or 0
 * @param precision digits after the point (significant digits for g), -1 when absent
 * @param type the presentation type, or 0
 */
record FormatSpec(char fill, char align, char sign, boolean alternate, int width, char grouping, int precision,
                  char type) {

    /** Parses a format spec for {@code value} as str.format reads it (after nested fields are substituted). */
    static FormatSpec parse(String spec, Object value, Evaluator ev) {
        int i = 0;
        char fill = ' ';
        char align = 0;
        if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if (!spec.isEmpty() && "<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        char sign = 0;
        if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) {
            sign = spec.charAt(i++);
        }
        boolean alternate = false;
        if (i < spec.length() && spec.charAt(i) == '#') {
            alternate = true;
            i++;
        }
        if (i < spec.length() && spec.charAt(i) == '0') {
            if (align == 0) {
                fill = '0';
                align = '=';
            }
            i++;
        }
        int w = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
            i++;
        }
        int width = i > w ? StrFormat.boundedNumber(spec.substring(w, i), ev) : 0;
        char grouping = 0;
        if (i < spec.length() && (spec.charAt(i) == ',' || spec.charAt(i) == '_')) {
            grouping = spec.charAt(i++);
        }
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            int p = ++i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
                i++;
            }
            if (i == p) {
                throw TemplateException.value("Format specifier missing precision");
            }
            precision = StrFormat.boundedNumber(spec.substring(p, i), ev);
        }
        char type = 0;
        if (i < spec.length()) {
            type = spec.charAt(i++);
        }
        if (i < spec.length()) {
            throw TemplateException.value("Invalid format specifier '" + spec + "' for object of type '"
                    + Py.typeName(value) + "'");
        }
        return new FormatSpec(fill, align, sign, alternate, width, grouping, precision, type);
    }

    /** {@code format(value, spec)}. */
    PyStr apply(Object value) {
        if (value instanceof PyStr s) {
            return formatStr(s);
        }
        if (value instanceof Boolean b && type == 0 && isEmpty()) {
            return Py.str(b);
        }
        if (Py.isInt(value)) {
            if (type == 0 || "bcdoxXn".indexOf(type) >= 0) {
                return formatInt(Py.toLong(value));
            }
            if ("eEfFgG%".indexOf(type) >= 0) {
                return formatFloat((double) Py.toLong(value));
            }
            throw unknown(value);
        }
        if (value instanceof Double d) {
            if (type == 0 || "eEfFgGn%".indexOf(type) >= 0) {
                return formatFloat(d);
            }
            throw unknown(value);
        }
        if (isEmpty()) {
            return Py.str(value);
        }
        if (value instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateException.type("unsupported format string passed to " + Py.typeName(value) + ".__format__");
    }

    private boolean isEmpty() {
        return align == 0 && sign == 0 && !alternate && width == 0 && grouping == 0 && precision < 0 && type == 0;
    }

    private TemplateException unknown(Object value) {
        return TemplateException.value("Unknown format code '" + type + "' for object of type '" + Py.typeName(value)
                + "'");
    }

    private PyStr formatStr(PyStr s) {
        if (type != 0 && type != 's') {
            throw unknown(s);
        }
        if (sign != 0) {
            throw TemplateException.value("Sign not allowed in string format specifier");
        }
        if (align == '=') {
            throw TemplateException.value("'=' alignment not allowed in string format specifier");
        }
        PyStr text = s;
        if (precision >= 0 && precision < Values.length(s)) {
            int end = s.text().offsetByCodePoints(0, precision);
            text = s.substring(0, end);
        }
        return pad(text, "", '<');
    }

    private PyStr formatInt(long v) {
        if (precision >= 0) {
            throw TemplateException.value("Precision not allowed in integer format specifier");
        }
        if (type == 'c') {
            if (v < 0 || v > 0x10FFFF) {
                throw TemplateException.of("OverflowError", "%c arg not in range(0x110000)");
            }
            return pad(PyStr.of(new String(Character.toChars((int) v))), "", '<');
        }
        java.math.BigInteger magnitude = java.math.BigInteger.valueOf(v).abs();
        String digits = switch (type) {
            case 'b' -> magnitude.toString(2);
            case 'o' -> magnitude.toString(8);
            case 'x' -> magnitude.toString(16);
            case 'X' -> magnitude.toString(16).toUpperCase(java.util.Locale.ROOT);
            default -> magnitude.toString();
        };
        String prefix = !alternate ? "" : switch (type) {
            case 'b' -> "0b";
            case 'o' -> "0o";
            case 'x' -> "0x";
            case 'X' -> "0X";
            default -> "";
        };
        int groupSize = type == 'b' || type == 'o' || type == 'x' || type == 'X' ? 4 : 3;
        return number(signOf(v < 0) + prefix, digits, "", groupSize);
    }

    private PyStr formatFloat(double d) {
        boolean negative = d < 0 || d == 0 && 1 / d < 0;
        double a = Math.abs(d);
        String body;
        String suffix = "";
        if (Double.isNaN(a) || Double.isInfinite(a)) {
            body = Double.isNaN(a) ? "nan" : "inf";
            if (Character.isUpperCase(type)) {
                body = body.toUpperCase(java.util.Locale.ROOT);
            }
            negative = d < 0;
            return pad(PyStr.of(signOf(negative) + body), "", '>');
        }
        int p = precision < 0 ? 6 : precision;
        switch (type) {
            case 'f', 'F' -> body = fixed(a, p);
            case 'e', 'E' -> body = exponent(a, p, type);
            case '%' -> {
                body = fixed(a * 100, p);
                suffix = "%";
            }
            case 'g', 'G', 'n' -> body = general(a, precision < 0 ? 6 : Math.max(1, precision), type == 'G' ? 'E' : 'e',
                    alternate, false);
            default -> body = precision < 0 ? Py.floatRepr(a) : general(a, Math.max(1, precision), 'e', alternate, true);
        }
        if (alternate && body.indexOf('.') < 0 && !body.contains("e") && !body.contains("E")) {
            body = body + ".";
        } else if (alternate && body.indexOf('.') < 0) {
            int e = Math.max(body.indexOf('e'), body.indexOf('E'));
            body = body.substring(0, e) + "." + body.substring(e);
        }
        int end = body.length();
        for (int k = 0; k < body.length(); k++) {
            char c = body.charAt(k);
            if (c == '.' || c == 'e' || c == 'E') {
                end = k;
                break;
            }
        }
        return number(signOf(negative), body.substring(0, end), body.substring(end) + suffix, 3);
    }

    String signOf(boolean negative) {
        return negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
    }

    /** Fixed-point with Python's rounding: the double's exact value, ties to even. */
    static String fixed(double a, int decimals) {
        return new BigDecimal(a).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** d.ddde+XX with {@code decimals} digits after the point. */
    static String exponent(double a, int decimals, char e) {
        String digits;
        int exp;
        if (a == 0) {
            digits = "0".repeat(decimals + 1);
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(decimals + 1, RoundingMode.HALF_EVEN));
            digits = r.unscaledValue().toString();
            exp = digits.length() - 1 - r.scale();
            if (digits.length() < decimals + 1) {
                digits = digits + "0".repeat(decimals + 1 - digits.length());
            } else if (digits.length() > decimals + 1) {
                digits = digits.substring(0, decimals + 1);
            }
        }
        String mantissa = decimals == 0 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String ex = Integer.toString(Math.abs(exp));
        return mantissa + e + (exp < 0 ? "-" : "+") + (ex.length() < 2 ? "0" + ex : ex);
    }

    /**
     * The g form with {@code p} significant digits: fixed while the exponent is at least -4 and
     * below {@code p} (below {@code p - 1} for the no-type form, which keeps a ".0"), trailing
     * zeros removed unless {@code keepZeros}.
     */
    private static String general(double a, int p, char e, boolean keepZeros, boolean addDotZero) {
        int exp;
        if (a == 0) {
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(p, RoundingMode.HALF_EVEN));
            exp = r.precision() - 1 - r.scale();
        }
        String body;
        if (exp >= -4 && exp < (addDotZero ? p - 1 : p)) {
            body = fixed(a, Math.max(0, p - 1 - exp));
            if (!keepZeros && body.indexOf('.') >= 0) {
                body = body.replaceFirst("0+$", "");
                body = body.endsWith(".") ? body.substring(0, body.length() - 1) : body;
            }
            if (addDotZero && body.indexOf('.') < 0) {
                body = body + ".0";
            }
        } else {
            body = exponent(a, p - 1, e);
            if (!keepZeros) {
                int at = body.indexOf(e);
                String mantissa = body.substring(0, at);
                if (mantissa.indexOf('.') >= 0) {
                    mantissa = mantissa.replaceFirst("0+$", "");
                    mantissa = mantissa.endsWith(".") ? mantissa.substring(0, mantissa.length() - 1) : mantissa;
                }
                body = mantissa + body.substring(at);
            }
        }
        return body;
    }

    /** Sign and prefix, grouped integer digits, the rest (fraction, exponent, %), padded as a number. */
    PyStr number(String signAndPrefix, String intDigits, String rest, int groupSize) {
        String digits = intDigits;
        if (fill == '0' && align == '=' && grouping != 0) {
            // Python pads with zeros before grouping, so the padding zeros are grouped too.
            int target = width - signAndPrefix.length() - rest.length();
            while (group(digits, groupSize).length() < target) {
                digits = "0" + digits;
            }
        }
        if (grouping != 0) {
            digits = group(digits, groupSize);
        }
        return pad(PyStr.of(digits + rest), signAndPrefix, '>');
    }

    private String group(String digits, int size) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < digits.length(); k++) {
            if (k > 0 && (digits.length() - k) % size == 0) {
                sb.append(grouping);
            }
            sb.append(digits.charAt(k));
        }
        return sb.toString();
    }

    /** Pads {@code prefix + text} to the width; {@code =} puts the padding between them. */
    private PyStr pad(PyStr text, String prefix, char defaultAlign) {
        long len = Values.length(text) + prefix.length();
        char how = align == 0 ? defaultAlign : align;
        if (width <= len) {
            return PyStr.of(prefix).concat(text);
        }
        int total = (int) (width - len);
        String f = String.valueOf(fill);
        TextBuilder out = new TextBuilder();
        switch (how) {
            case '<' -> out.append(prefix).append(text).append(f.repeat(total));
            case '^' -> out.append(f.repeat(total / 2)).append(prefix).append(text).append(f.repeat(total - total / 2));
            case '=' -> out.append(prefix).append(f.repeat(total)).append(text);
            default -> out.append(f.repeat(total)).append(prefix).append(text);
        }
        return out.toPyStr();
    }
}
