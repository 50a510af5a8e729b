package dev.cove.core.chat.template;

import java.util.Iterator;

/**
 * A Python generator, which {@code map}, {@code select}, {@code reject} and their attribute forms
 * return: iterable once, without a length, and not serializable by {@code tojson}.
 */
final class PyIterator implements Iterator<Object> {
    private final Iterator<Object> source;

    PyIterator(Iterator<Object> source) {
        this.source = source;
    }

    @Override
    public boolean hasNext() {
        return source.hasNext();
    }

    @Override
    public Object next() {
        return source.next();
    }
}
