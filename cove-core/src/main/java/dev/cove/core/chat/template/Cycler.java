package dev.cove.core.chat.template;

import java.util.List;

/** jinja2's {@code cycler(a, b, ...)}: {@code next()} returns the items in turn, {@code current}, {@code reset()}, {@code items}. */
final class Cycler {
    private final PyTuple items;
    private int pos;

    Cycler(List<Object> items) {
        this.items = new PyTuple(items);
    }

    Object attribute(String name) {
        return switch (name) {
            case "items" -> items;
            case "current" -> items.get(pos);
            case "next" -> (PyCallable) (ev, args, kw) -> {
                Object v = items.get(pos);
                pos = (pos + 1) % items.size();
                return v;
            };
            case "reset" -> (PyCallable) (ev, args, kw) -> {
                pos = 0;
                return null;
            };
            default -> Undefined.attribute(this, name);
        };
    }
}
