package dev.cove.core.model;

import static dev.cove.core.kernel.VectorOps.add;
import static dev.cove.core.kernel.VectorOps.rmsNorm;
import static dev.cove.core.kernel.VectorOps.swiGlu;

import dev.cove.core.kernel.MatVec;
import dev.cove.core.kernel.VectorOps;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.kernel.WorkerPool;

/**
 * The llama-family transformer (Llama 2/3, TinyLlama, Mistral): pre-norm blocks of grouped-query
 * attention with RoPE and a SwiGLU feed-forward network. One method per step of the paper; the
 * arithmetic lives in {@code kernel}. Immutable and shared; per-sequence state is a
 * {@link ForwardState}.
 */
public final class LlamaModel {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Rope rope;
    private final WorkerPool pool;
    private final float attentionScale;

    public LlamaModel(ModelConfig config, ModelWeights weights, WorkerPool pool) {
        this.config = config;
        this.weights = weights;
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

    public ForwardState newState(int contextLength) {
        return new ForwardState(config, contextLength);
    }

    /**
     * Feeds {@code token} at {@code position}, storing its keys and values in the state's cache.
     * Computes the logits into {@link ForwardState#logits()} only when {@code computeLogits}.
     */
    public void forward(ForwardState s, int token, int position, boolean computeLogits) {
        weights.tokenEmbedding().dequantizeRow(token, s.x, 0);
        for (int layer = 0; layer < config.blockCount(); layer++) {
            LayerWeights w = weights.layers()[layer];
            attention(s, w, layer, position);
            feedForward(s, w);
        }
        if (computeLogits) {
            rmsNorm(s.xb, s.x, weights.outputNorm(), config.embeddingLength(), config.rmsNormEpsilon());
            matmul(weights.output(), s.xb, s.logits);
        }
    }

    private void attention(ForwardState s, LayerWeights w, int layer, int position) {
        rmsNorm(s.xb, s.x, w.attentionNorm(), config.embeddingLength(), config.rmsNormEpsilon());
        matmul(w.wq(), s.xb, s.q);
        matmul(w.wk(), s.xb, s.k);
        matmul(w.wv(), s.xb, s.v);
        rope.apply(s.q, config.headCount(), position);
        rope.apply(s.k, config.headCountKv(), position);

        KvCache cache = s.cache;
        int kvDim = config.kvDim();
        System.arraycopy(s.k, 0, cache.keys(layer), position * kvDim, kvDim);
        System.arraycopy(s.v, 0, cache.values(layer), position * kvDim, kvDim);

        pool.parallelFor(config.headCount(), (first, last) -> {
            for (int head = first; head < last; head++) {
                attendOneHead(s, cache, layer, head, position);
            }
        });
        matmul(w.wo(), s.attnOut, s.proj);
        add(s.x, s.proj, config.embeddingLength());
    }

    /** Scaled dot-product attention of one query head over positions 0..position. */
    private void attendOneHead(ForwardState s, KvCache cache, int layer, int head, int position) {
        int headDim = config.headDim();
        int kvDim = config.kvDim();
        int kvOffset = head / config.groupSize() * headDim;
        int qOffset = head * headDim;
        int scoreOffset = head * s.contextLength();
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        for (int t = 0; t <= position; t++) {
            s.scores[scoreOffset + t] = VectorOps.dot(s.q, qOffset, keys, t * kvDim + kvOffset, headDim) * attentionScale;
        }
        VectorOps.softmax(s.scores, scoreOffset, position + 1);
        java.util.Arrays.fill(s.attnOut, qOffset, qOffset + headDim, 0f);
        for (int t = 0; t <= position; t++) {
            VectorOps.axpy(s.scores[scoreOffset + t], values, t * kvDim + kvOffset, s.attnOut, qOffset, headDim);
        }
    }

    private void feedForward(ForwardState s, LayerWeights w) {
        rmsNorm(s.xb, s.x, w.ffnNorm(), config.embeddingLength(), config.rmsNormEpsilon());
        matmul(w.gate(), s.xb, s.gate);
        matmul(w.up(), s.xb, s.up);
        swiGlu(s.gate, s.up, config.feedForwardLength());
        matmul(w.down(), s.gate, s.proj);
        add(s.x, s.proj, config.embeddingLength());
    }

    private void matmul(WeightMatrix w, float[] x, float[] out) {
        MatVec.multiply(pool, w, x, out);
    }
}
