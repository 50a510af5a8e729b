package dev.cove.server.batch;

import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;

/**
 * One sequence's place in the model: a KV cache ({@link ForwardState}) and the tokens whose keys
 * and values it holds, in order. A slot outlives the request that used it, so the next request
 * whose prompt starts the same way (the earlier turns of a chat, a shared system prompt) reuses
 * those positions instead of evaluating them again.
 *
 * <p>Owned by the scheduler thread; a {@link DecodeEngine} advances it during a step.
 */
public final class KvSlot {
    private final int id;
    private final ForwardState state;
    private final int[] tokens;
    private int length;
    long lastUsedNanos;
    boolean busy;

    KvSlot(int id, Transformer model, int contextLength) {
        this.id = id;
        this.state = model.newState(contextLength);
        this.tokens = new int[contextLength];
    }

    public int id() {
        return id;
    }

    /** The forward pass's per-sequence state: KV cache, scratch buffers and the last logits. */
    public ForwardState state() {
        return state;
    }

    /** Positions the cache can hold. */
    public int capacity() {
        return tokens.length;
    }

    /** Tokens in the cache: also the position the next token is fed at. */
    public int length() {
        return length;
    }

    /** Records that {@code token} was fed at position {@link #length()}; engines call this after each forward. */
    public void append(int token) {
        if (length >= tokens.length) {
            throw new IllegalStateException("slot " + id + " is full (" + tokens.length + " positions)");
        }
        tokens[length++] = token;
    }

    /** Forgets every position from {@code newLength} on. */
    void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a slot of " + length + " tokens to " + newLength);
        }
        length = newLength;
    }

    /** How many leading tokens of {@code prompt} this slot already holds. */
    int commonPrefix(int[] prompt) {
        int limit = Math.min(length, prompt.length);
        int n = 0;
        while (n < limit && tokens[n] == prompt[n]) {
            n++;
        }
        return n;
    }
}
