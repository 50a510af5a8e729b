package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/** Positional-or-keyword argument access for built-in functions, filters and methods. */
final class Args {
    static final Object ABSENT = new Object();

    private Args() {
    }

    static Object get(List<Object> args, Map<String, Object> kwargs, int index, String name, Object dflt) {
        if (index >= 0 && index < args.size()) {
            return args.get(index);
        }
        if (kwargs.containsKey(name)) {
            return kwargs.get(name);
        }
        return dflt;
    }

    static PyStr str(String what, Object v) {
        if (v instanceof PyStr s) {
            return s;
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateException.type(what + " must be str, not " + Py.typeName(v));
    }

    static long integer(String what, Object v) {
        if (Py.isInt(v)) {
            return Py.toLong(v);
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateException.type("'" + Py.typeName(v) + "' object cannot be interpreted as an integer");
    }

    static void atMost(String fn, List<Object> args, int max) {
        if (args.size() > max) {
            throw TemplateException.type(fn + "() takes at most " + max + " argument" + (max == 1 ? "" : "s") + " ("
                    + args.size() + " given)");
        }
    }
}
