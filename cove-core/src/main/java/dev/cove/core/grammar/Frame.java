package dev.cove.core.grammar;

/**
 * One parse stack of the pushdown automaton, as a persistent linked list: {@code pos} is the
 * grammar element to match next, {@code next} the rest of the stack (what follows once this
 * rule is done). Stacks share their tails, so a step costs one node, and each node carries its
 * structural hash so that sets of stacks (the automaton's state) hash and compare cheaply.
 */
final class Frame {
    /** The empty stack: the grammar has matched a complete string. */
    static final Frame EMPTY = new Frame(-1, null, 0, 0);

    final int pos;
    final Frame next;
    final int hash;
    final int depth;

    private Frame(int pos, Frame next, int hash, int depth) {
        this.pos = pos;
        this.next = next;
        this.hash = hash;
        this.depth = depth;
    }

    static Frame push(int pos, Frame next) {
        return new Frame(pos, next, next.hash * 31 + pos + 1, next.depth + 1);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Frame other)) {
            return false;
        }
        Frame a = this;
        Frame b = other;
        while (a != b) { // iterative: stacks can be thousands deep
            if (a.hash != b.hash || a.pos != b.pos || a.depth != b.depth) {
                return false;
            }
            a = a.next;
            b = b.next;
        }
        return true;
    }
}
