package dev.cove.core.chat.template;

import java.util.AbstractList;

/** Python's range: a lazy arithmetic sequence that prints as {@code range(0, 3)}, not as a list. */
final class PyRange extends AbstractList<Object> {
    private final long start;
    private final long stop;
    private final long step;
    private final int size;

    PyRange(long start, long stop, long step, int size) {
        this.start = start;
        this.stop = stop;
        this.step = step;
        this.size = size;
    }

    long start() {
        return start;
    }

    long stop() {
        return stop;
    }

    long step() {
        return step;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return start + index * step;
    }

    @Override
    public int size() {
        return size;
    }

    /** Python's repr: the step only when it is not 1. */
    String repr() {
        return "range(" + start + ", " + stop + (step == 1 ? "" : ", " + step) + ")";
    }
}
