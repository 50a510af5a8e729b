package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K: super-blocks of 256 weights in 8 groups of 32, {@code w = d * sc * q - dmin * m} with
 * 4-bit q and 6-bit group scales sc and mins m.
 * <pre>
 * block_q4_K (144 bytes): half d | half dmin | uint8 scales[12] | uint8 qs[128]
 * </pre>
 * Element e: chunk c = e / 64 of 32 bytes {@code qs[32c .. 32c+31]}; e % 64 &lt; 32 is the low
 * nibble of {@code qs[32c + e%32]}, otherwise the high nibble. Group e / 32. The 6-bit scales and
 * mins are packed by {@link #packScaleMin} / read by {@link #scaleK4} and {@link #minK4}
 * (GGML's {@code get_scale_min_k4}); Q5_K uses the same packing.
 */
final class Q4_KCodec implements TypeCodec {

    private static final int QK = 256;
    private static final int BYTES = 144;
    static final int SCALES = 4;
    private static final int QS = 16;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_K, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float min = Bytes.half(src, b + 2);
            int o = dstOffset + i * QK;
            for (int g = 0; g < 8; g++) {
                float dl = d * scaleK4(src, b + SCALES, g);
                float ml = min * minK4(src, b + SCALES, g);
                for (int k = 0; k < 32; k++) {
                    int e = 32 * g + k;
                    dst[o + e] = dl * quant(src, b, e) - ml;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_K, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float min = Bytes.half(src, b + 2);
            int o = xOffset + i * QK;
            for (int g = 0; g < 8; g++) {
                float dl = d * scaleK4(src, b + SCALES, g);
                float ml = min * minK4(src, b + SCALES, g);
                for (int k = 0; k < 32; k++) {
                    int e = 32 * g + k;
                    sum += (double) (dl * quant(src, b, e) - ml) * x[o + e];
                }
            }
        }
        return (float) sum;
    }

    private static int quant(MemorySegment src, long b, int e) {
        int q = Bytes.u8(src, b + QS + 32 * (e >>> 6) + (e & 31));
        return (e & 32) == 0 ? q & 0xF : q >>> 4;
    }

    /** 6-bit scale of group j (0..7) from the 12 bytes at s: j &lt; 4 in the low 6 bits of s[j]; else split. */
    static int scaleK4(MemorySegment src, long s, int j) {
        if (j < 4) {
            return Bytes.u8(src, s + j) & 63;
        }
        return (Bytes.u8(src, s + j + 4) & 0xF) | ((Bytes.u8(src, s + j - 4) >>> 6) << 4);
    }

    /** 6-bit min of group j (0..7) from the 12 bytes at s. */
    static int minK4(MemorySegment src, long s, int j) {
        if (j < 4) {
            return Bytes.u8(src, s + j + 4) & 63;
        }
        return (Bytes.u8(src, s + j + 4) >>> 4) | ((Bytes.u8(src, s + j) >>> 6) << 4);
    }

    /** Packs scale ls and min lm (0..63) of group j into the 12 scale bytes at y[s..]; groups are packed in order 0..7. */
    static void packScaleMin(byte[] y, int s, int j, int ls, int lm) {
        if (j < 4) {
            y[s + j] = (byte) ls;
            y[s + j + 4] = (byte) lm;
        } else {
            y[s + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
            y[s + j - 4] |= (byte) ((ls >>> 4) << 6);
            y[s + j] |= (byte) ((lm >>> 4) << 6);
        }
    }

    static int scaleK4(byte[] y, int s, int j) {
        return j < 4 ? y[s + j] & 63 : (y[s + j + 4] & 0xF) | (((y[s + j - 4] & 0xFF) >>> 6) << 4);
    }

    static int minK4(byte[] y, int s, int j) {
        return j < 4 ? y[s + j + 4] & 63 : ((y[s + j + 4] & 0xFF) >>> 4) | (((y[s + j] & 0xFF) >>> 6) << 4);
    }

    /**
     * The shared first half of {@code quantize_row_q4_K_ref} and {@code quantize_row_q5_K_ref} for
     * one super-block at x: a scale and min per group of 32 from {@code make_qkx2_quants} with
     * weights {@code sqrt(mean x²) + |x|}, both quantized to 6 bits against their maximum and
     * packed into y (d, dmin, scales); then the levels L (0..nmax) recomputed with the stored values.
     */
    static void quantizeSuperBlock(float[] src, int x, int nmax, float rmin, float rdelta, int nstep,
                                   byte[] y, int[] L, Scratch t) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < QK / 32; ++j) {
            float sumX2 = 0;
            for (int l = 0; l < 32; ++l) {
                sumX2 += src[x + 32 * j + l] * src[x + 32 * j + l];
            }
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; ++l) {
                t.weights[l] = avX + Math.abs(src[x + 32 * j + l]);
            }
            t.scales[j] = QuantMath.makeQkx2Quants(32, nmax, src, x + 32 * j, t.weights, 0, L, 32 * j,
                    t.mins, j, t.laux, rmin, rdelta, nstep, false);
            float scale = t.scales[j];
            if (scale > maxScale) {
                maxScale = scale;
            }
            float min = t.mins[j];
            if (min > maxMin) {
                maxMin = min;
            }
        }

        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        for (int j = 0; j < QK / 32; ++j) {
            // C stores nearest_int in a uint8_t before clamping to 63
            int ls = Math.min(63, QuantMath.nearestInt(invScale * t.scales[j]) & 0xFF);
            int lm = Math.min(63, QuantMath.nearestInt(invMin * t.mins[j]) & 0xFF);
            packScaleMin(y, SCALES, j, ls, lm);
        }
        Bytes.putHalf(y, 0, maxScale / 63.f);
        Bytes.putHalf(y, 2, maxMin / 63.f);

        float dAll = Bytes.half(y, 0);
        float dminAll = Bytes.half(y, 2);
        for (int j = 0; j < QK / 32; ++j) {
            float d = dAll * scaleK4(y, SCALES, j);
            if (d == 0) {
                continue; // keeps the levels make_qkx2_quants chose, as the C code does
            }
            float dm = dminAll * minK4(y, SCALES, j);
            for (int ii = 0; ii < 32; ++ii) {
                int l = QuantMath.nearestInt((src[x + 32 * j + ii] + dm) / d);
                L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
            }
        }
    }

    /** Work arrays of one quantize call (the quantizers are stateless; these live for one call). */
    static final class Scratch {
        final float[] weights = new float[32];
        final float[] scales = new float[QK / 32];
        final float[] mins = new float[QK / 32];
        final int[] laux = new int[32];
    }

    /** {@code quantize_row_q4_K_ref}: {@link #quantizeSuperBlock} with nmax 15, rmin -1, rdelta 0.1, 20 steps. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_K, count);
        byte[] y = new byte[BYTES];
        int[] L = new int[QK];
        Scratch t = new Scratch();
        for (int i = 0; i < nb; i++) {
            java.util.Arrays.fill(y, (byte) 0);
            quantizeSuperBlock(src, srcOffset + i * QK, 15, -1.f, 0.1f, 20, y, L, t);
            for (int j = 0, q = QS; j < QK; j += 64, q += 32) {
                for (int l = 0; l < 32; ++l) {
                    y[q + l] = (byte) (L[j + l] | (L[j + l + 32] << 4));
                }
            }
            Bytes.put(y, dst, offset + (long) i * BYTES);
        }
    }
}
