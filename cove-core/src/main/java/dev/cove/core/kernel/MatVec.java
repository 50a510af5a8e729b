package dev.cove.core.kernel;

/**
 * Matrix-vector products {@code out = W x} over a {@link WorkerPool}. Rows are partitioned
 * statically between threads. This is the reference path built on each type's scalar dot
 * product; vectorized kernels plug in behind the same call.
 */
public final class MatVec {
    private MatVec() {
    }

    public static void multiply(WorkerPool pool, WeightMatrix w, float[] x, float[] out) {
        pool.parallelFor(w.rows(), (start, end) -> multiplyRows(w, x, out, start, end));
    }

    /** {@code out[r] = dot(row r of w, x)} for rows [start, end). */
    public static void multiplyRows(WeightMatrix w, float[] x, float[] out, int start, int end) {
        var codec = w.codec();
        long rowBytes = w.rowBytes();
        long offset = w.offset() + start * rowBytes;
        for (int r = start; r < end; r++, offset += rowBytes) {
            out[r] = codec.dot(w.data(), offset, x, 0, w.cols());
        }
    }
}
