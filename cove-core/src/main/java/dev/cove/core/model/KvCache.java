package dev.cove.core.model;

import dev.cove.core.kernel.Kernels;
import java.util.function.IntFunction;

/**
 * The keys and values of every past position, per layer, sized to the requested context, not the
 * model's maximum, in the element type of its {@link KvCacheType}. Values are position-major:
 * position {@code p} of layer {@code l} occupies {@code [p * kvDim, (p + 1) * kvDim)}, as the
 * weighted sum reads them. Keys are stored transposed, dimension-major: component {@code j} (head
 * {@code j / headDim}) of position {@code p} is at {@code j * stride + p}, so that the scores of
 * a run of positions are vector FMAs over contiguous memory, with no horizontal sum per position
 * (the cost that grew generation time with the context). Each subclass pairs its storage with the
 * attention kernels that read it.
 *
 * <p>The arrays hold {@code stride} positions, {@value #FIRST_STRIDE} at first, and double (up to
 * the capacity) when a position beyond them is stored: allocating the whole context at once
 * (7B, 2048 positions, F32: 2 GiB) cost about 3 s before the first token on these VMs, where
 * first-touched memory is slow, and most conversations never fill their context.
 */
public abstract sealed class KvCache permits KvCache.Float32, KvCache.BFloat16, KvCache.Quantized8 {
    static final int FIRST_STRIDE = 256;
    final int kvDim;
    final int capacity;
    final int layers;
    /** Positions the arrays hold now: at most the capacity. */
    int stride;

    private KvCache(ModelConfig config, int capacity) {
        this.kvDim = config.kvDim();
        this.capacity = capacity;
        this.layers = config.blockCount();
        this.stride = Math.min(capacity, FIRST_STRIDE);
        Math.multiplyExact(capacity, kvDim); // one layer's keys must fit an array
    }

    /** Makes the arrays hold {@code position} (below the capacity), doubling them as often as needed. */
    final void reserve(int position) {
        if (position < stride) {
            return;
        }
        if (position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is beyond the cache's " + capacity);
        }
        int grown = stride;
        while (grown <= position) {
            grown = Math.min(capacity, 2 * grown);
        }
        resize(grown);
        stride = grown;
    }

    /** Re-lays the arrays out for {@code newStride} positions, keeping every stored one. */
    abstract void resize(int newStride);

    /**
     * Each layer's array of {@code arrays} replaced by one made by {@code fresh} for
     * {@code newStride} positions, the stored ones copied: {@code rows} runs of positions (the
     * transposed keys: a row per component; position-major values: one row) of {@code width}
     * elements per position.
     */
    final void regrow(Object[] arrays, IntFunction<Object> fresh, int rows, int width, int newStride) {
        for (int l = 0; l < arrays.length; l++) {
            Object grown = fresh.apply(rows * newStride * width);
            for (int j = 0; j < rows; j++) {
                System.arraycopy(arrays[l], j * stride * width, grown, j * newStride * width, stride * width);
            }
            arrays[l] = grown;
        }
    }

