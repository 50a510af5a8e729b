package dev.cove.core.kernel;

import dev.cove.core.tensor.BFloat16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The arithmetic of the forward pass: matrix products over every tensor type and the small
 * vector operations around them. Two implementations, chosen once at start-up (as Lucene
 * chooses its vectorization provider): {@link ScalarKernels}, plain Java that runs anywhere and
 * is the reference, and {@code PanamaKernels}, built on the incubating Vector API, which is only
 * loaded when the {@code jdk.incubator.vector} module is present (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}), so that no class touching the vector API is ever
 * loaded without it. {@code -Dcove.kernels=scalar} forces the scalar one.
 *
 * <p>Matrix products write {@code out[t * outStride + r]} for rows {@code r} in
 * {@code [rowStart, rowEnd)} and tokens {@code t} of the activations, so that callers split rows
 * between threads. {@code scratch} is per-thread memory of at least {@link #scratchSize} floats.
 * Implementations are stateless and thread-safe, and allocate nothing per call.
 */
public abstract class Kernels {

    private static final System.Logger LOG = System.getLogger(Kernels.class.getName());

    private static final class Holder {
        static final Kernels INSTANCE = choose();
    }

    /** The implementation for this JVM. */
    public static Kernels get() {
        return Holder.INSTANCE;
    }

    /** The plain-Java reference implementation. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    private static Kernels choose() {
        String forced = System.getProperty("cove.kernels", "");
        if (forced.equals("scalar")) {
            return ScalarKernels.INSTANCE;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "jdk.incubator.vector is not enabled: using the scalar kernels "
                    + "(start the JVM with --add-modules jdk.incubator.vector for the fast ones)");
            return ScalarKernels.INSTANCE;
        }
        try {
            Class<?> c = Class.forName("dev.cove.core.kernel.PanamaKernels");
            Kernels k = (Kernels) c.getDeclaredMethod("create").invoke(null);
            if (k != null) {
                return k;
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "vector kernels unavailable, using the scalar ones: " + e);
        }
        return ScalarKernels.INSTANCE;
    }

    /** A short description, e.g. "panama AVX-512 (512-bit)" or "scalar". */
    public abstract String name();

    /**
     * {@code w} in the layout this implementation's kernels read fastest: the matrix itself, or
     * the same matrix with a repacked copy allocated in {@code arena}, filled by
     * {@link #pack}. The default keeps the file layout.
     */
    public WeightMatrix prepare(WeightMatrix w, Arena arena) {
        return w;
    }

    /** Row groups of a prepared matrix that {@link #pack} fills; 0 when there is nothing to pack. */
    public int packGroups(WeightMatrix w) {
        return 0;
    }

    /** Fills row groups [from, to) of the repacked copy of {@code w}. Thread-safe for disjoint ranges. */
    public void pack(WeightMatrix w, int from, int to) {
        throw new UnsupportedOperationException(w.name() + " is not repacked");
    }

    /**
     * Rows of {@code w} that a thread's share must be a multiple of (the last share takes the
     * rest): the packed layouts compute 32 rows at a time.
     */
    public int rowGranule(WeightMatrix w) {
        return 1;
    }

    /** Whether products with {@code w} read {@link Activations#quantize quantized} activations. */
    public boolean readsQuantized(WeightMatrix w) {
        return false;
    }

    /**
     * Whether {@link #matMul} gives each token's products with {@code w} bit for bit as
     * {@link #matVec} does, however many tokens share the batch.
     */
    public boolean batchInvariant(WeightMatrix w) {
        return readsQuantized(w);
    }

    /**
     * Whether the matrix-matrix kernel for {@code w} also reads the activations column by column
     * ({@link Activations#quantize(int, int, boolean)}).
     */
    public boolean readsQuantsByColumn(WeightMatrix w) {
        return false;
    }

    /** Floats of per-thread scratch the products of a matrix of {@code cols} columns need. */
    public int scratchSize(int cols) {
        return 4 * cols;
    }

    /** {@code out[outOffset + r] = row r of w . token t of x} for r in [rowStart, rowEnd). */
    public abstract void matVec(WeightMatrix w, Activations x, int token, float[] out, int outOffset,
                                int rowStart, int rowEnd, float[] scratch);

    /**
     * {@code out[t * outStride + r] = row r of w . token t of x} for every token t of x and r in
     * [rowStart, rowEnd): a matrix-matrix product that reads each weight once for all tokens.
     */
    public void matMul(WeightMatrix w, Activations x, float[] out, int outStride, int rowStart, int rowEnd,
                       float[] scratch) {
        for (int t = 0; t < x.tokens(); t++) {
            matVec(w, x, t, out, t * outStride, rowStart, rowEnd, scratch);
        }
    }

    /** Dequantizes row {@code row} of {@code w} (file layout) into {@code out[outOffset..+cols)}. */
    public void dequantizeRow(WeightMatrix w, int row, float[] out, int outOffset) {
        w.dequantizeRow(row, out, outOffset);
    }

    /** Sum of {@code a[ao+i] * b[bo+i]}. */
    public abstract float dot(float[] a, int ao, float[] b, int bo, int n);

    /** {@code y[yo+i] += alpha * x[xo+i]}. */
    public abstract void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** {@code y[yo+i] += x[xo+i]}. */
    public abstract void add(float[] y, int yo, float[] x, int xo, int n);

    /** {@code out[oo+i] = x[xo+i] / rms(x) * weight[i]}, rms with {@code epsilon}. */
    public abstract void rmsNorm(float[] out, int oo, float[] x, int xo, float[] weight, int n, float epsilon);

    /** SwiGLU: {@code gate[go+i] = silu(gate[go+i]) * up[uo+i]}. */
    public abstract void swiGlu(float[] gate, int go, float[] up, int uo, int n);

    /**
     * GeGLU with the tanh approximation of GELU (Gemma):
     * {@code gate[go+i] = gelu(gate[go+i]) * up[uo+i]}, gelu(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
     */
    public void geGlu(float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            gate[go + i] = geluTanh(gate[go + i]) * up[uo + i];
        }
    }

    /** The tanh approximation of GELU, in double: the reference of the vector kernels. */
    protected static float geluTanh(float x) {
        double inner = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        return (float) (0.5 * x * (1 + Math.tanh(inner)));
    }

    /** Soft-capping, in place: {@code x[offset+i] = cap * tanh(x[offset+i] / cap)} (Gemma 2's logits). */
    public void softCap(float[] x, int offset, int n, float cap) {
        for (int i = offset; i < offset + n; i++) {
            x[i] = (float) (cap * Math.tanh(x[i] / cap));
        }
    }

    /** {@code x[offset+i] *= factor}. */
    public void scale(float[] x, int offset, float factor, int n) {
        for (int i = offset; i < offset + n; i++) {
            x[i] *= factor;
        }
    }

    /** Query heads {@link #attentionScores} and {@link #weightedSum} take at once: they share each key and value read. */
    public static final int ATTENTION_HEADS = 4;

    /**
     * Attention scores of {@code heads} (at most {@link #ATTENTION_HEADS}) query heads of one
     * key-value group, against keys stored transposed (dimension-major, positions contiguous):
     * {@code scores[so + h * scoreStride + i] = scale * sum_d q[qo + h * headDim + d] * keys[ko + d * stride + i]}
     * for {@code i < count}. Reading each dimension's run of positions needs no horizontal sum per
     * position, and the heads of a group share every key read.
     */
    public void attentionScores(float[] q, int qo, int heads, float[] keys, int ko, int stride, int headDim, int count,
                                float scale, float[] scores, int so, int scoreStride) {
        for (int h = 0; h < heads; h++) {
            int row = so + h * scoreStride;
            java.util.Arrays.fill(scores, row, row + count, 0f);
            for (int d = 0; d < headDim; d++) {
                float qd = q[qo + h * headDim + d];
                int k = ko + d * stride;
                for (int i = 0; i < count; i++) {
                    scores[row + i] += qd * keys[k + i];
                }
            }
            for (int i = 0; i < count; i++) {
                scores[row + i] *= scale;
            }
        }
    }

    /**
     * The attention outputs of {@code heads} (at most {@link #ATTENTION_HEADS}) heads of one group:
     * {@code out[oo + h * n + d] = sum_i weights[wo + h * weightStride + i] * values[vo + i * stride + d]}
     * for {@code d < n}, {@code i < count} (values position-major, shared by the heads).
     */
    public void weightedSum(float[] weights, int wo, int weightStride, int heads, int count, float[] values, int vo,
                            int stride, float[] out, int oo, int n) {
        for (int h = 0; h < heads; h++) {
            java.util.Arrays.fill(out, oo + h * n, oo + (h + 1) * n, 0f);
            for (int i = 0; i < count; i++) {
                axpy(weights[wo + h * weightStride + i], values, vo + i * stride, out, oo + h * n, n);
            }
        }
    }

    /** {@link #attentionScores} over keys stored as bfloat16 (a {@code bf16} KV cache). */
    public void attentionScoresBf16(float[] q, int qo, int heads, short[] keys, int ko, int stride, int headDim,
                                    int count, float scale, float[] scores, int so, int scoreStride) {
        for (int h = 0; h < heads; h++) {
            int row = so + h * scoreStride;
            java.util.Arrays.fill(scores, row, row + count, 0f);
            for (int d = 0; d < headDim; d++) {
                float qd = q[qo + h * headDim + d];
                int k = ko + d * stride;
                for (int i = 0; i < count; i++) {
                    scores[row + i] += qd * BFloat16.toFloat(keys[k + i]);
                }
            }
            for (int i = 0; i < count; i++) {
                scores[row + i] *= scale;
            }
        }
    }

    /** {@link #weightedSum} over values stored as bfloat16 (a {@code bf16} KV cache). */
    public void weightedSumBf16(float[] weights, int wo, int weightStride, int heads, int count, short[] values, int vo,
                                int stride, float[] out, int oo, int n) {
        for (int h = 0; h < heads; h++) {
            java.util.Arrays.fill(out, oo + h * n, oo + (h + 1) * n, 0f);
            for (int i = 0; i < count; i++) {
                float w = weights[wo + h * weightStride + i];
                for (int d = 0; d < n; d++) {
                    out[oo + h * n + d] += w * BFloat16.toFloat(values[vo + i * stride + d]);
                }
            }
        }
    }

    /** Components of a q8_0 KV cache block: one scale per 32 components of a position. */
    public static final int Q8_KV_BLOCK = 32;

    /**
     * {@link #attentionScores} over q8_0 keys: bytes transposed as the float keys, and the scale
     * of block b (components 32b..32b+31 of the head) of position i at
     * {@code scales[sco + b * stride + i]}: {@code scores = scale * sum_b scales(b, i) * sum_{d in b} q[d] * keys(d, i)}.
     * {@code headDim} is a multiple of {@link #Q8_KV_BLOCK}.
     */
    public void attentionScoresQ8(float[] q, int qo, int heads, byte[] keys, int ko, int stride, float[] scales, int sco,
                                  int headDim, int count, float scale, float[] scores, int so, int scoreStride) {
        for (int h = 0; h < heads; h++) {
            int row = so + h * scoreStride;
            java.util.Arrays.fill(scores, row, row + count, 0f);
            for (int b = 0; b < headDim / Q8_KV_BLOCK; b++) {
                for (int i = 0; i < count; i++) {
                    float sum = 0;
                    for (int d = b * Q8_KV_BLOCK; d < (b + 1) * Q8_KV_BLOCK; d++) {
                        sum += q[qo + h * headDim + d] * keys[ko + d * stride + i];
                    }
                    scores[row + i] += sum * scales[sco + b * stride + i];
                }
            }
            for (int i = 0; i < count; i++) {
                scores[row + i] *= scale;
            }
        }
    }

    /**
     * {@link #weightedSum} over q8_0 values: bytes position-major as the float values, and the
     * scale of block b of position i at {@code scales[sco + i * scaleStride + b]}:
     * {@code out[d] = sum_i weights[i] * scales(i, d / 32) * values(i, d)}. {@code n} is a multiple of
     * {@link #Q8_KV_BLOCK}.
     */
    public void weightedSumQ8(float[] weights, int wo, int weightStride, int heads, int count, byte[] values, int vo,
                              int stride, float[] scales, int sco, int scaleStride, float[] out, int oo, int n) {
        for (int h = 0; h < heads; h++) {
            java.util.Arrays.fill(out, oo + h * n, oo + (h + 1) * n, 0f);
            for (int i = 0; i < count; i++) {
                float w = weights[wo + h * weightStride + i];
                for (int d = 0; d < n; d++) {
                    out[oo + h * n + d] += w * scales[sco + i * scaleStride + d / Q8_KV_BLOCK] * values[vo + i * stride + d];
                }
            }
        }
    }

    /** In-place softmax of {@code x[offset..offset+n)}. */
    public abstract void softmax(float[] x, int offset, int n);

    /**
     * Reads {@code bytes} (a multiple of 256) of {@code s} from {@code offset} as floats and returns
     * their sum: a streaming read for measuring memory bandwidth.
     */
    public float streamRead(MemorySegment s, long offset, long bytes) {
        float sum = 0;
        for (long i = 0; i < bytes; i += 8) {
            sum += s.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, offset + i);
        }
        return sum;
    }

    /**
     * Runs the kernels that matrices of {@code types} use on small zero-filled inputs until the
     * JIT has compiled them, so that the first real tokens do not run vector code in the
     * interpreter (where every vector operation allocates and is a hundred times slower).
     * Takes 1.5-2 s of one core (Q4_0), meant to run beside the model's load; it changes no result.
     * The default does nothing.
     */
    public void warmUp(java.util.Set<dev.cove.core.tensor.GgmlType> types) {
    }

    /** Quantizes tokens [from, to) of {@code x} to 8 bits per block of 32 (see {@link Activations}). */
    public void quantize(Activations x, int from, int to) {
        x.quantizeScalar(from, to);
    }

    /** Whether this is the vector implementation. */
    public boolean vectorized() {
        return false;
    }

    /** The packed copy of a prepared matrix (never null when {@link #packGroups} is positive). */
    protected static MemorySegment packedOf(WeightMatrix w) {
        return w.packed();
    }
}
