package dev.cove.spark;

import dev.cove.core.Model;
import dev.cove.core.model.ForwardState;

/**
 * A text's embedding: the mean of its tokens' final hidden states (what the output head reads),
 * scaled to unit length, as cove-server's {@code /v1/embeddings} computes it. One state per
 * embedder, reused: one thread at a time.
 */
final class Embedder {
    private final Model model;
    private final ForwardState state;
    private final int dim;

    Embedder(Model model, int contextLength) {
        this.model = model;
        this.state = model.forwardPass().newState(contextLength);
        this.dim = model.config().embeddingLength();
    }

    /** The embedding of {@code text}, or an exception whose message says why there is none. */
    float[] embed(String text) {
        int[] tokens = model.tokenizer().encode(text, true, false);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the text is empty");
        }
        if (tokens.length > state.contextLength()) {
            throw new IllegalArgumentException("the text is " + tokens.length + " tokens but the context holds "
                    + state.contextLength());
        }
        float[] hidden = model.forwardPass().hiddenStates(state, tokens, 0);
        double[] sum = new double[dim];
        for (int t = 0; t < tokens.length; t++) {
            for (int i = 0; i < dim; i++) {
                sum[i] += hidden[t * dim + i];
            }
        }
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = norm == 0 ? 0f : (float) (sum[i] / norm);
        }
        return out;
    }
}
