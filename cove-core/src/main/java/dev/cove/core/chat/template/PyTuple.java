package dev.cove.core.chat.template;

import java.util.AbstractList;
import java.util.List;

/** A Python tuple: an immutable list that prints as {@code (a, b)}. */
class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(Object... items) {
        this.items = items.clone();
    }

    PyTuple(List<Object> items) {
        this.items = items.toArray();
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
