package dev.cove.core.route;

/**
 * A feature vector that is mostly zeros: the buckets that are not, in increasing order, and
 * their values. Immutable by convention: the arrays are not copied.
 */
public record SparseVector(int[] indices, float[] values) {
    public SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + values.length + " values");
        }
    }

    public int size() {
        return indices.length;
    }
}
