package dev.cove.core.model;

import dev.cove.core.kernel.Activations;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.Projection;

/**
 * Row-major buffers of a batch of tokens that go through the transformer together: row t of
 * each buffer holds token t's vector, and the token belongs to sequence {@code sequences[t]}
 * (whose KV cache it attends over) at position {@code positions[t]}. A prompt chunk is a batch
 * whose rows are one sequence at consecutive positions; a decoding step is a batch of one row per
 * sequence, each at its own position; a single generated token is a batch of one row. Every
 * weight matrix is read once per batch. Holds the reusable parallel tasks, so nothing is
 * allocated per token. Belongs to one thread at a time.
 */
final class TokenBatch {
    /** Tokens of a prompt chunk: large enough to amortize reading the weights, small enough for the caches. */
    static final int PROMPT_CAPACITY = 64;

    final int capacity;
    final ForwardState[] sequences;
    final int[] positions;
    final float[] x;              // the residual stream
    final Activations xbIn;       // normalized input of a sub-layer
    final Activations attnIn;     // attention output, input of the output projection
    final Activations hiddenIn;   // SwiGLU output (the gate projection until then), input of the down projection
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] up;
    final float[] proj;           // output of the attention or feed-forward projection back to the stream
    final Projection projection;
    final Transformer.Attention attention;
    private int size;

    TokenBatch(Transformer model, int capacity) {
        ModelConfig c = model.config();
        Kernels kernels = model.kernels();
        this.capacity = capacity;
        sequences = new ForwardState[capacity];
        positions = new int[capacity];
        x = new float[capacity * c.embeddingLength()];
        xbIn = new Activations(c.embeddingLength(), capacity);
        attnIn = new Activations(c.queryDim(), capacity);
        hiddenIn = new Activations(c.feedForwardLength(), capacity);
        q = new float[capacity * c.queryDim()];
        k = new float[capacity * c.kvDim()];
        v = new float[capacity * c.kvDim()];
        up = new float[capacity * c.feedForwardLength()];
        proj = new float[capacity * c.embeddingLength()];
        projection = new Projection(kernels, model.threads(),
                Math.max(c.embeddingLength(), Math.max(c.queryDim(), c.feedForwardLength())));
        attention = model.new Attention(this);
    }

    /** Tokens in the batch. */
    int size() {
        return size;
    }

    /** Starts a batch of {@code n} tokens; their rows are then {@linkplain #set set}. */
    void resize(int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException(n + " tokens do not fit a batch of " + capacity);
        }
        size = n;
        xbIn.setTokens(n);
        attnIn.setTokens(n);
        hiddenIn.setTokens(n);
    }

    /** Row t is a token of {@code sequence} at {@code position}. */
    void set(int t, ForwardState sequence, int position) {
        sequences[t] = sequence;
        positions[t] = position;
    }

    /** Forgets the sequences, so that a batch kept for reuse does not keep their states alive. */
    void clearSequences() {
        java.util.Arrays.fill(sequences, 0, size, null);
    }
}
