package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q4_1: blocks of 32 weights, {@code w = d * q + m} with 4-bit q; nibble order as in Q4_0.
 * <pre>
 * block_q4_1 (20 bytes): half d | half m | uint8 qs[16]
 * </pre>
 */
final class Q4_1Codec implements TypeCodec {

    private static final int QK = 32;
    private static final int BYTES = 20;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_1, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float m = Bytes.half(src, b + 2);
            int o = dstOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 4 + j);
                dst[o + j] = (q & 0x0F) * d + m;
                dst[o + j + QK / 2] = (q >>> 4) * d + m;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_1, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float m = Bytes.half(src, b + 2);
            int o = xOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 4 + j);
                float w0 = (q & 0x0F) * d + m;
                float w1 = (q >>> 4) * d + m;
                sum += (double) w0 * x[o + j];
                sum += (double) w1 * x[o + j + QK / 2];
            }
        }
        return (float) sum;
    }

    /** {@code quantize_row_q4_1_ref}: m = min, d = (max - min) / 15, q = min(15, (int8) ((x - m)/d + 0.5)). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_1, count);
        byte[] block = new byte[BYTES];
        for (int i = 0; i < nb; i++) {
            int x = srcOffset + i * QK;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / ((1 << 4) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.putHalf(block, 0, d);
            Bytes.putHalf(block, 2, min);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (src[x + j] - min) * id;
                float x1 = (src[x + QK / 2 + j] - min) * id;
                int xi0 = Math.min(15, (byte) (int) (x0 + 0.5f));
                int xi1 = Math.min(15, (byte) (int) (x1 + 0.5f));
                block[4 + j] = (byte) (xi0 | (xi1 << 4));
            }
            Bytes.put(block, dst, offset + (long) i * BYTES);
        }
    }
}
