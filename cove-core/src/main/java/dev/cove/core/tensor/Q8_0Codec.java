package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q8_0: blocks of 32 weights, {@code w = d * q}.
 * <pre>
 * block_q8_0 (34 bytes): half d | int8 qs[32]
 * </pre>
 */
final class Q8_0Codec implements TypeCodec {

    private static final int QK = 32;
    private static final int BYTES = 34;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q8_0, count);
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            int o = dstOffset + i * QK;
            for (int j = 0; j < QK; j++) {
                dst[o + j] = Bytes.i8(src, b + 2 + j) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        int nb = Bytes.blocks(GgmlType.Q8_0, count);
        double sum = 0;
        for (int i = 0; i < nb; i++) {
            long b = offset + (long) i * BYTES;
            float d = Bytes.half(src, b);
            int o = xOffset + i * QK;
            for (int j = 0; j < QK; j++) {
                float w = Bytes.i8(src, b + 2 + j) * d;
                sum += (double) w * x[o + j];
            }
        }
        return (float) sum;
    }

    /** {@code quantize_row_q8_0_ref}: d = amax / 127, q = roundf(x / d) (halves away from zero). */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        int nb = Bytes.blocks(GgmlType.Q8_0, count);
        byte[] block = new byte[BYTES];
        for (int i = 0; i < nb; i++) {
            int x = srcOffset + i * QK;
            float amax = 0.0f;
            for (int j = 0; j < QK; j++) {
                float a = Math.abs(src[x + j]);
                amax = amax > a ? amax : a; // C's MAX(amax, a), operand order kept
            }
            float d = amax / ((1 << 7) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            Bytes.putHalf(block, 0, d);
            for (int j = 0; j < QK; j++) {
                block[2 + j] = (byte) (int) QuantMath.roundf(src[x + j] * id);
            }
            Bytes.put(block, dst, offset + (long) i * BYTES);
        }
    }
}
