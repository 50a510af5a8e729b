package dev.cove.core.chat.template;

import java.util.List;

/** The {@code loop} variable of a for-loop: index, first, last, length, neighbours, cycle. */
final class LoopContext {
    private final List<Object> items;
    int index0;

    LoopContext(List<Object> items) {
        this.items = items;
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
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.name("previtem");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : Undefined.name("nextitem");
            case "cycle" -> (PyCallable) (ev, args, kwargs) -> {
                if (args.isEmpty()) {
                    throw TemplateException.type("no items for cycling given");
                }
                return args.get(index0 % args.size());
            };
            case "changed" -> (PyCallable) (ev, args, kwargs) -> {
                throw TemplateException.runtime("loop.changed is not supported");
            };
            default -> Undefined.attribute(this, name);
        };
    }
}
