package dev.cove.core.batch;

import dev.cove.core.model.DecodeBatch;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import java.util.Arrays;

/**
 * One {@link Transformer#forwardDecode} of the sequences decoding this step, laid out so that a
 * sequence's logits are bit for bit the same whichever other sequences share the step.
 *
 * <p>Why a layout is needed: the matrix-matrix kernels take tokens in tiles (four at a time for
 * float weights, whose dequantized rows are summed with one accumulator per tile cell) and a
 * single token through the matrix-vector kernel (two accumulators), so a token's sums round
 * differently depending on whether it falls in a full tile, in the remainder, or alone. Padding
 * every step to a whole number of tiles, never fewer than one, with idle sequences of their own
 * (one cached position each, fed token 0 at position 0) puts every real sequence in a full tile
 * every step. A model whose matrices all have packed kernels ({@link Transformer#batchInvariant})
 * is the same in every tile and alone, and runs unpadded: padding cost those kernels the idle
 * rows' arithmetic, which with AVX2's compute-bound products made one sequence's step as slow as
 * four (1.1B Q4_0 on Zen 3: 4.4 generated tokens/s at --parallel 1, against 15 for cove bench).
 *
 * <p>Not thread-safe: one generator's thread. Its buffers are sized once, so a step allocates nothing.
 */
final class DecodeStep {
    /** Rows per tile of the matrix-matrix kernels; every step is a multiple of it. */
    static final int TILE = 4;

    private final Transformer model;
    private final DecodeBatch batch;
    private final ForwardState[] states;
    private final int[] tokens;
    private final int[] positions;
    private final ForwardState[] idle;
    private final boolean pad;

    DecodeStep(Transformer model, int maxSequences) {
        this.model = model;
        this.pad = !model.batchInvariant();
        int capacity = padded(maxSequences);
        this.batch = model.newDecodeBatch(capacity);
        this.states = new ForwardState[capacity];
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.idle = new ForwardState[TILE - 1];
        for (int i = 0; i < idle.length; i++) {
            idle[i] = model.newState(1);
        }
    }

    /** Rows a step of {@code count} sequences runs. */
    static int padded(int count) {
        return Math.max(TILE, (count + TILE - 1) / TILE * TILE);
    }

    /**
     * Feeds {@code tokens[i]} of {@code states[i]} at {@code positions[i]} for i below
     * {@code count}; afterwards each state's logits are those of its token.
     */
    void run(ForwardState[] stepStates, int[] stepTokens, int[] stepPositions, int count) {
        int rows = pad ? padded(count) : count;
        System.arraycopy(stepStates, 0, states, 0, count);
        System.arraycopy(stepTokens, 0, tokens, 0, count);
        System.arraycopy(stepPositions, 0, positions, 0, count);
        for (int i = count; i < rows; i++) {
            states[i] = idle[i - count];
            tokens[i] = 0;
            positions[i] = 0;
        }
        try {
            model.forwardDecode(batch, states, tokens, positions, rows, true);
        } finally {
            Arrays.fill(states, 0, rows, null);
        }
    }
}
