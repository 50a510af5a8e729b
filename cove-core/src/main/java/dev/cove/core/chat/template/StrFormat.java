package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/**
 * Python's {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, attribute and index
 * lookups ({@code {0.x}}, {@code {0[k]}}), conversions ({@code !r}, {@code !s}) and the common
 * format specs (fill, alignment, width, precision; types s, d, f).
 */
final class StrFormat {
    private StrFormat() {
    }

    static PyStr format(PyStr fmt, List<Object> args, Map<String, Object> kwargs, Evaluator ev) {
        String t = fmt.text();
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        int auto = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{') {
                if (i + 1 < t.length() && t.charAt(i + 1) == '{') {
                    out.append('{', fmt.isContent(i));
                    i++;
                    continue;
                }
                int close = t.indexOf('}', i);
                if (close < 0) {
                    throw TemplateException.value("Single '{' encountered in format string");
                }
                String field = t.substring(i + 1, close);
                String spec = "";
                String conversion = null;
                int colon = field.indexOf(':');
                if (colon >= 0) {
                    spec = field.substring(colon + 1);
                    field = field.substring(0, colon);
                }
                int bang = field.indexOf('!');
                if (bang >= 0) {
                    conversion = field.substring(bang + 1);
                    field = field.substring(0, bang);
                }
                int end = 0;
                while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') {
                    end++;
                }
                String head = field.substring(0, end);
                Object value;
                if (head.isEmpty()) {
                    value = positional(args, auto++);
                } else if (head.chars().allMatch(Character::isDigit)) {
                    value = positional(args, Integer.parseInt(head));
                } else if (kwargs.containsKey(head)) {
                    value = kwargs.get(head);
                } else {
                    throw TemplateException.of("KeyError", Py.quoteRepr(head));
                }
                value = lookups(value, field.substring(end));
                PyStr text = conversion == null || conversion.equals("s") ? null : Py.repr(value);
                out.append(applySpec(text != null ? text : value, spec, ev));
                i = close;
            } else if (c == '}') {
                if (i + 1 < t.length() && t.charAt(i + 1) == '}') {
                    out.append('}', fmt.isContent(i));
                    i++;
                    continue;
                }
                throw TemplateException.value("Single '}' encountered in format string");
            } else {
                out.append(c, fmt.isContent(i));
            }
        }
        return out.toPyStr();
    }

    /** A width or precision, refused when it would build a string longer than the limit. */
    static int boundedNumber(String digits, Evaluator ev) {
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        ev.checkLength(trimmed.length() > 18 ? Long.MAX_VALUE : Long.parseLong(trimmed));
        return Integer.parseInt(trimmed);
    }

    private static Object positional(List<Object> args, int index) {
        if (index >= args.size()) {
            throw TemplateException.of("IndexError", "Replacement index " + index + " out of range for positional "
                    + "args tuple");
        }
        return args.get(index);
    }

    private static Object lookups(Object value, String rest) {
        int i = 0;
        while (i < rest.length()) {
            if (rest.charAt(i) == '.') {
                int j = i + 1;
                while (j < rest.length() && rest.charAt(j) != '.' && rest.charAt(j) != '[') {
                    j++;
                }
                value = Values.getAttr(value, rest.substring(i + 1, j));
                i = j;
            } else {
                int close = rest.indexOf(']', i);
                if (close < 0) {
                    throw TemplateException.value("Missing ']' in format string");
                }
                String key = rest.substring(i + 1, close);
                value = Values.getItem(value, key.chars().allMatch(Character::isDigit) && !key.isEmpty()
                        ? (Object) Long.parseLong(key) : PyStr.of(key));
                i = close + 1;
            }
        }
        return value;
    }

    private static PyStr applySpec(Object value, String spec, Evaluator ev) {
        if (spec.isEmpty()) {
            return Py.str(value);
        }
        int i = 0;
        char fill = ' ';
        char align = 0;
        if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if ("<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        if (i < spec.length() && spec.charAt(i) == '0' && align == 0) {
            fill = '0';
            align = '=';
            i++;
        }
        int w = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
            i++;
        }
        int width = i > w ? boundedNumber(spec.substring(w, i), ev) : 0;
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            int p = ++i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
                i++;
            }
            precision = boundedNumber("0" + spec.substring(p, i), ev);
        }
        char type = i < spec.length() ? spec.charAt(i) : 0;
        PyStr text;
        if (type == 'f' || type == 'F' || (type == 0 && value instanceof Double && precision >= 0)) {
            if (!Py.isNumber(value)) {
                throw TemplateException.value("Unknown format code 'f' for object of type '" + Py.typeName(value) + "'");
            }
            text = PyStr.of(PercentFormat.fixed(Py.toDouble(value), precision < 0 ? 6 : precision));
        } else if (type == 'd') {
            if (!Py.isInt(value)) {
                throw TemplateException.value("Unknown format code 'd' for object of type '" + Py.typeName(value) + "'");
            }
            text = PyStr.of(Long.toString(Py.toLong(value)));
        } else {
            text = Py.str(value);
            if (precision >= 0 && value instanceof PyStr && precision < text.length()) {
                text = text.substring(0, precision);
            }
        }
        int len = text.text().codePointCount(0, text.length());
        if (width <= len) {
            return text;
        }
        if (align == 0) {
            align = value instanceof PyStr || !Py.isNumber(value) ? '<' : '>';
        }
        String pad = String.valueOf(fill);
        int total = width - len;
        TextBuilder out = new TextBuilder();
        switch (align) {
            case '<' -> out.append(text).append(pad.repeat(total));
            case '^' -> out.append(pad.repeat(total / 2)).append(text).append(pad.repeat(total - total / 2));
            default -> out.append(pad.repeat(total)).append(text);
        }
        return out.toPyStr();
    }
}