    public static KvCache of(KvCacheType type, ModelConfig config, int capacity) {
        return switch (type) {
            case F32 -> new Float32(config, capacity);
            case BF16 -> new BFloat16(config, capacity);
            case Q8_0 -> new Quantized8(config, capacity);
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

    /** Memory the keys and values take once the context is full. */
    public abstract long bytes();

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
            keys = new float[layers][stride * kvDim];
            values = new float[layers][stride * kvDim];
        }

        @Override
        void resize(int newStride) {
            regrow(keys, float[]::new, kvDim, 1, newStride);
            regrow(values, float[]::new, 1, kvDim, newStride);
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.F32;
        }

        @Override
        public long bytes() {
            return 2L * layers * capacity * kvDim * Float.BYTES;
        }

        @Override
        public void put(int layer, int position, float[] k, int ko, float[] v, int vo) {
            reserve(position);
            float[] dst = keys[layer];
            for (int j = 0, at = position; j < kvDim; j++, at += stride) {
                dst[at] = k[ko + j];
            }
            System.arraycopy(v, vo, values[layer], position * kvDim, kvDim);
        }

        @Override
        void scores(Kernels kernels, int layer, float[] q, int qo, int heads, int kvOffset, int first, int count,
                    int headDim, float scale, float[] scores, int so, int scoreStride) {
            kernels.attentionScores(q, qo, heads, keys[layer], kvOffset * stride + first, stride, headDim, count,
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
            keys = new short[layers][stride * kvDim];
            values = new short[layers][stride * kvDim];
        }

        @Override
        void resize(int newStride) {
            regrow(keys, short[]::new, kvDim, 1, newStride);
            regrow(values, short[]::new, 1, kvDim, newStride);
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.BF16;
        }

        @Override
        public long bytes() {
            return 2L * layers * capacity * kvDim * Short.BYTES;
        }

        @Override
        public void put(int layer, int position, float[] k, int ko, float[] v, int vo) {
            reserve(position);
            short[] dst = keys[layer];
            for (int j = 0, at = position; j < kvDim; j++, at += stride) {
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
            kernels.attentionScoresBf16(q, qo, heads, keys[layer], kvOffset * stride + first, stride, headDim,
                    count, scale, scores, so, scoreStride);
        }

        @Override
        void weightedSum(Kernels kernels, int layer, float[] weights, int wo, int weightStride, int heads,
                         int kvOffset, int first, int count, float[] out, int oo, int headDim) {
            kernels.weightedSumBf16(weights, wo, weightStride, heads, count, values[layer], first * kvDim + kvOffset,
                    kvDim, out, oo, headDim);
        }
    }

    /**
     * Q8_0: each block of 32 components of one position (a head holds whole blocks) is stored as
     * 32 signed bytes and a scale d = max|x| / 127, x ~ d * q, as llama.cpp's {@code q8_0} (whose
     * scale is a float16; here a float). The key bytes are transposed like the float keys, their
     * scales block-major ({@code block * stride + position}), so that a run of positions reads
     * contiguous scales; the values and their scales are position-major. Each position is
     * quantized on its own, when it is written.
     */
    static final class Quantized8 extends KvCache {
        static final int BLOCK = 32;
        private final byte[][] keys;
        private final float[][] keyScales;
        private final byte[][] values;
        private final float[][] valueScales;
        private final int blocks; // per position

        Quantized8(ModelConfig config, int capacity) {
            super(config, capacity);
            if (config.headDim() % BLOCK != 0) {
                throw new IllegalArgumentException("a q8_0 KV cache needs a head dimension that is a multiple of " + BLOCK
                        + "; this model's is " + config.headDim() + ": use f32 or bf16");
            }
            blocks = kvDim / BLOCK;
            keys = new byte[layers][stride * kvDim];
            values = new byte[layers][stride * kvDim];
            keyScales = new float[layers][stride * blocks];
            valueScales = new float[layers][stride * blocks];
        }

        @Override
        void resize(int newStride) {
            regrow(keys, byte[]::new, kvDim, 1, newStride);
            regrow(keyScales, float[]::new, blocks, 1, newStride);
            regrow(values, byte[]::new, 1, kvDim, newStride);
            regrow(valueScales, float[]::new, 1, blocks, newStride);
        }

        @Override
        public KvCacheType type() {
            return KvCacheType.Q8_0;
        }

        @Override
        public long bytes() {
            return 2L * layers * capacity * (kvDim + (long) blocks * Float.BYTES);
        }

        @Override
        public void put(int layer, int position, float[] k, int ko, float[] v, int vo) {
            reserve(position);
            byte[] kq = keys[layer];
            byte[] vq = values[layer];
            for (int b = 0; b < blocks; b++) {
                float kd = scale(k, ko + b * BLOCK);
                keyScales[layer][b * stride + position] = kd;
                float kid = kd == 0 ? 0 : 1 / kd;
                for (int j = b * BLOCK, at = j * stride + position; j < (b + 1) * BLOCK; j++, at += stride) {
                    kq[at] = roundHalfAway(k[ko + j] * kid);
                }
                float vd = scale(v, vo + b * BLOCK);
                valueScales[layer][position * blocks + b] = vd;
                float vid = vd == 0 ? 0 : 1 / vd;
                for (int j = b * BLOCK, at = position * kvDim + j; j < (b + 1) * BLOCK; j++, at++) {
                    vq[at] = roundHalfAway(v[vo + j] * vid);
                }
            }
        }

        /** C's {@code roundf}, as llama.cpp's quantizer rounds: halves away from zero (Math.round takes them up). */
        private static byte roundHalfAway(float x) {
            return (byte) (x < 0 ? -Math.round(-x) : Math.round(x));
        }

        /** llama.cpp's q8_0 scale of the 32 components from {@code x[o]}: max |x| / 127. */
        private static float scale(float[] x, int o) {
            float amax = 0;
            for (int i = 0; i < BLOCK; i++) {
                amax = Math.max(amax, Math.abs(x[o + i]));
            }
            return amax / 127;
        }

        @Override
        void scores(Kernels kernels, int layer, float[] q, int qo, int heads, int kvOffset, int first, int count,
                    int headDim, float scale, float[] scores, int so, int scoreStride) {
            kernels.attentionScoresQ8(q, qo, heads, keys[layer], kvOffset * stride + first, stride,
                    keyScales[layer], kvOffset / BLOCK * stride + first, headDim, count, scale, scores, so, scoreStride);
        }

        @Override
        void weightedSum(Kernels kernels, int layer, float[] weights, int wo, int weightStride, int heads,
                         int kvOffset, int first, int count, float[] out, int oo, int headDim) {
            kernels.weightedSumQ8(weights, wo, weightStride, heads, count, values[layer], first * kvDim + kvOffset, kvDim,
                    valueScales[layer], first * blocks + kvOffset / BLOCK, blocks, out, oo, headDim);
        }
    }
}
