package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/** IEEE half precision, two bytes little-endian per element. */
final class F16Codec implements TypeCodec {

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        Bytes.blocks(GgmlType.F16, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Bytes.half(src, offset + 2L * i);
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        Bytes.blocks(GgmlType.F16, count);
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (double) Bytes.half(src, offset + 2L * i) * x[xOffset + i];
        }
        return (float) sum;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        Bytes.blocks(GgmlType.F16, count);
        for (int i = 0; i < count; i++) {
            dst.set(Bytes.SHORT, offset + 2L * i, Float16.fromFloat(src[srcOffset + i]));
        }
    }
}
