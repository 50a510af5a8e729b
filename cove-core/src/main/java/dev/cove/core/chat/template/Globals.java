package dev.cove.core.chat.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions a template can call: jinja2's {@code range}, {@code namespace}, {@code dict},
 * {@code cycler}, {@code joiner}, and transformers' {@code raise_exception} and
 * {@code strftime_now}.
 */
final class Globals {
    /** jinja2's sandbox refuses ranges longer than this (MAX_RANGE). */
    static final long MAX_RANGE = 100_000;

    private Globals() {
    }

    static void install(Scope scope, Evaluator ev) {
        scope.set("range", (PyCallable) Globals::range);
        scope.set("namespace", (PyCallable) (e, args, kw) -> {
            Namespace ns = new Namespace();
            for (Object a : args) {
                if (!(a instanceof Map<?, ?> m)) {
                    throw TemplateException.type("'" + Py.typeName(a) + "' object is not iterable");
                }
                m.forEach((k, v) -> ns.attrs.put(Py.str(k).text(), v));
            }
            ns.attrs.putAll(kw);
            return ns;
        });
        scope.set("dict", (PyCallable) Globals::dict);
        scope.set("raise_exception", (PyCallable) (e, args, kw) -> {
            Object msg = Args.get(args, kw, 0, "message", PyStr.EMPTY);
            throw TemplateException.of("TemplateError", Py.str(msg).text());
        });
        scope.set("strftime_now", (PyCallable) (e, args, kw) -> {
            PyStr fmt = Args.str("strftime_now() argument", Args.get(args, kw, 0, "format", null));
            return PyStr.of(Strftime.format(fmt.text(), e.now()));
        });
        scope.set("joiner", (PyCallable) (e, args, kw) -> {
            PyStr sep = Py.str(Args.get(args, kw, 0, "sep", PyStr.of(", ")));
            boolean[] used = {false};
            return (PyCallable) (e2, a2, k2) -> {
                if (!used[0]) {
                    used[0] = true;
                    return PyStr.EMPTY;
                }
                return sep;
            };
        });
        scope.set("cycler", (PyCallable) (e, args, kw) -> {
            if (args.isEmpty()) {
                throw TemplateException.of("RuntimeError", "at least one item has to be provided");
            }
            return new Cycler(args);
        });
    }

    /** Python's dict(): from a mapping or from (key, value) pairs, then the keyword arguments. */
    private static Object dict(Evaluator ev, List<Object> args, Map<String, Object> kw) {
        if (args.size() > 1) {
            throw TemplateException.type("dict expected at most 1 argument, got " + args.size());
        }
        Map<Object, Object> m = new LinkedHashMap<>();
        if (!args.isEmpty() && args.getFirst() instanceof Map<?, ?> src) {
            m.putAll(src);
        } else if (!args.isEmpty()) {
            List<Object> pairs = Values.toList(args.getFirst(), ev);
            for (int i = 0; i < pairs.size(); i++) {
                Object pair = pairs.get(i);
                if (Values.length(pair) < 0) {
                    throw TemplateException.type("cannot convert dictionary update sequence element #" + i
                            + " to a sequence");
                }
                List<Object> kv = Values.toList(pair, ev);
                if (kv.size() != 2) {
                    throw TemplateException.value("dictionary update sequence element #" + i + " has length "
                            + kv.size() + "; 2 is required");
                }
                m.put(Values.key(kv.get(0)), kv.get(1));
            }
        }
        kw.forEach((k, v) -> m.put(PyStr.of(k), v));
        return m;
    }

    private static Object range(Evaluator ev, List<Object> args, Map<String, Object> kw) {
        if (args.isEmpty() || args.size() > 3) {
            throw TemplateException.type("range expected at least 1 argument, got " + args.size());
        }
        long start = 0;
        long step = 1;
        long stop;
        if (args.size() == 1) {
            stop = Args.integer("range", args.getFirst());
        } else {
            start = Args.integer("range", args.get(0));
            stop = Args.integer("range", args.get(1));
            if (args.size() == 3) {
                step = Args.integer("range", args.get(2));
            }
        }
        if (step == 0) {
            throw TemplateException.value("range() arg 3 must not be zero");
        }
        long n = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                : (start > stop ? (start - stop - step - 1) / -step : 0);
        if (n > MAX_RANGE) {
            throw TemplateException.of("OverflowError", "Range too big. The sandbox blocks ranges larger than MAX_RANGE ("
                    + MAX_RANGE + ").");
        }
        ev.spend(n);
        return new PyRange(start, stop, step, (int) n);
    }
}
