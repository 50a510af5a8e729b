package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0: blocks of 32 weights, {@code w = d * (q - 8)} with 4-bit q. Element j sits in the low
 * nibble of byte j, element j + 16 in its high nibble.
 * <pre>
 * block_q4_0 (18 bytes): half d | uint8 qs[16]
 * </pre>
 */
final class Q4_0Codec implements TypeCodec {

    private static final int QK = 32;
    private static final int BYTES = 18;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_0, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            int o = dstOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 2 + j);
                dst[o + j] = ((q & 0x0F) - 8) * d;
                dst[o + j + QK / 2] = ((q >>> 4) - 8) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_0, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            int o = xOffset + i * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Bytes.u8(src, b + 2 + j);
                float w0 = ((q & 0x0F) - 8) * d;
                float w1 = ((q >>> 4) - 8) * d;
                sum += (double) w0 * x[o + j];
                sum += (double) w1 * x[o + j + QK / 2];
            }
        }
        return (float) sum;
    }

    /**
     * {@code quantize_row_q4_0_ref}: d = (the value of largest magnitude, with its sign) / -8, so
     * that value maps exactly to q = 0; q = min(15, (int8) (x/d + 8.5)), C's truncating cast.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q4_0, count);
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
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.putHalf(block, 0, d);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = src[x + j] * id;
                float x1 = src[x + QK / 2 + j] * id;
                int xi0 = Math.min(15, (byte) (int) (x0 + 8.5f));
                int xi1 = Math.min(15, (byte) (int) (x1 + 8.5f));
                block[2 + j] = (byte) (xi0 | (xi1 << 4));
            }
            Bytes.put(block, dst, offset + (long) i * BYTES);
        }
    }
}
