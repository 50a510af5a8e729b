package dev.cove.core.chat.template;

import java.util.List;

/**
 * One group of jinja2's {@code groupby} filter: the tuple {@code (grouper, list)}, which also
 * reads as the attributes {@code .grouper} and {@code .list} (a named tuple that prints as a plain
 * tuple).
 */
final class GroupTuple extends PyTuple {
    GroupTuple(Object grouper, List<Object> list) {
        super(grouper, list);
    }

    /** The named field, or null when {@code name} is not one. */
    Object field(String name) {
        return switch (name) {
            case "grouper" -> get(0);
            case "list" -> get(1);
            default -> null;
        };
    }
}
