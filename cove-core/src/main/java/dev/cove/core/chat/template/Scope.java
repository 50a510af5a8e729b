package dev.cove.core.chat.template;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables of one jinja2 frame: the template's top level, a for-loop body, a macro call.
 * Assignments go to the innermost scope; look-ups walk outwards.
 */
final class Scope {
    private static final Object MISSING = new Object();

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The value, or {@link Undefined} naming the variable. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.getOrDefault(name, MISSING);
            if (v != MISSING) {
                return v;
            }
        }
        return Undefined.name(name);
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
