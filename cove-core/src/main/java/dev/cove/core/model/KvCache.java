package dev.cove.core.model;

import dev.cove.core.kernel.Kernels;

/**
 * The keys and values of every past position, per layer, sized to the requested context, not the
 * model's maximum, in the element type of its {@link KvCacheType}. Values are position-major:
 * position {@code p} of layer {@code l} occupies {@code [p * kvDim, (p + 1) * kvDim)}, as the
 * weighted sum reads them. Keys are stored transposed, dimension-major: component {@code j} (head
 * {@code j / headDim}) of position {@code p} is at {@code j * capacity + p}, so that the scores of
 * a run of positions are vector FMAs over contiguous memory, with no horizontal sum per position
 * (the cost that grew generation time with the context). Each subclass pairs its storage with the
 * attention kernels that read it.
 */
public abstract sealed class KvCache permits KvCache.Float32, KvCache.BFloat16 {
    final int kvDim;
    final int capacity;
    final int layers;

    private KvCache(ModelConfig config, int capacity) {
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.layers = config.blockCount();
        Math.multiplyExact(capacity, kvDim); // one layer's keys must fit an array
    }

    public static KvCache of(KvCacheType type, ModelConfig config, int capacity) {
        return switch (type) {
            case F32 -> new Float32(config, capacity);
            case BF16 -> new BFloat16(config, capacity);
        };
    }

    /** Number of positions the cache can hold. */
    public int capacity() {
        return capacity;
    }

    public int kvDim() {
        return kvDim;
    }

    public abstract KvCacheType type();

    /** Memory the keys and values take. */
    public long bytes() {
        return 2L * layers * capacity * kvDim * type().bytesPerValue();
    }

    /** Stores the key {@code k[ko .. ko + kvDim)} and value {@code v[vo .. vo + kvDim)} of {@code position}. */
    public abstract void put(int layer, int position, float[] k, int ko, float[] v, int vo);

    /**
     * {@link Kernels#attentionScores} of {@code heads} query heads against the keys of the head
     * whose components start at {@code kvOffset}, positions {@code first .. first + count)}.
     */
    abstract void scores(Kernels kernels, int layer, float[] q, int qo, int heads, int kvOffset, int first, int count,
                         int headDim, float scale, float[] scores, int so, int scoreStride);

    /** {@link Kernels#weightedSum} of the values of the same head and positions. */
    abstract void weightedSum(Kernels kernels, int layer, float[] weights, int wo, int weightStride, int heads,
                              int kvOffset, int first, int count, float[] out, int oo, int headDim);

    static final class Float32 extends KvCache {
        private final float[][] keys;
        private final float[][] values;

        Float32(ModelConfig config, int capacity) {
            super(config, capacity);
            keys = new float[layers][capacity * kvDim];
            values = new float[layers][capacity * kvDim];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.F32;
        }

        @Override
        public void put(int layer, int position, float[] k, int ko, float[] v, int vo) {
            float[] dst = keys[layer];
            for (int j = 0, at = position; j < kvDim; j++, at += capacity) {
                dst[at] = k[ko + j];
            }
            System.arraycopy(v, vo, values[layer], position * kvDim, kvDim);
        }

        @Override
        void scores(Kernels kernels, int layer, float[] q, int qo, int heads, int kvOffset, int first, int count,
                    int headDim, float scale, float[] scores, int so, int scoreStride) {
            kernels.attentionScores(q, qo, heads, keys[layer], kvOffset * capacity + first, capacity, headDim, count,
                    scale, scores, so, scoreStride);
        }

        @Override
        void weightedSum(Kernels kernels, int layer, float[] weights, int wo, int weightStride, int heads,
                         int kvOffset, int first, int count, float[] out, int oo, int headDim) {
            kernels.weightedSum(weights, wo, weightStride, heads, count, values[layer], first * kvDim + kvOffset, kvDim,
                    out, oo, headDim);
        }
    }

    static final class BFloat16 extends KvCache {
        private final short[][] keys;
        private final short[][] values;

        BFloat16(ModelConfig config, int capacity) {
            super(config, capacity);
            keys = new short[layers][capacity * kvDim];
            values = new short[layers][capacity * kvDim];
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.BF16;
        }

        @Override
        public void put(int layer, int position, float[] k, int ko, float[] v, int vo) {
            short[] dst = keys[layer];
            for (int j = 0, at = position; j < kvDim; j++, at += capacity) {
                dst[at] = dev.cove.core.tensor.BFloat16.fromFloat(k[ko + j]);
            }
            short[] vd = values[layer];
            for (int j = 0, at = position * kvDim; j < kvDim; j++, at++) {
                vd[at] = dev.cove.core.tensor.BFloat16.fromFloat(v[vo + j]);
            }
        }

        @Override
        void scores(Kernels kernels, int layer, float[] q, int qo, int heads, int kvOffset, int first, int count,
                    int headDim, float scale, float[] scores, int so, int scoreStride) {
            kernels.attentionScoresBf16(q, qo, heads, keys[layer], kvOffset * capacity + first, capacity, headDim,
                    count, scale, scores, so, scoreStride);
        }

        @Override
        void weightedSum(Kernels kernels, int layer, float[] weights, int wo, int weightStride, int heads,
                         int kvOffset, int first, int count, float[] out, int oo, int headDim) {
            kernels.weightedSumBf16(weights, wo, weightStride, heads, count, values[layer], first * kvDim + kvOffset,
                    kvDim, out, oo, headDim);
        }
    }
}
