package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q2_K: super-blocks of 256 weights in 16 groups of 16, {@code w = d * sc * q - dmin * m} with
 * 2-bit q and a 4-bit scale sc and 4-bit min m per group.
 * <pre>
 * block_q2_K (84 bytes): uint8 scales[16] (sc low nibble, m high nibble) | uint8 qs[64] | half d | half dmin
 * </pre>
 * Element e (0..255) of a super-block: h = e / 128, r = e % 128; its 2 bits are bits
 * {@code 2 * (r / 32)} of {@code qs[32h + r % 32]}; its group is e / 16.
 */
final class Q2_KCodec implements TypeCodec {

    private static final int QK = 256;
    private static final int BYTES = 84;
    private static final int QS = 16;
    private static final int D = 80;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q2_K, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b + D);
            float min = Bytes.half(src, b + D + 2);
            int o = dstOffset + i * QK;
            for (int g = 0; g < 16; g++) {
                int sc = Bytes.u8(src, b + g);
                float dl = d * (sc & 0xF);
                float ml = min * (sc >>> 4);
                for (int k = 0; k < 16; k++) {
                    int e = 16 * g + k;
                    dst[o + e] = dl * quant(src, b, e) - ml;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q2_K, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b + D);
            float min = Bytes.half(src, b + D + 2);
            int o = xOffset + i * QK;
            for (int g = 0; g < 16; g++) {
                int sc = Bytes.u8(src, b + g);
                float dl = d * (sc & 0xF);
                float ml = min * (sc >>> 4);
                for (int k = 0; k < 16; k++) {
                    int e = 16 * g + k;
                    float w = dl * quant(src, b, e) - ml;
                    sum += (double) w * x[o + e];
                }
            }
        }
        return (float) sum;
    }

    /** The 2-bit quant of element e of the super-block at b. */
    private static int quant(MemorySegment src, long b, int e) {
        int h = e >>> 7;
        int r = e & 127;
        return (Bytes.u8(src, b + QS + 32 * h + (r & 31)) >>> (2 * (r >>> 5))) & 3;
    }

    /**
     * {@code quantize_row_q2_K_ref}: each group of 16 gets a scale and min from
     * {@code make_qkx2_quants(nmax 3, weights |x|, rmin -0.5, rdelta 0.1, 15 steps, absolute error)};
     * scales and mins are quantized to 4 bits against the largest of each, and the weights are then
     * requantized with the scales as they will be read back.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q2_K, count);
        byte[] y = new byte[BYTES];
        int[] L = new int[QK];
        int[] laux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[QK / 16];
        float[] scales = new float[QK / 16];
        final float q4scale = 15.f;

        for (int i = 0; i < nb; i++) {
            int x = srcOffset + i * QK;
            java.util.Arrays.fill(y, (byte) 0);
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < QK / 16; ++j) {
                for (int l = 0; l < 16; ++l) {
                    weights[l] = Math.abs(src[x + 16 * j + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(16, 3, src, x + 16 * j, weights, 0, L, 16 * j,
                        mins, j, laux, -0.5f, 0.1f, 15, true);
                float scale = scales[j];
                if (scale > maxScale) {
                    maxScale = scale;
                }
                float min = mins[j];
                if (min > maxMin) {
                    maxMin = min;
                }
            }

            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < QK / 16; ++j) {
                    y[j] = (byte) QuantMath.nearestInt(iscale * scales[j]);
                }
                Bytes.putHalf(y, D, maxScale / q4scale);
            } else {
                Bytes.putHalf(y, D, 0.f);
            }
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < QK / 16; ++j) {
                    int l = QuantMath.nearestInt(iscale * mins[j]);
                    y[j] |= (byte) (l << 4);
                }
                Bytes.putHalf(y, D + 2, maxMin / q4scale);
            } else {
                Bytes.putHalf(y, D + 2, 0.f);
            }
            float dAll = Bytes.half(y, D);
            float dminAll = Bytes.half(y, D + 2);
            for (int j = 0; j < QK / 16; ++j) {
                int sc = y[j] & 0xFF;
                float d = dAll * (sc & 0xF);
                if (d == 0) {
                    continue; // keeps the levels make_qkx2_quants chose, as the C code does
                }
                float dm = dminAll * (sc >>> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt((src[x + 16 * j + ii] + dm) / d);
                    L[16 * j + ii] = Math.max(0, Math.min(3, l));
                }
            }

            for (int j = 0; j < QK; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    y[QS + j / 4 + l] = (byte) (L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
                }
            }
            Bytes.put(y, dst, offset + (long) i * BYTES);
        }
    }
}
