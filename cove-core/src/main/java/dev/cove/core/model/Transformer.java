package dev.cove.core.model;

import dev.cove.core.kernel.Activations;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.WeightMatrix;
import dev.cove.core.kernel.WorkerPool;

/**
 * The decoder-only transformer of every family Cove runs (Llama 2/3, TinyLlama, Mistral, Qwen2/3,
 * Gemma 2/3, Phi-3): pre-norm blocks of grouped-query attention with RoPE and a gated
 * feed-forward network. The family's {@link Architecture} says which optional steps a block
 * takes (biases, Q/K norms, post-norms, soft-caps, sliding windows, GELU); each step is one
 * short method, and the arithmetic lives in {@code kernel}. Immutable and shared; per-sequence
 * state is a {@link ForwardState}.
 *
 * <p>Every entry point runs the same steps on a batch of tokens ({@link TokenBatch}): each token
 * belongs to a sequence and sits at a position, attends over that sequence's KV cache, and every
 * weight matrix is read once for the whole batch. {@link #forward} feeds one token of one sequence
 * (generation), {@link #forwardBatch} a prompt (consecutive tokens of one sequence, causal within
 * the batch), {@link #forwardDecode} one token each of several sequences at their own positions
 * (continuous batching), and {@link #hiddenStates} a prompt whose final hidden states are wanted
 * (embeddings).
 */
public final class Transformer {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Architecture family;
    private final WorkerPool pool;
    private final Kernels kernels;
    private final float embeddingScale;
    private final Rope[] ropesPerLayer;      // for sessions within the original context
    private final Rope[] longRopesPerLayer;  // for longer ones (LongRoPE's long factors); the same array without them
    private volatile KvCacheType kvCacheType = KvCacheType.F32;

    public Transformer(ModelConfig config, ModelWeights weights, WorkerPool pool) {
        this(config, weights, pool, Kernels.get());
    }

    /** A model computing with {@code kernels} (tests compare implementations this way). */
    public Transformer(ModelConfig config, ModelWeights weights, WorkerPool pool, Kernels kernels) {
        this.config = config;
        this.family = config.family();
        this.kernels = kernels;
        // The kernels compile beside the repacking (KernelWarmUp) instead of during the first prompt.
        KernelWarmUp warmUp = KernelWarmUp.start(kernels, weights);
        this.weights = weights.prepared(kernels, pool);
        warmUp.await();
        this.pool = pool;
        this.embeddingScale = family.scaledEmbeddings() ? (float) Math.sqrt(config.embeddingLength()) : 1f;
        this.ropesPerLayer = ropes(weights.ropeFactors());
        this.longRopesPerLayer = weights.ropeFactorsLong() != null ? ropes(weights.ropeFactorsLong()) : ropesPerLayer;
    }

    /** One rotation per layer: the global one, or the local one on sliding-window layers. */
    private Rope[] ropes(float[] factors) {
        RopeConfig r = config.rope();
        Rope global = new Rope(r, config.headDim(), r.freqBase(), r.freqScale(), factors);
        Rope local = new Rope(r, config.headDim(), r.localFreqBase(), r.localFreqScale(), factors);
        Rope[] perLayer = new Rope[config.blockCount()];
        for (int i = 0; i < perLayer.length; i++) {
            perLayer[i] = config.windows().isLocal(i) ? local : global;
        }
        return perLayer;
    }

