package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodecs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vector kernels against the scalar reference on random matrices of awkward shapes: rows not
 * a multiple of any vector or group size, several blocks per row, token counts around the tile
 * sizes. Tolerances are relative to the magnitude of the products ({@code sum |w x|}): float
 * rounding for the float kernels, llama.cpp's 8-bit activation quantization for the integer one.
 */
class KernelsTest {
    private static final Kernels FAST = Kernels.get();
    private static final Kernels REF = Kernels.scalar();

    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (GgmlType t : GgmlType.values()) {
            int block = t.blockSize();
            int[][] shapes = block == 1
                    ? new int[][] {{1, 7}, {5, 33}, {37, 64}, {64, 250}, {96, 300}}
                    : block == 32 ? new int[][] {{1, 32}, {7, 96}, {37, 160}, {64, 256}, {96, 64}, {32, 544}}
                    : new int[][] {{1, 256}, {9, 512}, {64, 256}, {96, 768}};
            for (int[] s : shapes) {
                b.add(Arguments.of(t, s[0], s[1]));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void matVecAndMatMulMatchTheScalarReference(GgmlType type, int rows, int cols) {
        assumeTrue(FAST.vectorized(), "the vector module is not enabled in this JVM");
        Random random = new Random(31L * rows + cols + type.ordinal());
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix raw = randomMatrix(type, rows, cols, random, arena);
            WeightMatrix w = FAST.prepare(raw, arena);
            if (FAST.packGroups(w) > 0) {
                FAST.pack(w, 0, FAST.packGroups(w));
            }
            double tolerance = FAST.readsQuantized(w) ? 2e-2 : 2e-5;
            for (int tokens : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 21}) {
                Activations x = new Activations(cols, tokens);
                x.setTokens(tokens);
                for (int i = 0; i < x.values().length; i++) {
                    x.values()[i] = (float) random.nextGaussian();
                }
                if (x.quantizable()) {
                    x.quantize();
                }
                float[] expected = new float[tokens * rows];
                float[] magnitude = new float[tokens * rows];
                REF.matMul(raw, x, expected, rows, 0, rows, new float[0]);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) {
                        magnitude[t * rows + r] = absDot(raw, r, x, t);
                    }
                }
                float[] scratch = new float[FAST.scratchSize(cols)];
                float[] batched = new float[tokens * rows];
                FAST.matMul(w, x, batched, rows, 0, rows, scratch);
                float[] single = new float[tokens * rows];
                for (int t = 0; t < tokens; t++) {
                    FAST.matVec(w, x, t, single, t * rows, 0, rows, scratch);
                }
                for (int i = 0; i < expected.length; i++) {
                    double allowed = tolerance * magnitude[i] + 1e-6;
                    assertThat((double) Math.abs(single[i] - expected[i])).as("%s matVec element %d of %d tokens", type, i, tokens)
                            .isLessThanOrEqualTo(allowed);
                    assertThat((double) Math.abs(batched[i] - expected[i])).as("%s matMul element %d of %d tokens", type, i, tokens)
                            .isLessThanOrEqualTo(allowed);
                    if (FAST.batchInvariant(w)) {
                        // the packed kernels' tiles give the matrix-vector result bit for bit
                        assertThat(batched[i]).as("%s matMul = matVec, element %d of %d tokens", type, i, tokens).isEqualTo(single[i]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void dequantizeRowMatchesTheCodec(GgmlType type, int rows, int cols) {
        Random random = new Random(7L * rows + cols);
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = randomMatrix(type, rows, cols, random, arena);
            float[] expected = new float[cols];
            float[] actual = new float[cols + 3];
            for (int r = 0; r < rows; r += Math.max(1, rows / 3)) {
                w.dequantizeRow(r, expected, 0);
                FAST.dequantizeRow(w, r, actual, 3);
                for (int i = 0; i < cols; i++) {
                    assertThat(actual[3 + i]).as("%s row %d element %d", type, r, i).isEqualTo(expected[i]);
                }
            }
        }
    }

    @Test
    void activationQuantizationMatchesTheReference() {
        Random random = new Random(11);
        Activations fast = new Activations(96, 3);
        fast.setTokens(3);
        Activations ref = new Activations(96, 3);
        ref.setTokens(3);
        for (int i = 0; i < fast.values().length; i++) {
            fast.values()[i] = ref.values()[i] = (float) (random.nextGaussian() * (i % 7 == 0 ? 10 : 1));
        }
        fast.values()[40] = ref.values()[40] = 0; // a block with an exact zero
        java.util.Arrays.fill(fast.values(), 64, 96, 0f);
        java.util.Arrays.fill(ref.values(), 64, 96, 0f); // an all-zero block
        FAST.quantize(fast, 0, 3);
        ref.quantizeScalar(0, 3);
        assertThat(fast.quants()).containsExactly(ref.quants());
        assertThat(fast.scales()).containsExactly(ref.scales());
        assertThat(fast.offsets()).containsExactly(ref.offsets());
    }

    @Test
    void vectorOperationsMatchTheScalarReference() {
        Random random = new Random(5);
        for (int n : new int[] {1, 7, 16, 31, 64, 100, 257}) {
            float[] a = gaussian(random, n + 2);
            float[] b = gaussian(random, n + 3);
            assertThat(FAST.dot(a, 2, b, 3, n)).isCloseTo(REF.dot(a, 2, b, 3, n), org.assertj.core.data.Offset.offset(1e-4f * n));

            float[] y1 = gaussian(random, n);
            float[] y2 = y1.clone();
            FAST.axpy(0.3f, a, 1, y1, 0, n);
            REF.axpy(0.3f, a, 1, y2, 0, n);
            assertClose(y1, y2, 1e-6f);

            float[] weight = gaussian(random, n);
            float[] o1 = new float[n + 1];
            float[] o2 = new float[n + 1];
            FAST.rmsNorm(o1, 1, a, 2, weight, n, 1e-5f);
            REF.rmsNorm(o2, 1, a, 2, weight, n, 1e-5f);
            assertClose(o1, o2, 1e-5f);

            float[] g1 = gaussian(random, n);
            float[] g2 = g1.clone();
            float[] up = gaussian(random, n);
            FAST.swiGlu(g1, 0, up, 0, n);
            REF.swiGlu(g2, 0, up, 0, n);
            assertClose(g1, g2, 1e-5f);

            float[] e1 = gaussian(random, n);
            for (int i = 0; i < n; i++) {
                e1[i] *= 4; // GELU's curved part and both tails
            }
            float[] e2 = e1.clone();
            FAST.geGlu(e1, 0, up, 0, n);
            REF.geGlu(e2, 0, up, 0, n);
            assertClose(e1, e2, 1e-5f);

            float[] c1 = gaussian(random, n + 2);
            for (int i = 0; i < c1.length; i++) {
                c1[i] *= 40; // past the cap, where tanh saturates
            }
            float[] c2 = c1.clone();
            FAST.softCap(c1, 2, n, 5f);
            REF.softCap(c2, 2, n, 5f);
            assertClose(c1, c2, 1e-5f);

            float[] s1 = gaussian(random, n + 1);
            float[] s2 = s1.clone();
            FAST.softmax(s1, 1, n);
            REF.softmax(s2, 1, n);
            assertClose(s1, s2, 1e-6f);
        }
    }

    @Test
    void attentionKernelsMatchTheScalarReferenceOnAwkwardSizes() {
        Random random = new Random(11);
        for (int heads = 1; heads <= Kernels.ATTENTION_HEADS; heads++) {
            for (int headDim : new int[] {7, 64, 80, 128}) {
                for (int count : new int[] {1, 15, 16, 17, 33, 63, 64, 65, 200}) {
                    int capacity = count + 9; // keys transposed: one row of `capacity` positions per dimension
                    int first = 5;
                    float[] keys = gaussian(random, 2 * headDim * capacity);
                    float[] q = gaussian(random, heads * headDim + 3);
                    int ko = headDim * capacity + first; // the second key head's rows, from position `first`
                    float[] fast = new float[heads * capacity + 2];
                    float[] ref = new float[heads * capacity + 2];
                    FAST.attentionScores(q, 3, heads, keys, ko, capacity, headDim, count, 0.125f, fast, 2, capacity);
                    REF.attentionScores(q, 3, heads, keys, ko, capacity, headDim, count, 0.125f, ref, 2, capacity);
                    assertClose(fast, ref, 1e-5f);

                    int kvDim = 2 * headDim + 3;
                    float[] values = gaussian(random, (count + first) * kvDim);
                    float[] weights = gaussian(random, heads * capacity + 1);
                    float[] o1 = gaussian(random, heads * headDim + 4);
                    float[] o2 = o1.clone();
                    FAST.weightedSum(weights, 1, capacity, heads, count, values, first * kvDim + headDim, kvDim, o1, 2, headDim);
                    REF.weightedSum(weights, 1, capacity, heads, count, values, first * kvDim + headDim, kvDim, o2, 2, headDim);
                    assertClose(o1, o2, 1e-4f);
                }
            }
        }
    }

    @Test
    void bfloat16AttentionKernelsMatchTheScalarReferenceOnAwkwardSizes() {
        Random random = new Random(12);
        for (int heads = 1; heads <= Kernels.ATTENTION_HEADS; heads++) {
            for (int headDim : new int[] {7, 64, 80, 128}) {
                for (int count : new int[] {1, 15, 16, 17, 33, 63, 64, 65, 200}) {
                    int capacity = count + 9;
                    int first = 5;
                    short[] keys = bfloat16s(gaussian(random, 2 * headDim * capacity));
                    float[] q = gaussian(random, heads * headDim + 3);
                    int ko = headDim * capacity + first;
                    float[] fast = new float[heads * capacity + 2];
                    float[] ref = new float[heads * capacity + 2];
                    FAST.attentionScoresBf16(q, 3, heads, keys, ko, capacity, headDim, count, 0.125f, fast, 2, capacity);
                    REF.attentionScoresBf16(q, 3, heads, keys, ko, capacity, headDim, count, 0.125f, ref, 2, capacity);
                    assertClose(fast, ref, 1e-5f);

                    int kvDim = 2 * headDim + 3;
                    short[] values = bfloat16s(gaussian(random, (count + first) * kvDim));
                    float[] weights = gaussian(random, heads * capacity + 1);
                    float[] o1 = gaussian(random, heads * headDim + 4);
                    float[] o2 = o1.clone();
                    FAST.weightedSumBf16(weights, 1, capacity, heads, count, values, first * kvDim + headDim, kvDim, o1, 2,
                            headDim);
                    REF.weightedSumBf16(weights, 1, capacity, heads, count, values, first * kvDim + headDim, kvDim, o2, 2,
                            headDim);
                    assertClose(o1, o2, 1e-4f);
                }
            }
        }
    }

    @Test
    void q8AttentionKernelsMatchTheScalarReferenceOnAwkwardSizes() {
        Random random = new Random(13);
        for (int heads = 1; heads <= Kernels.ATTENTION_HEADS; heads++) {
            for (int headDim : new int[] {32, 64, 96, 128}) {
                for (int count : new int[] {1, 15, 16, 17, 33, 63, 64, 65, 200}) {
                    int capacity = count + 9;
                    int first = 5;
                    int blocks = headDim / Kernels.Q8_KV_BLOCK;
                    byte[] keys = bytes(random, 2 * headDim * capacity);
                    float[] keyScales = gaussian(random, 2 * blocks * capacity);
                    float[] q = gaussian(random, heads * headDim + 3);
                    int ko = headDim * capacity + first; // the second key head's rows, from position `first`
                    int kso = blocks * capacity + first;  // and its blocks' scales
                    float[] fast = new float[heads * capacity + 2];
                    float[] ref = new float[heads * capacity + 2];
                    FAST.attentionScoresQ8(q, 3, heads, keys, ko, capacity, keyScales, kso, headDim, count, 0.125f, fast, 2, capacity);
                    REF.attentionScoresQ8(q, 3, heads, keys, ko, capacity, keyScales, kso, headDim, count, 0.125f, ref, 2, capacity);
                    assertClose(fast, ref, 1e-3f);

                    int kvDim = 2 * headDim;
                    byte[] values = bytes(random, (count + first) * kvDim);
                    float[] valueScales = gaussian(random, (count + first) * 2 * blocks);
                    float[] weights = gaussian(random, heads * capacity + 1);
                    float[] o1 = gaussian(random, heads * headDim + 4);
                    float[] o2 = o1.clone();
                    int vso = first * 2 * blocks + blocks;
                    FAST.weightedSumQ8(weights, 1, capacity, heads, count, values, first * kvDim + headDim, kvDim,
                            valueScales, vso, 2 * blocks, o1, 2, headDim);
                    REF.weightedSumQ8(weights, 1, capacity, heads, count, values, first * kvDim + headDim, kvDim,
                            valueScales, vso, 2 * blocks, o2, 2, headDim);
                    assertClose(o1, o2, 1e-3f);
                }
            }
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static short[] bfloat16s(float[] v) {
        short[] out = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = dev.cove.core.tensor.BFloat16.fromFloat(v[i]);
        }
        return out;
    }

    private static void assertClose(float[] actual, float[] expected, float tolerance) {
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i],
                    org.assertj.core.data.Offset.offset(tolerance * Math.max(1f, Math.abs(expected[i]))));
        }
    }

    @Test
    void f16ProductsWithActivationsTooLargeToPreScaleMatchTheReference() {
        // |x| >= 2^15 cannot carry the half bias (2^112) without overflow: the plain kernel runs
        // (8 rows: the file layout; 64 rows: the row-packed layout's widening path)
        assumeTrue(FAST.vectorized(), "the vector module is not enabled in this JVM");
        Random random = new Random(3);
        for (int rows : new int[] {8, 64}) {
            try (Arena arena = Arena.ofConfined()) {
                int cols = 96;
                WeightMatrix raw = randomMatrix(GgmlType.F16, rows, cols, random, arena);
                WeightMatrix w = FAST.prepare(raw, arena);
                if (FAST.packGroups(w) > 0) {
                    FAST.pack(w, 0, FAST.packGroups(w));
                }
                for (float big : new float[] {0x1p15f, 1e6f, 3e30f}) {
                    Activations x = new Activations(cols, 1);
                    for (int i = 0; i < cols; i++) {
                        x.values()[i] = (float) random.nextGaussian();
                    }
                    x.values()[17] = big;
                    float[] expected = new float[rows];
                    float[] actual = new float[rows];
                    REF.matVec(raw, x, 0, expected, 0, 0, rows, new float[FAST.scratchSize(cols)]);
                    FAST.matVec(w, x, 0, actual, 0, 0, rows, new float[FAST.scratchSize(cols)]);
                    for (int r = 0; r < rows; r++) {
                        assertThat(Float.isFinite(actual[r])).as("%d rows: row %d with an activation of %s", rows, r, big).isTrue();
                        assertThat((double) Math.abs(actual[r] - expected[r]))
                                .as("%d rows: row %d with an activation of %s", rows, r, big)
                                .isLessThanOrEqualTo(2e-5 * absDot(raw, r, x, 0) + 1e-6);
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static float absDot(WeightMatrix w, int row, Activations x, int token) {
        float[] v = new float[w.cols()];
        w.dequantizeRow(row, v, 0);
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += Math.abs(v[i] * x.values()[token * w.cols() + i]);
        }
        return (float) sum;
    }

    /** Random weights quantized by the reference quantizer, in a segment with a leading offset. */
    static WeightMatrix randomMatrix(GgmlType type, int rows, int cols, Random random, Arena arena) {
        long rowBytes = type.byteSize(cols);
        long offset = 5;
        MemorySegment data = arena.allocate(offset + rows * rowBytes + 64);
        float[] values = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                values[i] = (float) (random.nextGaussian() * 0.05);
            }
            TypeCodecs.of(type).quantize(values, 0, data, offset + r * rowBytes, cols);
        }
        return new WeightMatrix("test", type, data, offset, rows, cols);
    }
}
