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
        scope.set("dict", (PyCallable) (e, args, kw) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Object a : args) {
                if (a instanceof Map<?, ?> src) {
                    m.putAll(src);
                }
            }
            kw.forEach((k, v) -> m.put(PyStr.of(k), v));
            return m;
        });
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
            List<Object> items = new ArrayList<>(args);
            int[] pos = {0};
            Map<Object, Object> cycler = new LinkedHashMap<>();
            cycler.put(PyStr.of("next"), (PyCallable) (e2, a2, k2) -> {
                Object v = items.get(pos[0]);
                pos[0] = (pos[0] + 1) % items.size();
                return v;
            });
            return cycler;
        });
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
        List<Object> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(start + i * step);
        }
        return out;
    }
}
