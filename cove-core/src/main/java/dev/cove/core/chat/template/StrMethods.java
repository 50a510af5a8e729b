package dev.cove.core.chat.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Python's str methods as templates call them ({@code strip}, {@code split}, {@code startswith},
 * {@code replace}, {@code format}, {@code partition}, the {@code is...} predicates, ...), with
 * Python's optional start and end arguments and its error messages.
 */
final class StrMethods {
    private StrMethods() {
    }

    /** The bound method, or null when str has none of that name. */
    static Object method(PyStr s, String name) {
        return switch (name) {
            case "strip" -> (PyCallable) (ev, args, kw) -> Strings.strip(s, chars(args, kw), true, true);
            case "lstrip" -> (PyCallable) (ev, args, kw) -> Strings.strip(s, chars(args, kw), true, false);
            case "rstrip" -> (PyCallable) (ev, args, kw) -> Strings.strip(s, chars(args, kw), false, true);
            case "split" -> (PyCallable) (ev, args, kw) -> Strings.split(s, sep(args, kw),
                    maxsplit(args, kw), false, ev);
            case "rsplit" -> (PyCallable) (ev, args, kw) -> Strings.split(s, sep(args, kw),
                    maxsplit(args, kw), true, ev);
            case "splitlines" -> (PyCallable) (ev, args, kw) -> Strings.splitlines(s,
                    Py.truthy(Args.get(args, kw, 0, "keepends", false)));
            case "partition" -> (PyCallable) (ev, args, kw) -> partition(s, args, false);
            case "rpartition" -> (PyCallable) (ev, args, kw) -> partition(s, args, true);
            case "startswith" -> (PyCallable) (ev, args, kw) -> affix(s, args, true, ev);
            case "endswith" -> (PyCallable) (ev, args, kw) -> affix(s, args, false, ev);
            case "replace" -> (PyCallable) (ev, args, kw) -> {
                if (args.size() < 2) {
                    throw TemplateException.type("replace expected at least 2 arguments, got " + args.size());
                }
                long count = args.size() > 2 ? Args.integer("count", args.get(2)) : -1;
                return Strings.replace(s, Args.str("replace() argument 1", args.get(0)),
                        Args.str("replace() argument 2", args.get(1)), count, ev);
            };
            case "upper" -> (PyCallable) (ev, args, kw) -> Strings.upper(s);
            case "lower" -> (PyCallable) (ev, args, kw) -> Strings.lower(s);
            case "casefold" -> (PyCallable) (ev, args, kw) -> Strings.casefold(s);
            case "swapcase" -> (PyCallable) (ev, args, kw) -> Strings.swapcase(s);
            case "title" -> (PyCallable) (ev, args, kw) -> Strings.title(s);
            case "capitalize" -> (PyCallable) (ev, args, kw) -> Strings.capitalize(s);
            case "find" -> (PyCallable) (ev, args, kw) -> find(s, "find", args, false, ev);
            case "rfind" -> (PyCallable) (ev, args, kw) -> find(s, "rfind", args, true, ev);
            case "index", "rindex" -> (PyCallable) (ev, args, kw) -> {
                long at = find(s, name, args, name.equals("rindex"), ev);
                if (at < 0) {
                    throw TemplateException.value("substring not found");
                }
                return at;
            };
            case "count" -> (PyCallable) (ev, args, kw) -> {
                PyStr sub = Args.str("count() argument", args.isEmpty() ? null : args.get(0));
                PyStr window = window(s, args, 1, ev);
                return window == null ? 0L : Strings.count(window, sub);
            };
            case "join" -> (PyCallable) (ev, args, kw) -> join(s, args, ev);
            case "format" -> (PyCallable) (ev, args, kw) -> StrFormat.format(s, args, kw, ev);
            case "format_map" -> (PyCallable) (ev, args, kw) -> {
                if (args.size() != 1 || !(args.getFirst() instanceof Map<?, ?> m)) {
                    throw TemplateException.type("format_map() takes a mapping");
                }
                Map<String, Object> named = new LinkedHashMap<>();
                m.forEach((k, v) -> named.put(Py.str(k).text(), v));
                return StrFormat.format(s, List.of(), named, ev);
            };
            case "isdecimal" -> (PyCallable) (ev, args, kw) -> all(s, Strings::isDecimal);
            case "isdigit" -> (PyCallable) (ev, args, kw) -> all(s, Strings::isDigit);
            case "isnumeric" -> (PyCallable) (ev, args, kw) -> all(s, Strings::isNumeric);
            case "isalpha" -> (PyCallable) (ev, args, kw) -> all(s, Character::isLetter);
            case "isalnum" -> (PyCallable) (ev, args, kw) -> all(s, c -> Character.isLetter(c) || Strings.isNumeric(c));
            case "isspace" -> (PyCallable) (ev, args, kw) -> all(s, c -> c < 0x10000 && Py.isSpace((char) c));
            case "islower" -> (PyCallable) (ev, args, kw) -> Strings.isLower(s);
            case "isupper" -> (PyCallable) (ev, args, kw) -> Strings.isUpper(s);
            case "istitle" -> (PyCallable) (ev, args, kw) -> Strings.isTitle(s);
            case "isascii" -> (PyCallable) (ev, args, kw) -> s.text().chars().allMatch(c -> c < 0x80);
            case "isprintable" -> (PyCallable) (ev, args, kw) -> s.text().codePoints().allMatch(Py::isPrintable);
            case "isidentifier" -> (PyCallable) (ev, args, kw) -> isIdentifier(s.text());
            case "removeprefix" -> (PyCallable) (ev, args, kw) -> {
                PyStr p = Args.str("removeprefix() argument", args.isEmpty() ? null : args.get(0));
                return s.text().startsWith(p.text()) ? s.substring(p.length(), s.length()) : s;
            };
            case "removesuffix" -> (PyCallable) (ev, args, kw) -> {
                PyStr p = Args.str("removesuffix() argument", args.isEmpty() ? null : args.get(0));
                return !p.text().isEmpty() && s.text().endsWith(p.text()) ? s.substring(0, s.length() - p.length()) : s;
            };
            case "zfill", "ljust", "rjust", "center" -> (PyCallable) (ev, args, kw) -> Strings.pad(s, name, args, ev);
            case "expandtabs" -> (PyCallable) (ev, args, kw) -> Strings.expandTabs(s,
                    Args.integer("tabsize", Args.get(args, kw, 0, "tabsize", 8L)), ev);
            default -> null;
        };
    }

