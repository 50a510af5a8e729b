package dev.cove.core.model;

/**
 * The keys and values of every past position, per layer, in float32. Position {@code p} of
 * layer {@code l} occupies {@code [p * kvDim, (p + 1) * kvDim)} of {@code keys[l]} and
 * {@code values[l]}: one position's heads are contiguous, so attention streams through memory.
 * Sized to the requested context, not the model's maximum.
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

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    public int kvDim() {
        return kvDim;
    }
}
