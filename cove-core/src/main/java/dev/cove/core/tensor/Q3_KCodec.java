package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q3_K: super-blocks of 256 weights in 16 groups of 16, {@code w = d * (sc - 32) * (q - 4)} with
 * 3-bit q and 6-bit group scales sc.
 * <pre>
 * block_q3_K (110 bytes): uint8 hmask[32] | uint8 qs[64] | uint8 scales[12] | half d
 * </pre>
 * Element e: low 2 bits as in Q2_K ({@code qs[32 * (e/128) + e%32] >> 2 * (e%128 / 32)}); the
 * third bit is bit {@code e/32} of {@code hmask[e % 32]}, and a clear bit means "minus 4".
 * Scale j (0..15): low 4 bits are the low nibble of {@code scales[j]} for j &lt; 8, the high
 * nibble of {@code scales[j-8]} otherwise; high 2 bits are bits {@code 2*(j/4)} of {@code scales[8 + j%4]}.
 */
final class Q3_KCodec implements TypeCodec {

    private static final int QK = 256;
    private static final int BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q3_K, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float dAll = Bytes.half(src, b + D);
            int o = dstOffset + i * QK;
            for (int g = 0; g < 16; g++) {
                float dl = dAll * (scale(src, b + SCALES, g) - 32);
                for (int k = 0; k < 16; k++) {
                    int e = 16 * g + k;
                    dst[o + e] = dl * quant(src, b, e);
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q3_K, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float dAll = Bytes.half(src, b + D);
            int o = xOffset + i * QK;
            for (int g = 0; g < 16; g++) {
                float dl = dAll * (scale(src, b + SCALES, g) - 32);
                for (int k = 0; k < 16; k++) {
                    int e = 16 * g + k;
                    sum += (double) (dl * quant(src, b, e)) * x[o + e];
                }
            }
        }
        return (float) sum;
    }

    /** The signed 3-bit quant (-4..3) of element e of the super-block at b. */
    private static int quant(MemorySegment src, long b, int e) {
        int low = (Bytes.u8(src, b + QS + 32 * (e >>> 7) + (e & 31)) >>> (2 * ((e & 127) >>> 5))) & 3;
        boolean high = (Bytes.u8(src, b + (e & 31)) & (1 << (e >>> 5))) != 0;
        return low - (high ? 0 : 4);
    }

    /** The unsigned 6-bit scale j (0..63, to be offset by -32) from the 12 packed bytes at s. */
    static int scale(MemorySegment src, long s, int j) {
        int low = j < 8 ? Bytes.u8(src, s + j) & 0xF : Bytes.u8(src, s + j - 8) >>> 4;
        int high = (Bytes.u8(src, s + 8 + (j & 3)) >>> (2 * (j >>> 2))) & 3;
        return low | (high << 4);
    }

    /**
     * {@code quantize_row_q3_K_ref}: each group gets a scale from {@code make_q3_quants(nmax 4,
     * with the rmse refinement)}; the scale of largest magnitude, with its sign, maps to -32, the
     * others to 6 bits against it; the weights are then requantized with the stored scales.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q3_K, count);
        byte[] y = new byte[BYTES];
        int[] L = new int[QK];
        float[] scales = new float[QK / 16];

        for (int i = 0; i < nb; i++) {
            int x = srcOffset + i * QK;
            java.util.Arrays.fill(y, (byte) 0);
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < QK / 16; ++j) {
                scales[j] = QuantMath.makeQ3Quants(16, 4, src, x + 16 * j, L, 16 * j, true);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }

            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < QK / 16; ++j) {
                    int l = (byte) QuantMath.nearestInt(iscale * scales[j]); // C stores it in an int8_t first
                    l = Math.max(-32, Math.min(31, l)) + 32;
                    if (j < 8) {
                        y[SCALES + j] = (byte) (l & 0xF);
                    } else {
                        y[SCALES + j - 8] |= (byte) ((l & 0xF) << 4);
                    }
                    l >>= 4;
                    y[SCALES + j % 4 + 8] |= (byte) (l << (2 * (j / 4)));
                }
                Bytes.putHalf(y, D, 1 / iscale);
            } else {
                Bytes.putHalf(y, D, 0.f);
            }

            float dAll = Bytes.half(y, D);
            for (int j = 0; j < QK / 16; ++j) {
                int sc = j < 8 ? y[SCALES + j] & 0xF : (y[SCALES + j - 8] & 0xFF) >>> 4;
                sc = (sc | (((y[SCALES + 8 + j % 4] & 0xFF) >>> (2 * (j / 4)) & 3) << 4)) - 32;
                float d = dAll * sc;
                if (d == 0) {
                    continue; // keeps the levels make_q3_quants chose, as the C code does
                }
                for (int ii = 0; ii < 16; ++ii) {
                    int l = QuantMath.nearestInt(src[x + 16 * j + ii] / d);
                    l = Math.max(-4, Math.min(3, l));
                    L[16 * j + ii] = l + 4;
                }
            }

            // The high bit of the first 32 quants goes to bit 0 of hmask[0..31], the next 32 to bit 1, ...
            int m = 0;
            int hm = 1;
            for (int j = 0; j < QK; ++j) {
                if (L[j] > 3) {
                    y[m] |= (byte) hm;
                    L[j] -= 4;
                }
                if (++m == QK / 8) {
                    m = 0;
                    hm <<= 1;
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
