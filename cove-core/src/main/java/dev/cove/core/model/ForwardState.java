package dev.cove.core.model;

/**
 * One sequence's state: its KV cache, the residual stream and logits of the last token it
 * processed, and the scratch buffers of its forward pass, reused for every token (no allocation
 * per token). The buffers for prompt chunks are allocated on first use. Belongs to one thread
 * at a time.
 */
public final class ForwardState {
    final TokenBatch single;      // one token at a time: generation
    final float[] x;              // the residual stream of the last token processed (single's row)
    final float[][] scores;       // attention scores, per thread a row of contextLength per head of a group
    final float[] logits;
    final KvCache cache;
    final Rope[] ropes;           // each layer's rotation for this sequence's context length
    private final Transformer model;
    private TokenBatch prompt;

    ForwardState(Transformer model, int contextLength, KvCacheType kvCacheType) {
        ModelConfig c = model.config();
        this.model = model;
        cache = KvCache.of(kvCacheType, c, contextLength);
        ropes = model.ropesFor(contextLength);
        // per thread: one row of contextLength for each query head of a key-value group
        scores = new float[model.threads()][Math.multiplyExact(contextLength, c.groupSize())];
        logits = new float[c.vocabularySize()];
        single = new TokenBatch(model, 1);
        x = single.x;
    }

    /** The logits of the last token processed with logits requested. Valid until the next forward call. */
    public float[] logits() {
        return logits;
    }

    public int contextLength() {
        return cache.capacity();
    }

    /** The KV cache's element type and the memory it takes. */
    public KvCacheType kvCacheType() {
        return cache.type();
    }

    public long kvCacheBytes() {
        return cache.bytes();
    }

    /** Buffers for up to {@link TokenBatch#PROMPT_CAPACITY} prompt tokens at once, made on first use. */
    TokenBatch prompt() {
        if (prompt == null) {
            prompt = new TokenBatch(model, TokenBatch.PROMPT_CAPACITY);
        }
        return prompt;
    }

    boolean belongsTo(Transformer m) {
        return model == m;
    }
}