    private static PyStr chars(List<Object> args, Map<String, Object> kw) {
        Object c = Args.get(args, kw, 0, "chars", null);
        return c == null ? null : Args.str("strip arg", c);
    }

    private static PyStr sep(List<Object> args, Map<String, Object> kw) {
        Object c = Args.get(args, kw, 0, "sep", null);
        if (c == null) {
            return null;
        }
        PyStr sep = Args.str("must be str or None, not " + Py.typeName(c) + "; sep", c);
        if (sep.length() == 0) {
            throw TemplateException.value("empty separator");
        }
        return sep;
    }

    private static long maxsplit(List<Object> args, Map<String, Object> kw) {
        return Args.integer("maxsplit", Args.get(args, kw, 1, "maxsplit", -1L));
    }

    /**
     * {@code s[start:end]} for the optional start and end arguments at {@code at} and after; null
     * when start lies beyond the end of {@code s} (where Python finds nothing, not even "").
     */
    private static PyStr window(PyStr s, List<Object> args, int at, Evaluator ev) {
        Object start = args.size() > at ? args.get(at) : null;
        Object end = args.size() > at + 1 ? args.get(at + 1) : null;
        if (start == null && end == null) {
            return s;
        }
        if (start != null && startOffset(s, start) > Values.length(s)) {
            return null;
        }
        return (PyStr) Values.slice(s, start, end, null, ev);
    }

