package dev.cove.core.chat.template;

import java.util.List;
import java.util.Map;

/**
 * The {@code loop} variable of a for-loop: index, first, last, length, depth, neighbours,
 * {@code cycle} and {@code changed}. Calling it renders the loop again over other items, one level
 * deeper, when the loop is marked {@code recursive}; jinja2 refuses the call otherwise.
 */
final class LoopContext implements PyCallable {
    /** What calling a recursive loop does: render it over the given items, one level deeper. */
    @FunctionalInterface
    interface Recursion {
        PyStr render(Evaluator ev, Object items, int depth0);
    }

    private static final Object NOTHING_YET = new Object();

    private final List<Object> items;
    private final int depth0;
    private final Recursion recursion;
    private Object lastChanged = NOTHING_YET;
    int index0;

    LoopContext(List<Object> items, int depth0, Recursion recursion) {
        this.items = items;
        this.depth0 = depth0;
        this.recursion = recursion;
    }

    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> (long) depth0 + 1;
            case "depth0" -> (long) depth0;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.hint("there is no previous item");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : Undefined.hint("there is no next item");
            case "cycle" -> (PyCallable) (ev, args, kwargs) -> {
                if (args.isEmpty()) {
                    throw TemplateException.type("no items for cycling given");
                }
                return args.get(index0 % args.size());
            };
            case "changed" -> (PyCallable) (ev, args, kwargs) -> {
                // jinja2 compares the whole argument tuple with the one of the previous call.
                PyTuple value = new PyTuple(args);
                if (lastChanged != NOTHING_YET && Py.equal(lastChanged, value)) {
                    return false;
                }
                lastChanged = value;
                return true;
            };
            default -> Undefined.attribute(this, name);
        };
    }

    @Override
    public Object call(Evaluator ev, List<Object> args, Map<String, Object> kwargs) {
        if (recursion == null) {
            throw TemplateException.type("The loop must have the 'recursive' marker to be called recursively.");
        }
        if (args.isEmpty() && kwargs.isEmpty()) {
            throw TemplateException.type("LoopContext.__call__() missing 1 required positional argument: 'iterable'");
        }
        if (args.size() != 1 || !kwargs.isEmpty()) {
            throw TemplateException.type("LoopContext.__call__() takes 2 positional arguments but " + (args.size() + 1)
                    + " were given");
        }
        return recursion.render(ev, args.getFirst(), depth0 + 1);
    }

    @Override
    public String typeName() {
        return "LoopContext";
    }
}