    /**
     * The rotations of a session of {@code contextLength} positions: LongRoPE models (Phi-3)
     * switch to their long factors when the session is longer than the original training context,
     * as llama.cpp does.
     */
    Rope[] ropesFor(int contextLength) {
        return contextLength > config.rope().originalContext() ? longRopesPerLayer : ropesPerLayer;
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

    /**
     * Whether a token's logits are bit for bit the same however many tokens share a batch with
     * it: true when every matrix a forward pass multiplies has kernels here whose tiles give the
     * matrix-vector result exactly ({@link Kernels#batchInvariant}); the file-layout float
     * kernels round a tile's sums differently from a lone token's.
     */
    public boolean batchInvariant() {
        if (!kernels.batchInvariant(weights.output())) {
            return false;
        }
        for (LayerWeights l : weights.layers()) {
            for (dev.cove.core.kernel.WeightMatrix w : l.matrices()) {
                if (!kernels.batchInvariant(w)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The KV cache type of the states made from now on by {@link #newState(int)} (F32 until
     * set): chosen once, at start-up, by whoever configures the model (`--kv-type`).
     */
    public void useKvCache(KvCacheType type) {
        this.kvCacheType = java.util.Objects.requireNonNull(type);
    }

    public KvCacheType kvCacheType() {
        return kvCacheType;
    }

    public ForwardState newState(int contextLength) {
        return newState(contextLength, kvCacheType);
    }

    /** A state whose KV cache stores {@code type}, whatever {@link #useKvCache} chose. */
    public ForwardState newState(int contextLength, KvCacheType type) {
        return new ForwardState(this, contextLength, type);
    }

    /** Buffers for {@link #forwardDecode} steps of up to {@code maxSequences} sequences. */
    public DecodeBatch newDecodeBatch(int maxSequences) {
        if (maxSequences < 1) {
            throw new IllegalArgumentException("a decode batch holds at least 1 sequence, not " + maxSequences);
        }
        return new DecodeBatch(this, maxSequences);
    }

    /**
     * Feeds {@code token} at {@code position}, storing its keys and values in the state's cache.
     * Computes the logits into {@link ForwardState#logits()} only when {@code computeLogits}.
     */
    public void forward(ForwardState s, int token, int position, boolean computeLogits) {
        checkPosition(s, position, 1);
        TokenBatch b = s.single;
        b.resize(1);
        b.set(0, s, position);
        embed(b, 0, token);
        layers(b);
        if (computeLogits) {
            logits(s);
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
        forwardBatch(s, tokens, 0, tokens.length, startPosition, logitsForLast);
    }

    /** {@link #forwardBatch(ForwardState, int[], int, boolean)} of {@code tokens[offset .. offset + length)}. */
    public void forwardBatch(ForwardState s, int[] tokens, int offset, int length, int startPosition,
                             boolean logitsForLast) {
        prompt(s, tokens, offset, length, startPosition, null);
        if (logitsForLast && length > 0) {
            logits(s);
        }
    }

    /**
     * Feeds {@code tokens[offset .. offset + length)} like {@link #forwardBatch} and writes the
     * logits after each of the last {@code logitRows} of them into {@code logits}, row r (the
     * logits after token {@code length - logitRows + r}) at {@code r * vocabularySize}: what
     * speculative decoding verifies its drafted tokens with, one pass for all of them. The output
     * head reads its matrix once for all the rows. {@link ForwardState#logits()} is left as it was.
     *
     * @throws IllegalArgumentException when {@code logitRows} is not between 1 and
     *     {@code min(length, }{@link #MAX_LOGIT_ROWS}{@code )}, or {@code logits} is too short
     */
    public void forwardBatch(ForwardState s, int[] tokens, int offset, int length, int startPosition, int logitRows,
                             float[] logits) {
        if (logitRows < 1 || logitRows > length || logitRows > MAX_LOGIT_ROWS) {
            throw new IllegalArgumentException("logits of " + logitRows + " rows of a batch of " + length
                    + " tokens: between 1 and " + Math.min(length, MAX_LOGIT_ROWS));
        }
        int vocab = config.vocabularySize();
        if (logits.length < (long) logitRows * vocab) {
            throw new IllegalArgumentException(logitRows + " rows of logits need " + logitRows + " x " + vocab
                    + " floats, not " + logits.length);
        }
        checkPosition(s, startPosition, length);
        int before = length - logitRows;
        // The rows with logits form the last chunk on their own, so that one product of the
        // output head covers them all.
        prompt(s, tokens, offset, before, startPosition, null);
        TokenBatch b = s.prompt();
        b.resize(logitRows);
        for (int t = 0; t < logitRows; t++) {
            b.set(t, s, startPosition + before + t);
            embed(b, t, tokens[offset + before + t]);
        }
        layers(b);
        int dim = config.embeddingLength();
        float[] xb = b.xbIn.values();
        for (int t = 0; t < logitRows; t++) {
            finalNorm(xb, t * dim, b.x, t * dim);
        }
        project(b, b.xbIn, weights.output(), logits);
        for (int t = 0; t < logitRows; t++) {
            softCapLogits(logits, t * vocab);
        }
        System.arraycopy(b.x, (logitRows - 1) * dim, s.x, 0, dim);
    }

    /** The most rows of logits one {@link #forwardBatch(ForwardState, int[], int, int, int, int, float[])} computes. */
    public static final int MAX_LOGIT_ROWS = TokenBatch.PROMPT_CAPACITY;

    /**
     * Feeds {@code tokens[offset .. offset + length)} like {@link #forwardBatch} and writes each
     * token's final hidden state (the residual stream after the last block, through the output
     * norm: what the output head reads, and what embeddings are pooled from) into
     * {@code out[t * embeddingLength ..]} for token t. Computes no logits.
     */
    public void hiddenStates(ForwardState s, int[] tokens, int offset, int length, int startPosition, float[] out) {
        if (out.length < (long) length * config.embeddingLength()) {
            throw new IllegalArgumentException("hidden states of " + length + " tokens need " + length + " x "
                    + config.embeddingLength() + " floats, not " + out.length);
        }
        prompt(s, tokens, offset, length, startPosition, out);
    }

    /** The final hidden states of {@code tokens} fed from {@code startPosition}, one row of embeddingLength per token. */
    public float[] hiddenStates(ForwardState s, int[] tokens, int startPosition) {
        float[] out = new float[Math.multiplyExact(tokens.length, config.embeddingLength())];
        hiddenStates(s, tokens, 0, tokens.length, startPosition, out);
        return out;
    }

    /** The final hidden state of the last token {@code s} processed, into {@code out[0 .. embeddingLength)}. */
    public void hiddenState(ForwardState s, float[] out) {
        finalNorm(out, 0, s.x, 0);
    }

    /**
     * One decoding step of {@code count} sequences: token {@code tokens[i]} of sequence
     * {@code states[i]} at position {@code positions[i]} (each attending over its own cache, up to
     * its own position), with every weight read once for all of them. The result for each sequence
     * is that of {@link #forward} (up to float rounding); with {@code computeLogits} each state's
     * {@link ForwardState#logits()} then holds its logits. The states must be distinct.
     */
    public void forwardDecode(DecodeBatch batch, ForwardState[] states, int[] tokens, int[] positions, int count,
                              boolean computeLogits) {
        if (batch.model != this) {
            throw new IllegalArgumentException("the decode batch was made by another model");
        }
        TokenBatch b = batch.rows;
        b.resize(count);
        for (int i = 0; i < count; i++) {
            ForwardState s = states[i];
            checkPosition(s, positions[i], 1);
            for (int j = 0; j < i; j++) {
                if (states[j] == s) {
                    throw new IllegalArgumentException("sequences " + j + " and " + i + " of the step are the same state");
                }
            }
            b.set(i, s, positions[i]);
            embed(b, i, tokens[i]);
        }
        try {
            layers(b);
        } finally {
            b.clearSequences();
        }
        int dim = config.embeddingLength();
        for (int i = 0; i < count; i++) {
            System.arraycopy(b.x, i * dim, states[i].x, 0, dim);
        }
        if (computeLogits) {
            float[] xb = b.xbIn.values();
            for (int i = 0; i < count; i++) {
                finalNorm(xb, i * dim, b.x, i * dim);
            }
            project(b, b.xbIn, weights.output(), batch.logits);
            int vocab = config.vocabularySize();
            for (int i = 0; i < count; i++) {
                softCapLogits(batch.logits, i * vocab);
                System.arraycopy(batch.logits, i * vocab, states[i].logits, 0, vocab);
            }
        }
    }

    /** Tokens [offset, offset + length) of one sequence in chunks; each token's final hidden state into hidden when not null. */
    private void prompt(ForwardState s, int[] tokens, int offset, int length, int startPosition, float[] hidden) {
        checkPosition(s, startPosition, length);
        if (length == 0) {
            return;
        }
        TokenBatch b = s.prompt();
        int dim = config.embeddingLength();
        for (int first = 0; first < length; first += b.capacity) {
            int n = Math.min(b.capacity, length - first);
            b.resize(n);
            for (int t = 0; t < n; t++) {
                b.set(t, s, startPosition + first + t);
                embed(b, t, tokens[offset + first + t]);
            }
            layers(b);
            if (hidden != null) {
                for (int t = 0; t < n; t++) {
                    finalNorm(hidden, (first + t) * dim, b.x, t * dim);
                }
            }
        }
        System.arraycopy(b.x, (b.size() - 1) * dim, s.x, 0, dim);
    }

    private void checkPosition(ForwardState s, int position, int count) {
        if (position < 0 || position + count > s.contextLength()) {
            throw new IllegalArgumentException("positions " + position + ".." + (position + count - 1)
                    + " outside the context of " + s.contextLength() + " tokens");
        }
    }

    // ------------------------------------------------------------------ the steps

    private void embed(TokenBatch b, int t, int token) {
        int dim = config.embeddingLength();
        weights.tokenEmbedding().dequantizeRow(token, b.x, t * dim);
        if (embeddingScale != 1f) {
            kernels.scale(b.x, t * dim, embeddingScale, dim);
        }
    }

    private void layers(TokenBatch b) {
        for (int layer = 0; layer < config.blockCount(); layer++) {
            LayerWeights w = weights.layers()[layer];
            attention(b, w, layer);
            feedForward(b, w);
        }
    }

    private void attention(TokenBatch b, LayerWeights w, int layer) {
        int n = b.size();
        int qDim = config.queryDim();
        int kvDim = config.kvDim();
        rmsNorm(b, w.attentionNorm());
        project(b, b.xbIn, w.wq(), b.q, w.wk(), b.k, w.wv(), b.v);
        for (int t = 0; t < n; t++) {
            if (family.attentionBiases()) {
                kernels.add(b.q, t * qDim, w.queryBias(), 0, qDim);
                kernels.add(b.k, t * kvDim, w.keyBias(), 0, kvDim);
                kernels.add(b.v, t * kvDim, w.valueBias(), 0, kvDim);
            }
            if (family.queryKeyNorms()) {
                headNorms(b.q, t * qDim, config.headCount(), w.queryNorm());
                headNorms(b.k, t * kvDim, config.headCountKv(), w.keyNorm());
            }
            int position = b.positions[t];
            b.sequences[t].ropes[layer].apply(b.q, t * qDim, config.headCount(), b.k, t * kvDim, config.headCountKv(),
                    position);
            b.sequences[t].cache.put(layer, position, b.k, t * kvDim, b.v, t * kvDim);
        }
        b.attention.run(layer);
        project(b, b.attnIn, w.wo(), b.proj);
        addToResidual(b, b.proj, w.postAttentionNorm());
    }

    private void feedForward(TokenBatch b, LayerWeights w) {
        int n = b.size();
        rmsNorm(b, w.ffnNorm());
        float[] gate = b.hiddenIn.values();
        project(b, b.xbIn, w.gate(), gate, w.up(), b.up);
        switch (family.activation()) {
            case SILU -> kernels.swiGlu(gate, 0, b.up, 0, n * config.feedForwardLength());
            case GELU_TANH -> kernels.geGlu(gate, 0, b.up, 0, n * config.feedForwardLength());
        }
        project(b, b.hiddenIn, w.down(), b.proj);
        addToResidual(b, b.proj, w.postFfnNorm());
    }

    /** The residual stream += a sub-layer's output, normalized first where the family has a post-norm. */
    private void addToResidual(TokenBatch b, float[] out, float[] postNorm) {
        int dim = config.embeddingLength();
        if (postNorm != null) {
            for (int t = 0; t < b.size(); t++) {
                kernels.rmsNorm(out, t * dim, out, t * dim, postNorm, dim, config.rmsNormEpsilon());
            }
        }
        kernels.add(b.x, 0, out, 0, b.size() * dim);
    }

    /** RMS norm of each of {@code heads} heads of {@code x} from {@code offset}, with the same weights. */
    private void headNorms(float[] x, int offset, int heads, float[] weight) {
        int headDim = config.headDim();
        for (int h = 0; h < heads; h++) {
            int o = offset + h * headDim;
            kernels.rmsNorm(x, o, x, o, weight, headDim, config.rmsNormEpsilon());
        }
    }

    /** The output head of the last token {@code s} processed. */
    private void logits(ForwardState s) {
        TokenBatch b = s.single;
        b.resize(1);
        finalNorm(b.xbIn.values(), 0, s.x, 0);
        project(b, b.xbIn, weights.output(), s.logits);
        softCapLogits(s.logits, 0);
    }

    /** Gemma 2's final soft-cap, {@code c * tanh(logit / c)}, of the vocabulary's logits from {@code offset}. */
    private void softCapLogits(float[] logits, int offset) {
        if (config.finalSoftCap() > 0) {
            kernels.softCap(logits, offset, config.vocabularySize(), config.finalSoftCap());
        }
    }

    /** Each token's residual stream, normalized, into {@code xbIn}. */
    private void rmsNorm(TokenBatch b, float[] weight) {
        int dim = config.embeddingLength();
        float[] xb = b.xbIn.values();
        for (int t = 0; t < b.size(); t++) {
            kernels.rmsNorm(xb, t * dim, b.x, t * dim, weight, dim, config.rmsNormEpsilon());
        }
    }

    private void finalNorm(float[] out, int outOffset, float[] x, int xOffset) {
        kernels.rmsNorm(out, outOffset, x, xOffset, weights.outputNorm(), config.embeddingLength(),
                config.rmsNormEpsilon());
    }

    // ------------------------------------------------------------------ products with the weights

    // A matrix-vector product for one token (the fused kernels), matrix-matrix for more.

    private void project(TokenBatch b, Activations x, WeightMatrix w, float[] out) {
        if (b.size() == 1) {
            b.projection.run(pool, x, w, out);
        } else {
            b.projection.runBatch(pool, x, w, out);
        }
    }

    private void project(TokenBatch b, Activations x, WeightMatrix w1, float[] out1, WeightMatrix w2, float[] out2) {
        if (b.size() == 1) {
            b.projection.run(pool, x, w1, out1, w2, out2);
        } else {
            b.projection.runBatch(pool, x, w1, out1, w2, out2);
        }
    }

    private void project(TokenBatch b, Activations x, WeightMatrix w1, float[] out1, WeightMatrix w2, float[] out2,
                         WeightMatrix w3, float[] out3) {
        if (b.size() == 1) {
            b.projection.run(pool, x, w1, out1, w2, out2, w3, out3);
        } else {
            b.projection.runBatch(pool, x, w1, out1, w2, out2, w3, out3);
        }
    }

    // ------------------------------------------------------------------ attention

    /**
     * Scaled dot-product attention of the query heads of a batch's tokens, each over its own
     * sequence's cached positions up to its own, split between threads by (key-value group,
     * token). The heads of a group are taken {@link Kernels#ATTENTION_HEADS} at a time, which
     * share each read of the cached keys and values, and one after the other, so that the next
     * ones find the group's keys and values still in cache: past a few hundred positions,
     * attention is bound by reading the cache from memory. A reusable task: one per batch, so
     * nothing is allocated per call.
     */
    final class Attention implements WorkerPool.ShareTask {
        private final TokenBatch b;
        private int layer;

        Attention(TokenBatch b) {
            this.b = b;
        }

        void run(int layer) {
            this.layer = layer;
            int total = config.headCountKv() * b.size();
            pool.runShares(pool.sharesFor(total), this);
        }

        @Override
        public void run(int share, int shares, int worker) {
            int groups = config.headCountKv();
            int total = groups * b.size();
            int first = (int) ((long) total * share / shares);
            int last = (int) ((long) total * (share + 1) / shares);
            // Group-major: a thread takes the batch's tokens one after the other within a group,
            // so that a prompt's tokens find that group's keys and values still in the core's
            // cache from the token before, instead of cycling through every group's.
            int tokens = b.size();
            for (int i = first; i < last; i++) {
                int t = i % tokens;
                ForwardState s = b.sequences[t];
                attendGroup(s.scores[worker], s.cache, t * config.queryDim(), i / tokens, b.positions[t]);
            }
        }

        /**
         * The query heads of key-value group {@code group} of the token at {@code position} over
         * the positions of {@code cache} they see: 0..position, or only the last {@code window} of
         * them on a sliding-window layer. {@code scores} holds one row of the cache's capacity per head.
         */
        private void attendGroup(float[] scores, KvCache cache, int tokenOffset, int group, int position) {
            int headDim = config.headDim();
            int kvDim = config.kvDim();
            int groupSize = config.groupSize();
            int kvOffset = group * headDim;
            int first = config.windows().isLocal(layer) ? Math.max(0, position - config.windows().size() + 1) : 0;
            int count = position + 1 - first;
            int capacity = cache.capacity();
            int qOffset = tokenOffset + group * groupSize * headDim;
            for (int h = 0; h < groupSize; h += Kernels.ATTENTION_HEADS) {
                int heads = Math.min(Kernels.ATTENTION_HEADS, groupSize - h);
                cache.scores(kernels, layer, b.q, qOffset + h * headDim, heads, kvOffset, first, count, headDim,
                        config.attentionScale(), scores, h * capacity, capacity);
            }
            for (int h = 0; h < groupSize; h++) {
                if (config.attentionSoftCap() > 0) {
                    kernels.softCap(scores, h * capacity, count, config.attentionSoftCap());
                }
                kernels.softmax(scores, h * capacity, count);
            }
            for (int h = 0; h < groupSize; h += Kernels.ATTENTION_HEADS) {
                int heads = Math.min(Kernels.ATTENTION_HEADS, groupSize - h);
                cache.weightedSum(kernels, layer, scores, h * capacity, capacity, heads, kvOffset, first, count,
                        b.attnIn.values(), qOffset + h * headDim, headDim);
            }
        }
    }
}
