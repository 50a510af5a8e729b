package dev.cove.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Reads, writes and multiplies rows of one {@link GgmlType} stored in GGML's block layout.
 *
 * <p>This is the plain reference code of the engine: the layouts and the arithmetic are exactly
 * GGML's ({@code ggml-common.h} and {@code ggml-quants.c}), so that a dequantized weight here is
 * bit for bit the float llama.cpp computes, and the quantizers produce what {@code llama-quantize}
 * writes (without an importance matrix). Fast kernels elsewhere are tested against this code.
 *
 * <p>Implementations are stateless and thread-safe. Byte offsets into {@code src}/{@code dst} are
 * {@code long} and need no alignment; all data is little-endian. {@code count} must be a multiple
 * of {@link GgmlType#blockSize()} and {@code offset} must point at the start of a block.
 * {@link #dequantize} and {@link #dot} allocate nothing.
 */
public interface TypeCodec {

    /** The type this codec handles. */
    GgmlType type();

    /** Dequantizes {@code count} elements (multiple of blockSize) starting at byte {@code offset} of {@code src} into dst[dstOffset..]. */
    void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int count);

    /**
     * Scalar reference dot product of {@code count} elements of the row at {@code offset} with
     * {@code x[xOffset..xOffset+count)}.
     *
     * <p>Every weight is first dequantized to exactly the float {@link #dequantize} produces; each
     * product {@code weight * x} is then exact in double (24 + 24 significant bits), and the
     * products are summed in double in element order. The result is rounded to float once at the
     * end, so it is as accurate as a float result can reasonably be and does not depend on any
     * blocking or vector width: fast kernels (float accumulation, other orders) are compared to it
     * with a tolerance.
     */
    float dot(MemorySegment src, long offset, float[] x, int xOffset, int count);

    /** Reference quantizer: {@code count} elements of src[srcOffset..] into {@code dst} at byte {@code offset}. */
    void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int count);
}
