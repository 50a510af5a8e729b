package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0: blocks of 32 weights, {@code w = d * (q - 16)} with 5-bit q. The low 4 bits are packed
 * like Q4_0; bit j of the little-endian 32-bit {@code qh} is the fifth bit of element j.
 * <pre>
 * block_q5_0 (22 bytes): half d | uint8 qh[4] | uint8 qs[16]
 * </pre>
 */
final class Q5_0Codec implements TypeCodec {

    private static final int QK = 32;
    private static final int BYTES = 22;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_0, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            int qh = src.get(Bytes.INT, b + 2);
            int o = dstOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 6 + j);
                int x0 = ((q & 0x0F) | (((qh >>> j) & 1) << 4)) - 16;
                int x1 = ((q >>> 4) | (((qh >>> (j + 16)) & 1) << 4)) - 16;
                dst[o + j] = x0 * d;
                dst[o + j + QK / 2] = x1 * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_0, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            int qh = src.get(Bytes.INT, b + 2);
            int o = xOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 6 + j);
                int x0 = ((q & 0x0F) | (((qh >>> j) & 1) << 4)) - 16;
                int x1 = ((q >>> 4) | (((qh >>> (j + 16)) & 1) << 4)) - 16;
                sum += (double) (x0 * d) * x[o + j];
                sum += (double) (x1 * d) * x[o + j + QK / 2];
            }
        }
        return (float) sum;
    }

    /** {@code quantize_row_q5_0_ref}: as Q4_0 with d = max / -16 and q = min(31, (int8) (x/d + 16.5)). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q5_0, count);
        byte[] block = new byte[BYTES];
        for (int i = 0; i < nb; i++) {
            int x = srcOffset + i * QK;
            float amax = 0.0f;
            float max = 0.0f;
            for (int j = 0; j < QK; j++) {
                float v = src[x + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.putHalf(block, 0, d);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = src[x + j] * id;
                float x1 = src[x + QK / 2 + j] * id;
                int xi0 = Math.min(31, (byte) (int) (x0 + 16.5f)) & 0xFF;
                int xi1 = Math.min(31, (byte) (int) (x1 + 16.5f)) & 0xFF;
                block[6 + j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            putInt(block, 2, qh);
            Bytes.put(block, dst, offset + (long) i * BYTES);
        }
    }

    static void putInt(byte[] block, int at, int v) {
        block[at] = (byte) v;
        block[at + 1] = (byte) (v >>> 8);
        block[at + 2] = (byte) (v >>> 16);
        block[at + 3] = (byte) (v >>> 24);
    }
}
