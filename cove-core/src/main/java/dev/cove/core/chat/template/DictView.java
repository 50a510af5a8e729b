package dev.cove.core.chat.template;

import java.util.AbstractList;
import java.util.List;

/**
 * What a dict's {@code keys()}, {@code values()} and {@code items()} return: iterable, sized and
 * searchable like a list, but printed as {@code dict_keys([...])} and not subscriptable, as in Python.
 */
final class DictView extends AbstractList<Object> {
    private final String kind;
    private final List<Object> items;

    DictView(String kind, List<Object> items) {
        this.kind = kind;
        this.items = items;
    }

    /** {@code dict_keys}, {@code dict_values} or {@code dict_items}. */
    String kind() {
        return kind;
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
