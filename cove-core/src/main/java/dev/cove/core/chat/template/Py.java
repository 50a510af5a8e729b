package dev.cove.core.chat.template;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Python semantics of template values: type names, truthiness, {@code str()} and {@code repr()},
 * equality and ordering, whitespace. Values are {@code null} (None), {@link Boolean},
 * {@link Long}, {@link Double}, {@link PyStr}, {@link List} (a {@link PyTuple} for tuples),
 * {@link Map}, {@link Namespace}, {@link Undefined}, {@link PyIterator}, {@link LoopContext}
 * and {@link PyCallable}s.
 */
final class Py {
    private Py() {
    }

    static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        return switch (v) {
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case PyStr s -> "str";
            case PyTuple t -> "tuple";
            case PyRange r -> "range";
            case DictView view -> view.kind();
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Namespace n -> "Namespace";
            case Undefined u -> "Undefined";
            case PyIterator g -> "generator";
            case LoopContext l -> "LoopContext";
            case Cycler c -> "Cycler";
            case PyCallable c -> c.typeName();
            default -> v.getClass().getSimpleName();
        };
    }

    /** jinja2's object_type_repr: "None", or "dict object". */
    static String objectTypeRepr(Object v) {
        return v == null ? "None" : typeName(v) + " object";
    }

    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        return switch (v) {
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case PyStr s -> s.length() > 0;
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static double toDouble(Object v) {
        return switch (v) {
            case Long l -> l;
            case Double d -> d;
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalArgumentException(typeName(v));
        };
    }

    /** An int or bool as a long (Python's bool is an int). */
    static long toLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    // ---- str() and repr() ----

    static PyStr str(Object v) {
        if (v instanceof PyStr s) {
            return s;
        }
        if (v instanceof Undefined) {
            return PyStr.EMPTY;
        }
        if (v instanceof List<?> || v instanceof Map<?, ?>) {
            return repr(v);
        }
        return PyStr.of(plainStr(v));
    }

    private static String plainStr(Object v) {
        if (v == null) {
            return "None";
        }
        return switch (v) {
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case Double d -> floatRepr(d);
            case Namespace n -> "<Namespace " + repr(n.attrs).text() + ">";
            case PyIterator g -> "<generator object>";
            case LoopContext l -> "<LoopContext>";
            case Macro m -> "<Macro '" + m.name() + "'>";
            case PyCallable c -> "<built-in function>";
            default -> v.toString();
        };
    }

    static PyStr repr(Object v) {
        TextBuilder out = new TextBuilder();
        repr(v, out, 0);
        return out.toPyStr();
    }

    private static void repr(Object v, TextBuilder out, int depth) {
        if (depth > 200) {
            throw TemplateException.limit("nests values deeper than 200 levels");
        }
        switch (v) {
            case PyStr s -> reprString(s, out);
            case PyRange r -> out.append(r.repr());
            case DictView view -> {
                out.append(view.kind()).append("(");
                repr(new java.util.ArrayList<Object>(view), out, depth + 1);
                out.append(")");
            }
            case PyTuple t -> {
                out.append("(");
                for (int i = 0; i < t.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    repr(t.get(i), out, depth + 1);
                }
                out.append(t.size() == 1 ? ",)" : ")");
            }
            case List<?> l -> {
                out.append("[");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    repr(l.get(i), out, depth + 1);
                }
                out.append("]");
            }
            case Map<?, ?> m -> {
                out.append("{");
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        out.append(", ");
                    }
                    first = false;
                    repr(e.getKey(), out, depth + 1);
                    out.append(": ");
                    repr(e.getValue(), out, depth + 1);
                }
                out.append("}");
            }
            case Undefined u -> out.append("Undefined");
            case null -> out.append("None");
            default -> out.append(plainStr(v));
        }
    }

    /** Python's repr of a str, as plain text (for error messages). */
    static String quoteRepr(String s) {
        TextBuilder out = new TextBuilder();
        reprString(PyStr.of(s), out);
        return out.text();
    }

    private static void reprString(PyStr s, TextBuilder out) {
        String t = s.text();
        char quote = t.indexOf('\'') >= 0 && t.indexOf('"') < 0 ? '"' : '\'';
        out.append(String.valueOf(quote));
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            boolean content = s.isContent(i);
            String piece;
            if (cp == quote || cp == '\\') {
                piece = "\\" + (char) cp;
            } else if (cp == '\t') {
                piece = "\\t";
            } else if (cp == '\n') {
                piece = "\\n";
            } else if (cp == '\r') {
                piece = "\\r";
            } else if (isPrintable(cp)) {
                piece = t.substring(i, i + n);
            } else if (cp < 0x100) {
                piece = String.format("\\x%02x", cp);
            } else if (cp < 0x10000) {
                piece = String.format("\\u%04x", cp);
            } else {
                piece = String.format("\\U%08x", cp);
            }
            out.append(piece, content);
            i += n;
        }
        out.append(String.valueOf(quote));
    }

    /** Python's ascii(): a repr with every non-ASCII character escaped. */
    static String ascii(String repr) {
        StringBuilder sb = new StringBuilder();
        repr.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                sb.append((char) cp);
            } else if (cp < 0x100) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        });
        return sb.toString();
    }

    /** Python's str.isprintable for one code point. */
    static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        int type = Character.getType(cp);
        return switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's repr of a float: the shortest digits that round-trip, in Python's layout. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (bd.precision() == 2) {
            // Java prints at least two digits in scientific form (4.9E-324); Python the shortest (5e-324).
            BigDecimal one = bd.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
            if (one.doubleValue() == Math.abs(d)) {
                bd = one.stripTrailingZeros();
            }
        }
        String digits = bd.unscaledValue().toString();
        int decpt = digits.length() - bd.scale();
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (decpt > 16 || decpt < -3) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            sb.append(e.length() < 2 ? "0" + e : e);
        } else if (decpt <= 0) {
            sb.append("0.").append("0".repeat(-decpt)).append(digits);
        } else if (decpt >= digits.length()) {
            sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
        } else {
            sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return sb.toString();
    }

    // ---- comparison ----

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) {
                return toLong(a) == toLong(b);
            }
            return toDouble(a) == toDouble(b);
        }
        if (a instanceof PyStr x && b instanceof PyStr y) {
            return x.equals(y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (!sequenceType(a).equals(sequenceType(b)) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Undefined && b instanceof Undefined) {
            return true;
        }
        return false;
    }

    /** Lists equal only lists, tuples only tuples, ranges only ranges, views only views of their kind. */
    private static String sequenceType(Object v) {
        return v instanceof PyTuple ? "tuple" : v instanceof PyRange ? "range" : v instanceof DictView d ? d.kind() : "list";
    }

    /** A Python list proper: not a tuple, range or dict view, which share the List interface here. */
    static boolean isPlainList(Object v) {
        return v instanceof List<?> && !(v instanceof PyTuple || v instanceof PyRange || v instanceof DictView);
    }

    /** Python's ordering for {@code <}, {@code >}, sorting: numbers, strings, lists. */
    static int compare(Object a, Object b, String op) {
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) {
                return Long.compare(toLong(a), toLong(b));
            }
            return Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof PyStr x && b instanceof PyStr y) {
            return x.compareTo(y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i), op);
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateException.type("'" + op + "' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ---- strings ----

    /** Python's str.isspace for one char. */
    static boolean isSpace(char c) {
        return c == ' ' || c >= '\t' && c <= '\r' || c >= '\u001c' && c <= '\u001f' || c == '\u0085'
                || c > 0x7f && (Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    static String strip(String s) {
        int start = 0;
        while (start < s.length() && isSpace(s.charAt(start))) {
            start++;
        }
        return rstrip(s.substring(start));
    }

    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
