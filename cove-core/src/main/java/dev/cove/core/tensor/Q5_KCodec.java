package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K: super-blocks of 256 weights in 8 groups of 32, {@code w = d * sc * q - dmin * m} with
 * 5-bit q; scales and mins packed as in Q4_K.
 * <pre>
 * block_q5_K (176 bytes): half d | half dmin | uint8 scales[12] | uint8 qh[32] | uint8 qs[128]
 * </pre>
 * Element e: low 4 bits as in Q4_K; the fifth bit is bit {@code e / 32} of {@code qh[e % 32]}.
 */
final class Q5_KCodec implements TypeCodec {

    private static final int QK = 256;
    private static final int BYTES = 176;
    private static final int SCALES = Q4_KCodec.SCALES;
    private static final int QH = 16;
    private static final int QS = 48;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_K, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float min = Bytes.half(src, b + 2);
            int o = dstOffset + i * QK;
            for (int g = 0; g < 8; g++) {
                float dl = d * Q4_KCodec.scaleK4(src, b + SCALES, g);
                float ml = min * Q4_KCodec.minK4(src, b + SCALES, g);
                for (int k = 0; k < 32; k++) {
                    int e = 32 * g + k;
                    dst[o + e] = dl * quant(src, b, e) - ml;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_K, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float min = Bytes.half(src, b + 2);
            int o = xOffset + i * QK;
            for (int g = 0; g < 8; g++) {
                float dl = d * Q4_KCodec.scaleK4(src, b + SCALES, g);
                float ml = min * Q4_KCodec.minK4(src, b + SCALES, g);
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
        int low = (e & 32) == 0 ? q & 0xF : q >>> 4;
        int high = (Bytes.u8(src, b + QH + (e & 31)) >>> (e >>> 5)) & 1;
        return low | (high << 4);
    }

    /** {@code quantize_row_q5_K_ref}: the Q4_K procedure with nmax 31, rmin -0.5, rdelta 0.1, 15 steps. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_K, count);
        byte[] y = new byte[BYTES];
        int[] L = new int[QK];
        Q4_KCodec.Scratch t = new Q4_KCodec.Scratch();
        for (int i = 0; i < nb; i++) {
            java.util.Arrays.fill(y, (byte) 0);
            Q4_KCodec.quantizeSuperBlock(src, srcOffset + i * QK, 31, -0.5f, 0.1f, 15, y, L, t);
            int m1 = 1;
            int m2 = 2;
            for (int n = 0, ql = QS; n < QK; n += 64, ql += 32) {
                for (int j = 0; j < 32; ++j) {
                    int l1 = L[n + j];
                    if (l1 > 15) {
                        l1 -= 16;
                        y[QH + j] |= (byte) m1;
                    }
                    int l2 = L[n + j + 32];
                    if (l2 > 15) {
                        l2 -= 16;
                        y[QH + j] |= (byte) m2;
                    }
                    y[ql + j] = (byte) (l1 | (l2 << 4));
                }
                m1 <<= 2;
                m2 <<= 2;
            }
            Bytes.put(y, dst, offset + (long) i * BYTES);
        }
    }
}
