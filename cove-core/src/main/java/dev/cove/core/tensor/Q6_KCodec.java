package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K: super-blocks of 256 weights in 16 groups of 16, {@code w = d * sc * (q - 32)} with 6-bit q
 * and signed 8-bit group scales sc.
 * <pre>
 * block_q6_K (210 bytes): uint8 ql[128] | uint8 qh[64] | int8 scales[16] | half d
 * </pre>
 * Element e: h = e / 128, r = e % 128, k = r / 32, l = r % 32. Low 4 bits: {@code ql[64h + l + 32*(k&1)]},
 * low nibble for k &lt; 2, high nibble otherwise. High 2 bits: bits {@code 2k} of {@code qh[32h + l]}.
 * Group e / 16.
 */
final class Q6_KCodec implements TypeCodec {

    private static final int QK = 256;
    private static final int BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q6_K, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b + D);
            int o = dstOffset + i * QK;
            for (int g = 0; g < 16; g++) {
                // GGML computes d * sc * q left to right: (d * sc) once per group, then * q
                float dl = d * Bytes.i8(src, b + SCALES + g);
                for (int k = 0; k < 16; k++) {
                    int e = 16 * g + k;
                    dst[o + e] = dl * quant(src, b, e);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q6_K, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b + D);
            int o = xOffset + i * QK;
            for (int g = 0; g < 16; g++) {
                float dl = d * Bytes.i8(src, b + SCALES + g);
                for (int k = 0; k < 16; k++) {
                    int e = 16 * g + k;
                    sum += (double) (dl * quant(src, b, e)) * x[o + e];
                }
            }
        }
        return (float) sum;
    }

    /** The signed quant (-32..31) of element e of the super-block at b. */
    private static int quant(MemorySegment src, long b, int e) {
        int h = e >>> 7;
        int k = (e & 127) >>> 5;
        int l = e & 31;
        int low = Bytes.u8(src, b + 64 * h + l + 32 * (k & 1));
        low = k < 2 ? low & 0xF : low >>> 4;
        int high = (Bytes.u8(src, b + QH + 32 * h + l) >>> (2 * k)) & 3;
        return (low | (high << 4)) - 32;
    }

    /**
     * {@code quantize_row_q6_K_ref}: each group gets a scale from {@code make_qx_quants(nmax 32,
     * x²-weighted)}; the scale of largest magnitude, with its sign, maps to -128, the others to
     * int8 against it; then the weights are requantized with the stored scales.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q6_K, count);
        byte[] y = new byte[BYTES];
        int[] L = new int[QK];
        float[] scales = new float[QK / 16];

        for (int i = 0; i < nb; i++) {
            int x = srcOffset + i * QK;
            java.util.Arrays.fill(y, (byte) 0);
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < QK / 16; ++ib) {
                float scale = QuantMath.makeQxQuants(16, 32, src, x + 16 * ib, L, 16 * ib, 1, null, 0);
                scales[ib] = scale;
                float absScale = Math.abs(scale);
                if (absScale > maxAbsScale) {
                    maxAbsScale = absScale;
                    maxScale = scale;
                }
            }

            if (maxAbsScale < QuantMath.GROUP_MAX_EPS) {
                Bytes.put(y, dst, offset + (long) i * BYTES); // an all-zero block, d = 0
                continue;
            }

            float iscale = -128.f / maxScale;
            Bytes.putHalf(y, D, 1 / iscale);
            for (int ib = 0; ib < QK / 16; ++ib) {
                y[SCALES + ib] = (byte) Math.min(127, QuantMath.nearestInt(iscale * scales[ib]));
            }

            float dAll = Bytes.half(y, D);
            for (int j = 0; j < QK / 16; ++j) {
                float d = dAll * y[SCALES + j];
                if (d == 0) {
                    continue; // keeps the levels make_qx_quants chose, as the C code does
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt(src[x + 16 * j + ii] / d);
                    l = Math.max(-32, Math.min(31, l));
                    L[16 * j + ii] = l + 32;
                }
            }

            for (int j = 0, ql = 0, qh = QH; j < QK; j += 128, ql += 64, qh += 32) {
                for (int l = 0; l < 32; ++l) {
                    int q1 = L[j + l] & 0xF;
                    int q2 = L[j + l + 32] & 0xF;
                    int q3 = L[j + l + 64] & 0xF;
                    int q4 = L[j + l + 96] & 0xF;
                    y[ql + l] = (byte) (q1 | (q3 << 4));
                    y[ql + l + 32] = (byte) (q2 | (q4 << 4));
                    y[qh + l] = (byte) ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2)
                            | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
                }
            }
            Bytes.put(y, dst, offset + (long) i * BYTES);
        }
    }
}
