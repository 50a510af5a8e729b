package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The Python methods templates call on values: str ({@code strip}, {@code split},
 * {@code startswith}, {@code replace}, {@code format}, ...), dict ({@code get}, {@code items},
 * {@code keys}, {@code values}) and list ({@code index}, {@code count}). Methods that mutate a
 * list or dict are refused, as by jinja2's immutable sandbox that transformers uses.
 */
final class Methods {
    private static final Set<String> MUTATING_DICT = Set.of("clear", "pop", "popitem", "setdefault", "update");
    private static final Set<String> MUTATING_LIST = Set.of("append", "clear", "pop", "reverse", "insert", "sort",
            "extend", "remove");

    private Methods() {
    }

    /** A bound method of a non-dict value, an unsafe marker, or null when there is none. */
    static Object method(Object obj, String name) {
        if (obj instanceof PyStr s) {
            return strMethod(s, name);
        }
        if (obj instanceof List<?> l && !(obj instanceof PyTuple)) {
            if (MUTATING_LIST.contains(name)) {
                return Undefined.unsafe(obj, name);
            }
            return listMethod(l, name);
        }
        if (obj instanceof PyTuple t) {
            return listMethod(t, name);
        }
        return null;
    }

    static Object dictMethod(Map<?, ?> m, String name) {
        if (MUTATING_DICT.contains(name)) {
            return Undefined.unsafe(m, name);
        }
        return switch (name) {
            case "get" -> (PyCallable) (ev, args, kw) -> {
                Args.atMost("get", args, 2);
                if (args.isEmpty()) {
                    throw TemplateException.type("get expected at least 1 argument, got 0");
                }
                Object key = Values.key(args.getFirst());
                return m.containsKey(key) ? m.get(key) : args.size() > 1 ? args.get(1) : null;
            };
            case "items" -> (PyCallable) (ev, args, kw) -> {
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.add(new PyTuple(e.getKey(), e.getValue()));
                }
                return out;
            };
            case "keys" -> (PyCallable) (ev, args, kw) -> new ArrayList<Object>(m.keySet());
            case "values" -> (PyCallable) (ev, args, kw) -> new ArrayList<Object>(m.values());
            case "copy" -> (PyCallable) (ev, args, kw) -> new java.util.LinkedHashMap<Object, Object>(m);
            default -> null;
        };
    }

    private static Object listMethod(List<?> l, String name) {
        return switch (name) {
            case "index" -> (PyCallable) (ev, args, kw) -> {
                for (int i = 0; i < l.size(); i++) {
                    if (!args.isEmpty() && Py.equal(l.get(i), args.getFirst())) {
                        return (long) i;
                    }
                }
                throw TemplateException.value("value is not in list");
            };
            case "count" -> (PyCallable) (ev, args, kw) -> {
                long n = 0;
                for (Object x : l) {
                    if (!args.isEmpty() && Py.equal(x, args.getFirst())) {
                        n++;
                    }
                }
                return n;
            };
            case "copy" -> (PyCallable) (ev, args, kw) -> new ArrayList<Object>(l);
            default -> null;
        };
    }

    private static Object strMethod(PyStr s, String name) {
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
            case "startswith" -> (PyCallable) (ev, args, kw) -> affix(s, args, kw, true);
            case "endswith" -> (PyCallable) (ev, args, kw) -> affix(s, args, kw, false);
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
            case "title" -> (PyCallable) (ev, args, kw) -> Strings.title(s);
            case "capitalize" -> (PyCallable) (ev, args, kw) -> Strings.capitalize(s);
            case "find" -> (PyCallable) (ev, args, kw) -> (long) Strings.cpIndex(s,
                    s.text().indexOf(Args.str("find() argument", args.isEmpty() ? null : args.get(0)).text()));
            case "rfind" -> (PyCallable) (ev, args, kw) -> (long) Strings.cpIndex(s,
                    s.text().lastIndexOf(Args.str("rfind() argument", args.isEmpty() ? null : args.get(0)).text()));
            case "count" -> (PyCallable) (ev, args, kw) -> Strings.count(s,
                    Args.str("count() argument", args.isEmpty() ? null : args.get(0)));
            case "join" -> (PyCallable) (ev, args, kw) -> {
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
            };
            case "format" -> (PyCallable) (ev, args, kw) -> StrFormat.format(s, args, kw, ev);
            case "isdigit", "isnumeric", "isdecimal" -> (PyCallable) (ev, args, kw) -> all(s, Character::isDigit);
            case "isalpha" -> (PyCallable) (ev, args, kw) -> all(s, Character::isLetter);
            case "isalnum" -> (PyCallable) (ev, args, kw) -> all(s, Character::isLetterOrDigit);
            case "isspace" -> (PyCallable) (ev, args, kw) -> all(s, c -> c < 0x10000 && Py.isSpace((char) c));
            case "islower" -> (PyCallable) (ev, args, kw) -> cased(s, false);
            case "isupper" -> (PyCallable) (ev, args, kw) -> cased(s, true);
            case "removeprefix" -> (PyCallable) (ev, args, kw) -> {
                PyStr p = Args.str("removeprefix() argument", args.isEmpty() ? null : args.get(0));
                return s.text().startsWith(p.text()) ? s.substring(p.length(), s.length()) : s;
            };
            case "removesuffix" -> (PyCallable) (ev, args, kw) -> {
                PyStr p = Args.str("removesuffix() argument", args.isEmpty() ? null : args.get(0));
                return !p.text().isEmpty() && s.text().endsWith(p.text()) ? s.substring(0, s.length() - p.length()) : s;
            };
            case "zfill", "ljust", "rjust", "center" -> (PyCallable) (ev, args, kw) -> Strings.pad(s, name, args, ev);
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

    private static boolean affix(PyStr s, List<Object> args, Map<String, Object> kw, boolean prefix) {
        if (args.isEmpty()) {
            throw TemplateException.type((prefix ? "startswith" : "endswith") + "() takes at least 1 argument (0 given)");
        }
        Object a = args.getFirst();
        List<?> options = a instanceof PyTuple t ? t : List.of(a);
        String text = s.text();
        for (Object o : options) {
            if (!(o instanceof PyStr p)) {
                throw TemplateException.type((prefix ? "startswith" : "endswith") + " first arg must be str or a tuple "
                        + "of str, not " + Py.typeName(o));
            }
            if (prefix ? text.startsWith(p.text()) : text.endsWith(p.text())) {
                return true;
            }
        }
        return false;
    }

    private static boolean all(PyStr s, IntPredicate p) {
        return s.length() > 0 && s.text().codePoints().allMatch(p);
    }

    private static boolean cased(PyStr s, boolean upper) {
        boolean any = false;
        for (int cp : s.text().codePoints().toArray()) {
            if (Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
                if (upper ? Character.isLowerCase(cp) : Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }
}
