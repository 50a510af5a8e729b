package dev.cove.core.model;

import dev.cove.core.kernel.Activations;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.Projection;

/**
 * Scratch buffers of one sequence's forward pass, reused for every token (no allocation per
 * token), its KV cache, and the reusable parallel tasks. Buffers for batched prompt processing
 * are allocated on first use. Belongs to one thread at a time.
 */
public final class ForwardState {
    final float[] x;              // the residual stream (of the last token processed)
    final Activations xbIn;       // normalized input of a sub-layer
    final float[] xb;
    final Activations attnIn;     // attention output before the output projection
    final float[] attnOut;
    final Activations hiddenIn;   // SwiGLU output, input of the down projection
    final float[] gate;
    final float[] up;
    final float[] proj;           // output of the attention or feed-forward projection back to the stream
    final float[] q;
    final float[] k;
    final float[] v;
    final float[][] scores;       // attention scores, one row of contextLength per thread
    final float[] logits;
    final KvCache cache;
    final Projection projection;
    final LlamaModel.Attention attention;
    private final ModelConfig config;
    private final int threads;
    private Batch batch;

    ForwardState(ModelConfig c, int contextLength, Kernels kernels, int threads, LlamaModel model) {
        config = c;
        this.threads = threads;
        x = new float[c.embeddingLength()];
        xbIn = new Activations(c.embeddingLength(), 1);
        xb = xbIn.values();
        attnIn = new Activations(c.queryDim(), 1);
        attnOut = attnIn.values();
        hiddenIn = new Activations(c.feedForwardLength(), 1);
        gate = hiddenIn.values();
        up = new float[c.feedForwardLength()];
        proj = new float[c.embeddingLength()];
        q = new float[c.queryDim()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        scores = new float[threads][contextLength];
        logits = new float[c.vocabularySize()];
        cache = new KvCache(c, contextLength);
        projection = new Projection(kernels, threads, Math.max(c.embeddingLength(), Math.max(c.queryDim(), c.feedForwardLength())));
        attention = model.new Attention(this);
    }

    /** The logits of the last token processed with logits requested. Valid until the next forward call. */
    public float[] logits() {
        return logits;
    }

    public int contextLength() {
        return cache.capacity();
    }

    /** Buffers for up to {@link Batch#CAPACITY} prompt tokens at once, made on first use. */
    Batch batch() {
        if (batch == null) {
            batch = new Batch(config);
        }
        return batch;
    }

    int threads() {
        return threads;
    }

    /** Row-major buffers of a batch of tokens: row t of each holds token t's vector. */
    static final class Batch {
        /** Tokens per batch: large enough to amortize reading the weights, small enough for the caches. */
        static final int CAPACITY = 64;

        final float[] x;
        final Activations xbIn;
        final Activations attnIn;
        final Activations hiddenIn;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] up;
        final float[] proj;

        Batch(ModelConfig c) {
            x = new float[CAPACITY * c.embeddingLength()];
            xbIn = new Activations(c.embeddingLength(), CAPACITY);
            attnIn = new Activations(c.queryDim(), CAPACITY);
            hiddenIn = new Activations(c.feedForwardLength(), CAPACITY);
            q = new float[CAPACITY * c.queryDim()];
            k = new float[CAPACITY * c.kvDim()];
            v = new float[CAPACITY * c.kvDim()];
            up = new float[CAPACITY * c.feedForwardLength()];
            proj = new float[CAPACITY * c.embeddingLength()];
        }

        void setTokens(int n) {
            xbIn.setTokens(n);
            attnIn.setTokens(n);
            hiddenIn.setTokens(n);
        }
    }
}
