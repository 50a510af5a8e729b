package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/**
 * Python's {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, attribute and index
 * lookups ({@code {0.x}}, {@code {0[k]}}), conversions ({@code !r}, {@code !s}, {@code !a}) and
 * format specs ({@link FormatSpec}), nested fields in specs included ({@code {:>{w}}}).
 */
final class StrFormat {
    private StrFormat() {
    }

    static PyStr format(PyStr fmt, List<Object> args, Map<String, Object> kwargs, Evaluator ev) {
        return format(fmt, args, kwargs, ev, new int[] {0}, 0);
    }

    /** {@code auto} counts the automatically numbered fields, shared with the nested fields of specs. */
    private static PyStr format(PyStr fmt, List<Object> args, Map<String, Object> kwargs, Evaluator ev, int[] auto,
                                int depth) {
        if (depth > 1) {
            throw TemplateException.value("Max string recursion exceeded");
        }
        String t = fmt.text();
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{') {
                if (i + 1 < t.length() && t.charAt(i + 1) == '{') {
                    out.append('{', fmt.isContent(i));
                    i++;
                    continue;
                }
                int close = matchingBrace(t, i);
                String field = t.substring(i + 1, close);
                String spec = "";
                String conversion = null;
                int colon = fieldEnd(field, ':');
                if (colon >= 0) {
                    spec = field.substring(colon + 1);
                    field = field.substring(0, colon);
                }
                int bang = fieldEnd(field, '!');
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
                    value = positional(args, auto[0]++);
                } else if (head.chars().allMatch(Character::isDigit)) {
                    value = positional(args, Integer.parseInt(head));
                } else if (kwargs.containsKey(head)) {
                    value = kwargs.get(head);
                } else {
                    throw TemplateException.of("KeyError", Py.quoteRepr(head));
                }
                value = lookups(value, field.substring(end));
                if (conversion != null) {
                    value = switch (conversion) {
                        case "s" -> Py.str(value);
                        case "r" -> Py.repr(value);
                        case "a" -> PyStr.of(Py.ascii(Py.repr(value).text()));
                        default -> throw TemplateException.value("Unknown conversion specifier " + conversion);
                    };
                }
                if (spec.indexOf('{') >= 0) {
                    spec = format(PyStr.of(spec), args, kwargs, ev, auto, depth + 1).text();
                }
                out.append(spec.isEmpty() ? Py.str(value) : FormatSpec.parse(spec, value, ev).apply(value));
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

    /** The '}' closing the field opened at {@code open}, nested fields of the spec skipped. */
    private static int matchingBrace(String t, int open) {
        if (open == t.length() - 1) {
            throw TemplateException.value("Single '{' encountered in format string");
        }
        int depth = 0;
        for (int k = open; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c == '[' && depth == 1) {
                int close = t.indexOf(']', k);
                if (close >= 0) {
                    k = close;
                    continue;
                }
            }
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return k;
            }
        }
        throw TemplateException.value(depth > 1 ? "unmatched '{' in format spec" : "expected '}' before end of string");
    }

    /** Where {@code mark} ends the field name (outside an index in brackets), or -1. */
    private static int fieldEnd(String field, char mark) {
        boolean inBracket = false;
        for (int k = 0; k < field.length(); k++) {
            char c = field.charAt(k);
            if (c == '[') {
                inBracket = true;
            } else if (c == ']') {
                inBracket = false;
            } else if (c == mark && !inBracket) {
                return k;
            }
        }
        return -1;
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
}
