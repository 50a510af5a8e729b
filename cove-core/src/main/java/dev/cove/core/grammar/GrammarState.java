package dev.cove.core.grammar;

import java.util.Arrays;

/**
 * Where the automaton is: the set of live parse stacks (no duplicates, in a canonical order)
 * and the bytes of a code point begun but not finished ({@code partialValue}, with
 * {@code partialRemain} continuation bytes still to come; 0 when none). Immutable, so that it
 * can key a cache of token masks.
 */
final class GrammarState {
    final Frame[] stacks;
    final int partialValue;
    final int partialRemain;
    private final int hash;
    /**
     * Byte transitions, filled in by one mask computation that owns this (private) state object;
     * never part of its value.
     */
    GrammarState[] next;

    /** A copy for one computation's own use (its {@link #next} row is its own). */
    GrammarState copy() {
        return new GrammarState(stacks, partialValue, partialRemain, hash);
    }

    private GrammarState(Frame[] sortedStacks, int partialValue, int partialRemain, int hash) {
        this.stacks = sortedStacks;
        this.partialValue = partialValue;
        this.partialRemain = partialRemain;
        this.hash = hash;
    }

    GrammarState(Frame[] stacks, int partialValue, int partialRemain) {
        Arrays.sort(stacks, (a, b) -> a.hash != b.hash ? Integer.compare(a.hash, b.hash)
                : Integer.compare(a.depth, b.depth));
        this.stacks = stacks;
        this.partialValue = partialValue;
        this.partialRemain = partialRemain;
        int h = partialValue * 31 + partialRemain;
        for (Frame f : stacks) {
            h = h * 31 + f.hash;
        }
        this.hash = h;
    }

    boolean isDead() {
        return stacks.length == 0;
    }

    /** Whether the text so far is a complete string of the grammar. */
    boolean accepting() {
        if (partialRemain != 0) {
            return false;
        }
        for (Frame f : stacks) {
            if (f == Frame.EMPTY) {
                return true;
            }
        }
        return false;
    }

    /** Whether the grammar is done: the text is complete and nothing may follow it. */
    boolean complete() {
        return partialRemain == 0 && stacks.length == 1 && stacks[0] == Frame.EMPTY;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof GrammarState s) || s.hash != hash || s.partialValue != partialValue
                || s.partialRemain != partialRemain || s.stacks.length != stacks.length) {
            return false;
        }
        for (int i = 0; i < stacks.length; i++) {
            if (!stacks[i].equals(s.stacks[i])) {
                return false; // same-hash stacks in another order compare unequal: a cache miss, never a wrong hit
            }
        }
        return true;
    }
}
