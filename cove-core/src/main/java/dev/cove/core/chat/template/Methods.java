package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods templates call on values: str (in {@link StrMethods}), dict ({@code get},
 * {@code items}, {@code keys}, {@code values}, {@code copy}, {@code fromkeys}) and list or tuple
 * ({@code index}, {@code count}, {@code copy}). Methods that mutate a list or dict are refused, as
 * by jinja2's immutable sandbox that transformers uses.
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
            return StrMethods.method(s, name);
        }
        if (obj instanceof PyRange r) {
            return switch (name) {
                case "start" -> r.start();
                case "stop" -> r.stop();
                case "step" -> r.step();
                case "index", "count" -> listMethod(r, name);
                default -> null;
            };
        }
        if (obj instanceof DictView) {
            return null;
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
                return new DictView("dict_items", out);
            };
            case "keys" -> (PyCallable) (ev, args, kw) -> new DictView("dict_keys", new ArrayList<Object>(m.keySet()));
            case "values" -> (PyCallable) (ev, args, kw) -> new DictView("dict_values", new ArrayList<Object>(m.values()));
            case "copy" -> (PyCallable) (ev, args, kw) -> new java.util.LinkedHashMap<Object, Object>(m);
            case "fromkeys" -> (PyCallable) (ev, args, kw) -> {
                if (args.isEmpty() || args.size() > 2) {
                    throw TemplateException.type("fromkeys expected at least 1 argument, got " + args.size());
                }
                Map<Object, Object> out = new java.util.LinkedHashMap<>();
                for (Object k : Values.toList(args.getFirst(), ev)) {
                    out.put(Values.key(k), args.size() > 1 ? args.get(1) : null);
                }
                return out;
            };
            default -> null;
        };
    }

    private static Object listMethod(List<?> l, String name) {
        return switch (name) {
            case "index" -> (PyCallable) (ev, args, kw) -> {
                if (args.isEmpty() || args.size() > 3) {
                    throw TemplateException.type("index expected at least 1 argument, got " + args.size());
                }
                int n = l.size();
                int from = args.size() > 1 ? listIndex(args.get(1), n) : 0;
                int to = args.size() > 2 ? listIndex(args.get(2), n) : n;
                for (int i = from; i < to; i++) {
                    if (Py.equal(l.get(i), args.getFirst())) {
                        return (long) i;
                    }
                }
                throw TemplateException.value(l instanceof PyTuple ? "tuple.index(x): x not in tuple"
                        : Py.repr(args.getFirst()).text() + " is not in list");
            };
            case "count" -> (PyCallable) (ev, args, kw) -> {
                if (args.size() != 1) {
                    throw TemplateException.type((l instanceof PyTuple ? "tuple" : "list") + ".count() takes exactly "
                            + "one argument (" + args.size() + " given)");
                }
                long n = 0;
                for (Object x : l) {
                    if (Py.equal(x, args.getFirst())) {
                        n++;
                    }
                }
                return n;
            };
            case "copy" -> l instanceof PyTuple ? null : (PyCallable) (ev, args, kw) -> new ArrayList<Object>(l);
            default -> null;
        };
    }

    /** A start or stop of list.index, clamped as Python clamps slice bounds. */
    private static int listIndex(Object v, int n) {
        long i = Args.integer("slice index", v);
        if (i < 0) {
            i = Math.max(0, i + n);
        }
        return (int) Math.min(i, n);
    }
}
