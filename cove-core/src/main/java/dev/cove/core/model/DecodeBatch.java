package dev.cove.core.model;

/**
 * Buffers for {@link Transformer#forwardDecode}: one token each of up to {@link #capacity()}
 * sequences, fed through the model together so that every weight is read once for all of them
 * (continuous batching). Made by {@link Transformer#newDecodeBatch}; reused for every step, so the
 * step allocates nothing. Belongs to one thread at a time.
 */
public final class DecodeBatch {
    final TokenBatch rows;
    final float[] logits;         // row t's logits at [t * vocabularySize, (t + 1) * vocabularySize)
    final Transformer model;

    DecodeBatch(Transformer model, int capacity) {
        this.model = model;
        this.rows = new TokenBatch(model, capacity);
        this.logits = new float[Math.multiplyExact(capacity, model.config().vocabularySize())];
    }

    /** Sequences one step can feed. */
    public int capacity() {
        return rows.capacity;
    }
}
