package dev.cove.core.model;

/**
 * The keys and values of every past position, per layer, in float32, sized to the requested
 * context, not the model's maximum. Values are position-major: position {@code p} of layer
 * {@code l} occupies {@code [p * kvDim, (p + 1) * kvDim)} of {@code values[l]}, as the weighted sum
 * reads them. Keys are stored transposed, dimension-major: component {@code j} (head
 * {@code j / headDim}) of position {@code p} is at {@code j * capacity + p} of {@code keys[l]}, so
 * that the scores of a run of positions are vector FMAs over contiguous memory, with no
 * horizontal sum per position (the cost that grew generation time with the context).
 */
public final class KvCache {
    private final float[][] keys;
    private final float[][] values;
    private final int kvDim;
    private final int capacity;

    public KvCache(ModelConfig config, int capacity) {
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.keys = new float[config.blockCount()][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[config.blockCount()][capacity * kvDim];
    }

    /** Number of positions the cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** The keys of {@code layer}, transposed: see the class comment. */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /** Stores the key vector {@code k[ko .. ko + kvDim)} of {@code position}. */
    public void putKey(int layer, int position, float[] k, int ko) {
        float[] dst = keys[layer];
        for (int j = 0, at = position; j < kvDim; j++, at += capacity) {
            dst[at] = k[ko + j];
        }
    }

    public float[] values(int layer) {
        return values[layer];
    }

    public int kvDim() {
        return kvDim;
    }
}
