package dev.cove.core.kernel;

/**
 * One parallel region computing up to three products of the same input, e.g. the Q, K and V
 * projections or the gate and up projections: the rows of all matrices are split into
 * contiguous shares, several per thread (in multiples of each matrix's {@link Kernels#rowGranule}),
 * which the threads claim as they go ({@link WorkerPool#runShares}),
 * so the threads meet once per region rather than once per matrix. Reusable: one instance per sequence
 * state, with per-thread scratch, so that the per-token path allocates nothing. Not thread-safe.
 */
public final class Projection implements WorkerPool.ShareTask {
    private static final int MAX = 3;

    private final Kernels kernels;
    private final float[][] scratch;
    private final WeightMatrix[] matrices = new WeightMatrix[MAX];
    private final float[][] outputs = new float[MAX][];
    private int count;
    private int units; // row granules of all the region's matrices together
    private Activations input;
    private boolean batched;

    /** Scratch for matrices of up to {@code maxCols} columns, for pools of up to {@code threads} threads. */
    public Projection(Kernels kernels, int threads, int maxCols) {
        this.kernels = kernels;
        this.scratch = new float[threads][kernels.scratchSize(maxCols)];
    }

    /** {@code out = w x} for token 0 of x. */
    public void run(WorkerPool pool, Activations x, WeightMatrix w, float[] out) {
        begin(x, false);
        add(w, out);
        finish(pool);
    }

    /** {@code out1 = w1 x; out2 = w2 x} for token 0 of x, in one region. */
    public void run(WorkerPool pool, Activations x, WeightMatrix w1, float[] out1, WeightMatrix w2, float[] out2) {
        begin(x, false);
        add(w1, out1);
        add(w2, out2);
        finish(pool);
    }

    /** Three products of token 0 of x in one region. */
    public void run(WorkerPool pool, Activations x, WeightMatrix w1, float[] out1, WeightMatrix w2, float[] out2,
                    WeightMatrix w3, float[] out3) {
        begin(x, false);
        add(w1, out1);
        add(w2, out2);
        add(w3, out3);
        finish(pool);
    }

    /** {@code out[t * w.rows() + r]} for every token t of x: matrix-matrix products. */
    public void runBatch(WorkerPool pool, Activations x, WeightMatrix w, float[] out) {
        begin(x, true);
        add(w, out);
        finish(pool);
    }

    public void runBatch(WorkerPool pool, Activations x, WeightMatrix w1, float[] out1, WeightMatrix w2, float[] out2) {
        begin(x, true);
        add(w1, out1);
        add(w2, out2);
        finish(pool);
    }

    public void runBatch(WorkerPool pool, Activations x, WeightMatrix w1, float[] out1, WeightMatrix w2, float[] out2,
                         WeightMatrix w3, float[] out3) {
        begin(x, true);
        add(w1, out1);
        add(w2, out2);
        add(w3, out3);
        finish(pool);
    }

    private void begin(Activations x, boolean batch) {
        this.input = x;
        this.batched = batch;
        this.count = 0;
    }

    private void add(WeightMatrix w, float[] out) {
        if (w.cols() != input.width()) {
            throw new IllegalArgumentException(w.name() + " has " + w.cols() + " columns, the input " + input.width());
        }
        matrices[count] = w;
        outputs[count] = out;
        count++;
    }

    private void finish(WorkerPool pool) {
        boolean quantize = false;
        boolean byColumn = false;
        units = 0;
        for (int i = 0; i < count; i++) {
            quantize |= kernels.readsQuantized(matrices[i]);
            byColumn |= batched && kernels.readsQuantsByColumn(matrices[i]);
            units += unitsOf(matrices[i]);
        }
        if (quantize) {
            input.quantize(0, batched ? input.tokens() : 1, byColumn);
        }
        try {
            pool.runShares(pool.sharesFor(units), this);
        } finally {
            for (int i = 0; i < count; i++) {
                matrices[i] = null;
                outputs[i] = null;
            }
            input = null;
        }
    }

    @Override
    public void run(int share, int shares, int worker) {
        int first = (int) ((long) units * share / shares);
        int last = (int) ((long) units * (share + 1) / shares);
        int base = 0;
        for (int i = 0; i < count && base < last; i++) {
            WeightMatrix w = matrices[i];
            int u = unitsOf(w);
            int from = Math.max(first, base) - base;
            int to = Math.min(last, base + u) - base;
            if (from < to) {
                int granule = kernels.rowGranule(w);
                int rowStart = from * granule;
                int rowEnd = Math.min(w.rows(), to * granule);
                if (batched) {
                    kernels.matMul(w, input, outputs[i], w.rows(), rowStart, rowEnd, scratch[worker]);
                } else {
                    kernels.matVec(w, input, 0, outputs[i], 0, rowStart, rowEnd, scratch[worker]);
                }
            }
            base += u;
        }
    }

    private int unitsOf(WeightMatrix w) {
        int g = kernels.rowGranule(w);
        return (w.rows() + g - 1) / g;
    }
}
