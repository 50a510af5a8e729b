package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandboxed object model: iteration, attribute and item access, slicing, membership and
 * length, with Python's rules and jinja2's (an attribute falls back to an item and back, a
 * missing one is {@link Undefined}, attributes the immutable sandbox refuses are unsafe).
 */
final class Values {
    private Values() {
    }

    /** Python's iter(): a str yields its characters, a dict its keys. */
    static Iterator<Object> iterator(Object v) {
        switch (v) {
            case List<?> l -> {
                @SuppressWarnings("unchecked")
                Iterator<Object> it = (Iterator<Object>) l.iterator();
                return it;
            }
            case Map<?, ?> m -> {
                @SuppressWarnings("unchecked")
                Iterator<Object> it = (Iterator<Object>) new ArrayList<>(m.keySet()).iterator();
                return it;
            }
            case PyStr s -> {
                return codePoints(s);
            }
            case PyIterator g -> {
                return g;
            }
            case Undefined u -> {
                return Collections.emptyIterator();
            }
            case null, default -> throw TemplateException.type("'" + Py.typeName(v) + "' object is not iterable");
        }
    }

    /** All items, charging each to the render's budget. */
    static List<Object> toList(Object v, Evaluator ev) {
        if (v instanceof List<?> l) {
            ev.spend(l.size());
            return new ArrayList<>(l);
        }
        List<Object> items = new ArrayList<>();
        for (Iterator<Object> it = iterator(v); it.hasNext(); ) {
            ev.spend(1);
            items.add(it.next());
        }
        return items;
    }

    /** Iterates the code points lazily, so a long string is not expanded into objects up front. */
    private static Iterator<Object> codePoints(PyStr s) {
        String t = s.text();
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < t.length();
            }

