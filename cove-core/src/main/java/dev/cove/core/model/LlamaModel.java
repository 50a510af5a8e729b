package dev.cove.core.model;

import dev.cove.core.kernel.Activations;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.kernel.WorkerPool;

/**
 * The llama-family transformer (Llama 2/3, TinyLlama, Mistral): pre-norm blocks of grouped-query
 * attention with RoPE and a SwiGLU feed-forward network. One method per step of the paper; the
 * arithmetic lives in {@code kernel}. Immutable and shared; per-sequence state is a
 * {@link ForwardState}.
 *
 * <p>Two entry points: {@link #forward} feeds one token (generation), {@link #forwardBatch}
 * feeds many (a prompt): the same steps on a batch of rows, with matrix-matrix products that read
 * each weight once per batch, and causal attention within the batch.
 */
public final class LlamaModel {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Rope rope;
    private final WorkerPool pool;
    private final Kernels kernels;
    private final float attentionScale;

    public LlamaModel(ModelConfig config, ModelWeights weights, WorkerPool pool) {
        this(config, weights, pool, Kernels.get());
    }

    /** A model computing with {@code kernels} (tests compare implementations this way). */
    public LlamaModel(ModelConfig config, ModelWeights weights, WorkerPool pool, Kernels kernels) {
        this.config = config;
        this.kernels = kernels;
        this.weights = weights.prepared(kernels, pool);
        // Off by default: measured on `cove run -n 16`, compiling on tiny inputs at load cost more
        // (0.5-1 s) than it saved on the first tokens (0.3 s). -Dcove.warmUp=true turns it on.
        if (Boolean.getBoolean("cove.warmUp")) {
            kernels.warmUp(this.weights.matrixTypes());
        }
        this.pool = pool;
        this.rope = new Rope(config, weights.ropeFrequencyFactors());
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Kernels kernels() {
        return kernels;
    }

    public int threads() {
        return pool.threads();
    }

    public ForwardState newState(int contextLength) {
        return new ForwardState(config, contextLength, kernels, pool.threads(), this);
    }

    /**
     * Feeds {@code token} at {@code position}, storing its keys and values in the state's cache.
     * Computes the logits into {@link ForwardState#logits()} only when {@code computeLogits}.
     */
    public void forward(ForwardState s, int token, int position, boolean computeLogits) {
        checkPosition(s, position, 1);
        weights.tokenEmbedding().dequantizeRow(token, s.x, 0);
        for (int layer = 0; layer < config.blockCount(); layer++) {
            LayerWeights w = weights.layers()[layer];
            attention(s, w, layer, position);
            feedForward(s, w);
        }
        if (computeLogits) {
            logits(s, s.x, 0);
        }
    }

    /**
     * Feeds {@code tokens} at positions {@code startPosition, startPosition + 1, ...}, storing
     * their keys and values in the state's cache, in batches: the result is that of calling
     * {@link #forward} for each token in turn (up to float rounding). When {@code logitsForLast},
     * {@link ForwardState#logits()} then holds the logits after the last token; the output head
     * is skipped for the others.
     */
    public void forwardBatch(ForwardState s, int[] tokens, int startPosition, boolean logitsForLast) {
        checkPosition(s, startPosition, tokens.length);
        ForwardState.Batch b = s.batch();
        int dim = config.embeddingLength();
        for (int first = 0; first < tokens.length; first += ForwardState.Batch.CAPACITY) {
            int n = Math.min(ForwardState.Batch.CAPACITY, tokens.length - first);
            b.setTokens(n);
            for (int t = 0; t < n; t++) {
                weights.tokenEmbedding().dequantizeRow(tokens[first + t], b.x, t * dim);
            }
            for (int layer = 0; layer < config.blockCount(); layer++) {
                LayerWeights w = weights.layers()[layer];
                attentionBatch(s, b, w, layer, startPosition + first, n);
                feedForwardBatch(s, b, w, n);
            }
            if (first + n == tokens.length) {
                System.arraycopy(b.x, (n - 1) * dim, s.x, 0, dim);
                if (logitsForLast) {
                    logits(s, s.x, 0);
                }
            }
        }
    }

    private void checkPosition(ForwardState s, int position, int count) {
        if (position < 0 || position + count > s.contextLength()) {
            throw new IllegalArgumentException("positions " + position + ".." + (position + count - 1)
                    + " outside the context of " + s.contextLength() + " tokens");
        }
    }

    private void logits(ForwardState s, float[] x, int xOffset) {
        kernels.rmsNorm(s.xb, 0, x, xOffset, weights.outputNorm(), config.embeddingLength(), config.rmsNormEpsilon());
        s.projection.run(pool, s.xbIn, weights.output(), s.logits);
    }

    // ------------------------------------------------------------------ one token

    private void attention(ForwardState s, LayerWeights w, int layer, int position) {
        kernels.rmsNorm(s.xb, 0, s.x, 0, w.attentionNorm(), config.embeddingLength(), config.rmsNormEpsilon());
        s.projection.run(pool, s.xbIn, w.wq(), s.q, w.wk(), s.k, w.wv(), s.v);
        rope.apply(s.q, 0, config.headCount(), position);
        rope.apply(s.k, 0, config.headCountKv(), position);

        KvCache cache = s.cache;
        int kvDim = config.kvDim();
        System.arraycopy(s.k, 0, cache.keys(layer), position * kvDim, kvDim);
        System.arraycopy(s.v, 0, cache.values(layer), position * kvDim, kvDim);

        s.attention.run(layer, s.q, s.attnOut, position, 1);
        s.projection.run(pool, s.attnIn, w.wo(), s.proj);
        kernels.add(s.x, 0, s.proj, 0, config.embeddingLength());
    }

    private void feedForward(ForwardState s, LayerWeights w) {
        kernels.rmsNorm(s.xb, 0, s.x, 0, w.ffnNorm(), config.embeddingLength(), config.rmsNormEpsilon());
        s.projection.run(pool, s.xbIn, w.gate(), s.gate, w.up(), s.up);
        kernels.swiGlu(s.gate, 0, s.up, 0, config.feedForwardLength());
        s.projection.run(pool, s.hiddenIn, w.down(), s.proj);
        kernels.add(s.x, 0, s.proj, 0, config.embeddingLength());
    }

    // ------------------------------------------------------------------ a batch of tokens

    private void attentionBatch(ForwardState s, ForwardState.Batch b, LayerWeights w, int layer, int start, int n) {
        int dim = config.embeddingLength();
        int qDim = config.queryDim();
        int kvDim = config.kvDim();
        float[] xb = b.xbIn.values();
        for (int t = 0; t < n; t++) {
            kernels.rmsNorm(xb, t * dim, b.x, t * dim, w.attentionNorm(), dim, config.rmsNormEpsilon());
        }
        s.projection.runBatch(pool, b.xbIn, w.wq(), b.q, w.wk(), b.k, w.wv(), b.v);
        KvCache cache = s.cache;
        for (int t = 0; t < n; t++) {
            rope.apply(b.q, t * qDim, config.headCount(), start + t);
            rope.apply(b.k, t * kvDim, config.headCountKv(), start + t);
        }
        System.arraycopy(b.k, 0, cache.keys(layer), start * kvDim, n * kvDim);
        System.arraycopy(b.v, 0, cache.values(layer), start * kvDim, n * kvDim);

        s.attention.run(layer, b.q, b.attnIn.values(), start, n);
        s.projection.runBatch(pool, b.attnIn, w.wo(), b.proj);
        kernels.add(b.x, 0, b.proj, 0, n * dim);
    }

    private void feedForwardBatch(ForwardState s, ForwardState.Batch b, LayerWeights w, int n) {
        int dim = config.embeddingLength();
        float[] xb = b.xbIn.values();
        for (int t = 0; t < n; t++) {
            kernels.rmsNorm(xb, t * dim, b.x, t * dim, w.ffnNorm(), dim, config.rmsNormEpsilon());
        }
        float[] gate = b.hiddenIn.values();
        s.projection.runBatch(pool, b.xbIn, w.gate(), gate, w.up(), b.up);
        kernels.swiGlu(gate, 0, b.up, 0, n * config.feedForwardLength());
        s.projection.runBatch(pool, b.hiddenIn, w.down(), b.proj);
        kernels.add(b.x, 0, b.proj, 0, n * dim);
    }

    // ------------------------------------------------------------------ attention

    /**
     * Scaled dot-product attention of the query heads of {@code count} consecutive tokens (the
     * first at {@code start}) over the cached positions up to each token's own, split between
     * threads by (token, head). A reusable task: one per state, so nothing is allocated per call.
     */
    final class Attention implements WorkerPool.ThreadTask {
        private final ForwardState s;
        private int layer;
        private float[] q;
        private float[] out;
        private int start;
        private int count;

        Attention(ForwardState s) {
            this.s = s;
        }

        void run(int layer, float[] q, float[] out, int start, int count) {
            this.layer = layer;
            this.q = q;
            this.out = out;
            this.start = start;
            this.count = count;
            pool.runOnAll(this);
            this.q = null;
            this.out = null;
        }

        @Override
        public void run(int thread, int threads) {
            int heads = config.headCount();
            int total = heads * count;
            int first = (int) ((long) total * thread / threads);
            int last = (int) ((long) total * (thread + 1) / threads);
            for (int i = first; i < last; i++) {
                int t = i / heads;
                attendOneHead(s.scores[thread], t * config.queryDim(), layer, i % heads, start + t);
            }
        }

        /** One query head of the token at {@code position} over positions 0..position. */
        private void attendOneHead(float[] scores, int tokenOffset, int layer, int head, int position) {
            int headDim = config.headDim();
            int kvDim = config.kvDim();
            int kvOffset = head / config.groupSize() * headDim;
            int qOffset = tokenOffset + head * headDim;
            float[] keys = s.cache.keys(layer);
            float[] values = s.cache.values(layer);
            for (int p = 0; p <= position; p++) {
                scores[p] = kernels.dot(q, qOffset, keys, p * kvDim + kvOffset, headDim) * attentionScale;
            }
            kernels.softmax(scores, 0, position + 1);
            java.util.Arrays.fill(out, qOffset, qOffset + headDim, 0f);
            for (int p = 0; p <= position; p++) {
                kernels.axpy(scores[p], values, p * kvDim + kvOffset, out, qOffset, headDim);
            }
        }
    }
}
