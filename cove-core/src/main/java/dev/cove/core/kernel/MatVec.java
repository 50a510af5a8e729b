package dev.cove.core.kernel;

/**
 * Convenience entry point for one matrix-vector product {@code out = W x} over a
 * {@link WorkerPool}, for tools and tests. The forward pass drives {@link Kernels} directly with
 * reusable tasks, so that its per-token path allocates nothing.
 */
public final class MatVec {
    private MatVec() {
    }

    /** {@code out = w x}, rows split between the pool's threads. Allocates; not for hot loops. */
    public static void multiply(WorkerPool pool, WeightMatrix w, float[] x, float[] out) {
        Kernels k = Kernels.get();
        Activations a = Activations.of(x);
        if (k.readsQuantized(w)) {
            a.quantize();
        }
        int granule = k.rowGranule(w);
        int units = (w.rows() + granule - 1) / granule;
        pool.runOnAll((thread, threads) -> {
            int start = Math.min(w.rows(), units * thread / threads * granule);
            int end = Math.min(w.rows(), units * (thread + 1) / threads * granule);
            if (start < end) {
                k.matVec(w, a, 0, out, 0, start, end, new float[k.scratchSize(w.cols())]);
            }
        });
    }
}