            @Override
            public Object next() {
                if (i >= t.length()) {
                    throw new java.util.NoSuchElementException();
                }
                int n = Character.charCount(t.codePointAt(i));
                PyStr c = s.substring(i, i + n);
                i += n;
                return c;
            }
        };
    }

    /** Python's len(); -1 when the value has none. */
    static long length(Object v) {
        return switch (v) {
            case PyStr s -> s.text().codePointCount(0, s.length());
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            case Namespace n -> -1;
            case null, default -> -1;
        };
    }

    /** A dictionary key: lists and dicts are unhashable, as in Python. */
    static Object key(Object k) {
        if (Py.isPlainList(k) || k instanceof DictView || k instanceof Map<?, ?>) {
            throw TemplateException.type("unhashable type: '" + Py.typeName(k) + "'");
        }
        if (k instanceof Undefined u) {
            throw u.error();
        }
        return k;
    }

    /**
     * Python's getattr as jinja2's {@code attr} filter does it: like {@link #getAttr} but without
     * falling back to a dictionary's keys, and undefined (not an error) on an undefined value.
     */
    static Object pythonAttr(Object obj, String name) {
        if (obj instanceof Map<?, ?> m && !name.startsWith("__")) {
            Object method = Methods.dictMethod(m, name);
            return method != null ? method : Undefined.attribute(obj, name);
        }
        if (obj instanceof Undefined) {
            return Undefined.attribute(obj, name);
        }
        return getAttr(obj, name);
    }

    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        if (name.startsWith("__")) {
            return Undefined.unsafe(obj, name);
        }
        switch (obj) {
            case Map<?, ?> m -> {
                Object method = Methods.dictMethod(m, name);
                if (method != null) {
                    return method;
                }
                PyStr key = PyStr.of(name);
                return m.containsKey(key) ? m.get(key) : Undefined.attribute(obj, name);
            }
            case Namespace n -> {
                return n.attrs.containsKey(name) ? n.attrs.get(name) : Undefined.attribute(obj, name);
            }
            case LoopContext l -> {
                return l.attribute(name);
            }
            case GroupTuple g when g.field(name) != null -> {
                return g.field(name);
            }
            case Macro m -> {
                return macroAttribute(m, name);
            }
            case Cycler c -> {
                return c.attribute(name);
            }
            case null -> {
                return Undefined.attribute(null, name);
            }
            default -> {
                Object method = Methods.method(obj, name);
                return method != null ? method : Undefined.attribute(obj, name);
            }
        }
    }

    /** What jinja2's Macro object shows a template: its name, parameters and which extras it takes. */
    private static Object macroAttribute(Macro m, String name) {
        return switch (name) {
            case "name" -> PyStr.of(m.name());
            case "arguments" -> {
                List<Object> params = new ArrayList<>();
                m.params().forEach(p -> params.add(PyStr.of(p)));
                yield new PyTuple(params);
            }
            case "catch_kwargs" -> m.special().contains("kwargs");
            case "catch_varargs" -> m.special().contains("varargs");
            case "caller" -> m.special().contains("caller");
            default -> Undefined.attribute(m, name);
        };
    }

    static Object getItem(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        if (key instanceof Undefined u && !(obj instanceof Map<?, ?>)) {
            throw u.error();
        }
        switch (obj) {
            case Map<?, ?> m -> {
                if (!(key instanceof List<?> && !(key instanceof PyTuple)) && !(key instanceof Map<?, ?>)
                        && !(key instanceof Undefined) && m.containsKey(key)) {
                    return m.get(key);
                }
                if (isInt(key) && !(key instanceof Long) && m.containsKey(Py.toLong(key))) {
                    return m.get(Py.toLong(key));
                }
            }
            case DictView view when !(key instanceof PyStr) -> {
                return Undefined.element(obj, key);
            }
            case GroupTuple g when key instanceof PyStr k && g.field(k.text()) != null -> {
                return g.field(k.text());
            }
            case List<?> l -> {
                if (isInt(key)) {
                    long i = Py.toLong(key);
                    long idx = i < 0 ? i + l.size() : i;
                    if (idx >= 0 && idx < l.size()) {
                        return l.get((int) idx);
                    }
                    return Undefined.element(obj, key);
                }
            }
            case PyStr s -> {
                if (isInt(key)) {
                    String t = s.text();
                    int n = t.codePointCount(0, t.length());
                    long i = Py.toLong(key);
                    long idx = i < 0 ? i + n : i;
                    if (idx >= 0 && idx < n) {
                        int at = t.offsetByCodePoints(0, (int) idx);
                        return s.substring(at, at + Character.charCount(t.codePointAt(at)));
                    }
                    return Undefined.element(obj, key);
                }
            }
            case LoopContext l -> {
                if (key instanceof PyStr k) {
                    return l.attribute(k.text());
                }
            }
            case Namespace n -> {
                if (key instanceof PyStr k && n.attrs.containsKey(k.text())) {
                    return n.attrs.get(k.text());
                }
            }
            case null, default -> { }
        }
        if (key instanceof PyStr k) {
            if (k.text().startsWith("__")) {
                return Undefined.unsafe(obj, k.text());
            }
            Object method = obj instanceof Map<?, ?> m ? Methods.dictMethod(m, k.text()) : Methods.method(obj, k.text());
            if (method != null) {
                return method;
            }
            return Undefined.attribute(obj, k.text());
        }
        return Undefined.element(obj, key);
    }

    private static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    /** Python's slicing of lists, tuples and strings, negative steps included. */
    static Object slice(Object obj, Object start, Object stop, Object step, Evaluator ev) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        long st = step == null ? 1 : sliceIndex(step);
        if (st == 0) {
            throw TemplateException.value("slice step cannot be zero");
        }
        List<Object> items = null;
        PyStr str = null;
        int[] starts = null;
        long n;
        if (obj instanceof PyStr s) {
            str = s;
            starts = codePointStarts(s.text());
            n = starts.length - 1;
        } else if (obj instanceof List<?> l && !(obj instanceof DictView)) {
            @SuppressWarnings("unchecked")
            List<Object> cast = (List<Object>) l;
            items = cast;
            n = items.size();
        } else {
            throw TemplateException.type("'" + Py.typeName(obj) + "' object is not subscriptable");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(sliceIndex(start), n, 0, n);
            hi = stop == null ? n : clamp(sliceIndex(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(sliceIndex(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(sliceIndex(stop), n, -1, n - 1);
        }
        long count = st > 0 ? (hi > lo ? (hi - lo - 1) / st + 1 : 0) : (lo > hi ? (lo - hi - 1) / -st + 1 : 0);
        ev.spend(count);
        if (str != null) {
            if (st == 1) {
                return str.substring(starts[(int) lo], starts[(int) hi]);
            }
            TextBuilder b = new TextBuilder();
            for (long k = 0, i = lo; k < count; k++, i += st) {
                b.append(str.substring(starts[(int) i], starts[(int) i + 1]));
            }
            return b.toPyStr();
        }
        List<Object> picked = new ArrayList<>((int) count);
        for (long k = 0, i = lo; k < count; k++, i += st) {
            picked.add(items.get((int) i));
        }
        if (obj instanceof PyRange r) {
            // Python slices a range into a range: the picked start, the bound the slice stopped at, the steps multiplied.
            return new PyRange(r.start() + lo * r.step(), r.start() + hi * r.step(), r.step() * st, (int) count);
        }
        return obj instanceof PyTuple ? new PyTuple(picked) : picked;
    }

    /** The char offset of each code point, and the length at the end. */
    private static int[] codePointStarts(String t) {
        int[] starts = new int[t.codePointCount(0, t.length()) + 1];
        int k = 0;
        for (int i = 0; i < t.length(); i += Character.charCount(t.codePointAt(i))) {
            starts[k++] = i;
        }
        starts[k] = t.length();
        return starts;
    }

    private static long sliceIndex(Object v) {
        if (isInt(v)) {
            return Py.toLong(v);
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateException.type("slice indices must be integers or None or have an __index__ method");
    }

    private static long clamp(long i, long n, long lower, long upper) {
        if (i < 0) {
            i += n;
            if (i < 0) {
                return lower;
            }
        }
        return Math.min(i, upper);
    }

    /** Python's {@code item in container}. */
    static boolean contains(Object container, Object item) {
        switch (container) {
            case PyStr s -> {
                if (item instanceof PyStr p) {
                    return s.text().contains(p.text());
                }
                if (item instanceof Undefined u) {
                    throw u.error();
                }
                throw TemplateException.type("'in <string>' requires string as left operand, not " + Py.typeName(item));
            }
            case List<?> l -> {
                for (Object x : l) {
                    if (Py.equal(x, item)) {
                        return true;
                    }
                }
                return false;
            }
            case Map<?, ?> m -> {
                if (item instanceof List<?> && !(item instanceof PyTuple) || item instanceof Map<?, ?>) {
                    throw TemplateException.type("unhashable type: '" + Py.typeName(item) + "'");
                }
                return m.containsKey(item);
            }
            case Undefined u -> {
                return false;
            }
            case PyIterator g -> {
                while (g.hasNext()) {
                    if (Py.equal(g.next(), item)) {
                        return true;
                    }
                }
                return false;
            }
            case null, default -> throw TemplateException.type("argument of type '" + Py.typeName(container)
                    + "' is not iterable");
        }
    }

    /** Converts the caller's Java context to template values (deep copy). */
    static Object fromJava(Object v, int depth) {
        if (depth > 256) {
            throw new IllegalArgumentException("the render context nests deeper than 256 levels");
        }
        return switch (v) {
            case null -> null;
            case String s -> PyStr.of(s);
            case ContentString c -> PyStr.content(c.text());
            case CharSequence cs -> PyStr.of(cs.toString());
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d -> d;
            case Float f -> (double) f;
            case java.math.BigInteger b -> b.longValueExact();
            case java.math.BigDecimal b -> b.doubleValue();
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(fromJava(e.getKey(), depth + 1), fromJava(e.getValue(), depth + 1));
                }
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (Object x : l) {
                    out.add(fromJava(x, depth + 1));
                }
                yield out;
            }
            case Object[] a -> fromJava(java.util.Arrays.asList(a), depth);
            default -> {
                if (v == dev.cove.core.json.Json.NULL) {
                    yield null;
                }
                throw new IllegalArgumentException("a render context holds only maps, lists, strings, numbers, "
                        + "booleans and null, not " + v.getClass().getName());
            }
        };
    }
}
