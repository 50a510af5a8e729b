package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/** Plain little-endian float32. */
final class F32Codec implements TypeCodec {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        Bytes.blocks(GgmlType.F32, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = src.get(Bytes.FLOAT, offset + 4L * i);
        }
    }

    @Override
    public float dot(MemorySegment src, long offset, float[] x, int xOffset, int count) {
        Bytes.blocks(GgmlType.F32, count);
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (double) src.get(Bytes.FLOAT, offset + 4L * i) * x[xOffset + i];
        }
        return (float) sum;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count) {
        Bytes.blocks(GgmlType.F32, count);
        for (int i = 0; i < count; i++) {
            dst.set(Bytes.FLOAT, offset + 4L * i, src[srcOffset + i]);
        }
    }
}