    /** Where a start argument puts the window, in code points. */
    private static long startOffset(PyStr s, Object start) {
        if (start == null) {
            return 0;
        }
        long n = Values.length(s);
        long i = Args.integer("slice indices", start);
        return i < 0 ? Math.max(0, i + n) : i;
    }

    private static long find(PyStr s, String fn, List<Object> args, boolean last, Evaluator ev) {
        if (args.isEmpty() || args.size() > 3) {
            throw TemplateException.type(fn + "() takes at least 1 argument (" + args.size() + " given)");
        }
        PyStr sub = Args.str(fn + "() argument", args.getFirst());
        PyStr window = window(s, args, 1, ev);
        if (window == null) {
            return -1;
        }
        String t = window.text();
        int at = last ? t.lastIndexOf(sub.text()) : t.indexOf(sub.text());
        return at < 0 ? -1 : Strings.cpIndex(window, at) + startOffset(s, args.size() > 1 ? args.get(1) : null);
    }

    private static PyTuple partition(PyStr s, List<Object> args, boolean last) {
        if (args.size() != 1) {
            throw TemplateException.type((last ? "rpartition" : "partition") + "() takes exactly one argument ("
                    + args.size() + " given)");
        }
        if (!(args.getFirst() instanceof PyStr sep)) {
            throw TemplateException.type("must be str, not " + Py.typeName(args.getFirst()));
        }
        if (sep.length() == 0) {
            throw TemplateException.value("empty separator");
        }
        String t = s.text();
        int at = last ? t.lastIndexOf(sep.text()) : t.indexOf(sep.text());
        if (at < 0) {
            return last ? new PyTuple(PyStr.EMPTY, PyStr.EMPTY, s) : new PyTuple(s, PyStr.EMPTY, PyStr.EMPTY);
        }
        return new PyTuple(s.substring(0, at), s.substring(at, at + sep.length()), s.substring(at + sep.length(),
                s.length()));
    }

    private static boolean affix(PyStr s, List<Object> args, boolean prefix, Evaluator ev) {
        String fn = prefix ? "startswith" : "endswith";
        if (args.isEmpty() || args.size() > 3) {
            throw TemplateException.type(fn + "() takes at least 1 argument (" + args.size() + " given)");
        }
        Object a = args.getFirst();
        List<?> options = a instanceof PyTuple t ? t : List.of(a);
        PyStr window = window(s, args, 1, ev);
        for (Object o : options) {
            if (!(o instanceof PyStr p)) {
                throw TemplateException.type(fn + " first arg must be str or a tuple of str, not " + Py.typeName(o));
            }
            if (window != null && (prefix ? window.text().startsWith(p.text()) : window.text().endsWith(p.text()))) {
                return true;
            }
        }
        return false;
    }

    private static PyStr join(PyStr s, List<Object> args, Evaluator ev) {
        if (args.size() != 1) {
            throw TemplateException.type("str.join() takes exactly one argument (" + args.size() + " given)");
        }
        List<Object> items = Values.toList(args.getFirst(), ev);
        TextBuilder out = new TextBuilder(ev.limits().maxOutputChars());
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(s);
            }
            if (!(items.get(i) instanceof PyStr item)) {
                throw TemplateException.type("sequence item " + i + ": expected str instance, "
                        + Py.typeName(items.get(i)) + " found");
            }
            out.append(item);
        }
        return out.toPyStr();
    }

    private static boolean all(PyStr s, IntPredicate p) {
        return s.length() > 0 && s.text().codePoints().allMatch(p);
    }

    /** Python's str.isidentifier: a letter or underscore, then letters, digits and underscores (Unicode). */
    private static boolean isIdentifier(String t) {
        if (t.isEmpty()) {
            return false;
        }
        int first = t.codePointAt(0);
        if (first != '_' && !Character.isUnicodeIdentifierStart(first)) {
            return false;
        }
        return t.codePoints().skip(1).allMatch(c -> c == '_' || Character.isUnicodeIdentifierPart(c)
                && !Character.isIdentifierIgnorable(c));
    }
}
