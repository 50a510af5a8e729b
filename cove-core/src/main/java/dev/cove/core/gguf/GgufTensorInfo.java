package dev.cove.core.gguf;

import dev.cove.core.tensor.GgmlType;
import java.util.Arrays;

/**
 * One tensor of a GGUF file. {@code shape} is in GGML order: {@code shape[0]} is the number of
 * elements in a row (the fastest-varying dimension). {@code fileOffset} is absolute in the file.
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long fileOffset, long byteSize) {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Elements per row: {@code shape[0]}. */
    public long rowLength() {
        return shape[0];
    }

    /** Number of rows: the product of all dimensions but the first. */
    public long rowCount() {
        return elementCount() / shape[0];
    }

    public long end() {
        return fileOffset + byteSize;
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && fileOffset == t.fileOffset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
