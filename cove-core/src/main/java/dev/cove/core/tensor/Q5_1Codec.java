package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q5_1: blocks of 32 weights, {@code w = d * q + m} with 5-bit q, packed like Q5_0.
 * <pre>
 * block_q5_1 (24 bytes): half d | half m | uint8 qh[4] | uint8 qs[16]
 * </pre>
 */
final class Q5_1Codec implements TypeCodec {

    private static final int QK = 32;
    private static final int BYTES = 24;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_1, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float m = Bytes.half(src, b + 2);
            int qh = src.get(Bytes.INT, b + 4);
            int o = dstOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 8 + j);
                int x0 = (q & 0x0F) | (((qh >>> j) & 1) << 4);
                int x1 = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                dst[o + j] = x0 * d + m;
                dst[o + j + QK / 2] = x1 * d + m;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_1, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            float m = Bytes.half(src, b + 2);
            int qh = src.get(Bytes.INT, b + 4);
            int o = xOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 8 + j);
                int x0 = (q & 0x0F) | (((qh >>> j) & 1) << 4);
                int x1 = (q >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                sum += (double) (x0 * d + m) * x[o + j];
                sum += (double) (x1 * d + m) * x[o + j + QK / 2];
            }
        }
        return (float) sum;
    }

    /** {@code quantize_row_q5_1_ref}: m = min, d = (max - min) / 31, q = (uint8) ((x - m)/d + 0.5). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_1, count);
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
            float d = (max - min) / ((1 << 5) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.putHalf(block, 0, d);
            Bytes.putHalf(block, 2, min);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (src[x + j] - min) * id;
                float x1 = (src[x + QK / 2 + j] - min) * id;
                int xi0 = (int) (x0 + 0.5f) & 0xFF;
                int xi1 = (int) (x1 + 0.5f) & 0xFF;
                block[8 + j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            Q5_0Codec.putInt(block, 4, qh);
            Bytes.put(block, dst, offset + (long) i * BYTES);
        }
    }
}
