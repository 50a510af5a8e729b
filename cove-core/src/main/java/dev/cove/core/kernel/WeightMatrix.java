package dev.cove.core.kernel;

import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodec;
import dev.cove.core.tensor.TypeCodecs;
import java.lang.foreign.MemorySegment;

/**
 * A row-major matrix of {@code rows} rows of {@code cols} elements, stored in GGML's block layout
 * of {@code type} inside a (usually memory-mapped) segment. Immutable and shared between threads.
 *
 * <p>{@code packed}, when not null, holds the same weights rearranged by {@link Kernels#prepare}
 * into a layout its kernels read faster (see {@link Q4_0Packing}); {@code data} then still
 * describes the original tensor in the file (used for single rows, e.g. embedding look-ups).
 */
public record WeightMatrix(String name, GgmlType type, MemorySegment data, long offset, int rows, int cols,
                           MemorySegment packed) {

    public WeightMatrix {
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + cols + " columns is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long needed = (long) rows * type.byteSize(cols);
        if (offset < 0 || needed > data.byteSize() - offset) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " " + type
                    + " needs " + needed + " bytes, the segment has " + (data.byteSize() - offset));
        }
    }

    /** A matrix in its file layout. */
    public WeightMatrix(String name, GgmlType type, MemorySegment data, long offset, int rows, int cols) {
        this(name, type, data, offset, rows, cols, null);
    }

    /** The same matrix with a repacked copy of its weights. */
    public WeightMatrix withPacked(MemorySegment packedWeights) {
        return new WeightMatrix(name, type, data, offset, rows, cols, packedWeights);
    }

    /**
     * Rows {@code [first, first + count)} of this matrix in the file, as a matrix of their own: how
     * a fused tensor (Q, K and V in one) is read as its parts. Not of a repacked matrix.
     */
    public WeightMatrix rows(String partName, int first, int count) {
        if (packed != null) {
            throw new IllegalStateException(name + " is repacked: take its rows before preparing it");
        }
        if (first < 0 || count <= 0 || first + count > rows) {
            throw new IllegalArgumentException(name + ": rows " + first + ".." + (first + count - 1) + " of " + rows);
        }
        return new WeightMatrix(partName, type, data, rowOffset(first), count, cols);
    }

    public long rowBytes() {
        return type.byteSize(cols);
    }

    public long rowOffset(int row) {
        return offset + row * rowBytes();
    }

    public TypeCodec codec() {
        return TypeCodecs.of(type);
    }

    /** Dequantizes one row into {@code out[outOffset..outOffset+cols)}. */
    public void dequantizeRow(int row, float[] out, int outOffset) {
        codec().dequantize(data, rowOffset(row), out, outOffset, cols);
    }

    /** Bytes of weights this matrix holds: what one full matrix-vector product reads. */
    public long byteSize() {
        return rows * rowBytes();
    }

    /** The slice of the file this matrix occupies. */
    public MemorySegment fileSlice() {
        return data.asSlice(offset, byteSize());
    }
}
