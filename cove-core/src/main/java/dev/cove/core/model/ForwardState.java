package dev.cove.core.model;

/** Scratch buffers of one sequence's forward pass, reused for every token (no allocation per token). */
public final class ForwardState {
    final float[] x;        // the residual stream
    final float[] xb;       // normalized input of a sub-layer
    final float[] attnOut;  // attention output before the output projection
    final float[] proj;     // output of the attention or feed-forward projection back to the stream
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] gate;
    final float[] up;
    final float[] scores;   // attention scores, one row of contextLength per head
    final float[] logits;
    final KvCache cache;

    public ForwardState(ModelConfig c, int contextLength) {
        x = new float[c.embeddingLength()];
        xb = new float[c.embeddingLength()];
        attnOut = new float[c.queryDim()];
        proj = new float[c.embeddingLength()];
        q = new float[c.queryDim()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        gate = new float[c.feedForwardLength()];
        up = new float[c.feedForwardLength()];
        scores = new float[c.headCount() * contextLength];
        logits = new float[c.vocabularySize()];
        cache = new KvCache(c, contextLength);
    }

    /** The logits of the last token processed. Valid until the next forward call. */
    public float[] logits() {
        return logits;
    }

    public int contextLength() {
        return cache.capacity();
    }
}
