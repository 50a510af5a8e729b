package dev.cove.core.kernel;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.S2I;

import dev.cove.core.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float kernels for 16-bit float weights (F16 and BF16) in the {@link RowPacking row-per-lane}
 * layout, where one load gives one column of 32 rows (16 with AVX2): converted to float in
 * registers (a shift and a mask put a 16-bit float's bits in a float's place; F16 then needs its
 * exponent bias, 2^112, which the activations carry) and multiplied by one broadcast activation,
 * with no horizontal sums.
 *
 * <p>Prompts widen a run of {@link #CHUNK} columns of a group to float once and run every
 * token over it, four at a time ({@link #tile}); in the file's layout each tile had to convert
 * its own rows and re-read the whole batch's activations for every four rows. Each row's sum
 * runs over the columns in order, one FMA per column, in the tile as in the matrix-vector
 * kernel, so a batch gives what one token at a time gives, to the bit.
 */
final class PackedHalfKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float HALF_BIAS = 0x1p112f;
    private static final VectorSpecies<Short> S = PackedWidth.SHORTS;
    private static final int LANES = S.length();
    private static final VectorSpecies<Float> F = PackedWidth.FLOATS;
    private static final VectorSpecies<Integer> I = PackedWidth.INTS;
    private static final VectorSpecies<Short> H = PackedWidth.SCALES;
    private static final int HALF = F.length();
    private static final int ROWS = RowPacking.ROWS;
    private static final int COLUMN_BYTES = RowPacking.HALF_GROUP_BYTES;
    /** Columns widened at once: 32 rows of floats in the scratch the other packed kernels have. */
    static final int CHUNK = PackedKernels.SCRATCH / ROWS;

    private PackedHalfKernels() {
    }

    /** Shift of a 16-bit float's bits into a float's place: F16 13, BF16 16. */
    private static int shift(WeightMatrix w) {
        return w.type() == GgmlType.F16 ? 13 : 16;
    }

    /** The float bits a shifted (sign-extended) 16-bit float keeps. */
    private static int mask(WeightMatrix w) {
        return w.type() == GgmlType.F16 ? 0x8FFFE000 : 0xFFFF0000;
    }

    /** What a shifted 16-bit float is multiplied by to give its value. */
    private static float bias(WeightMatrix w) {
        return w.type() == GgmlType.F16 ? HALF_BIAS : 1f;
    }

    static void matVec(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int rowStart, int rowEnd,
                       float[] scratch) {
        int cols = w.cols();
        int first = rowStart / LANES;
        int last = rowEnd / LANES;
        if (w.type() == GgmlType.BF16) {
            for (int u = first; u < last; u++) { // BF16's shifted bits are the float: x as it is
                rawPassBf16(w, u, x.values(), t * cols, cols, out, outOffset);
            }
        } else if (scaleForRawHalves(x.values(), t * cols, cols, scratch)) {
            for (int u = first; u < last; u++) {
                rawPassF16(w, u, scratch, 0, cols, out, outOffset);
            }
        } else {
            // Activations of 2^15 and more (or NaN): the tile's exact widening, one token.
            matMul(w, x, t, 1, out, outOffset, 0, rowStart, rowEnd, scratch);
        }
    }

    /**
     * Writes x times 2^112 ({@link #HALF_BIAS}) to {@code scaled[0, n)} when every |x| is below
     * 2^15, so that the product cannot overflow; returns whether it did. With the bias on the
     * activations, a half's bits shifted into place ({@link #rawPassF16}) need no multiplication:
     * scaling by a power of two is exact, so {@code fma(raw, x * 2^112, acc)} is
     * {@code fma(raw * 2^112, x, acc)} to the bit, one multiplication fewer per 16 weights.
     */
    private static boolean scaleForRawHalves(float[] x, int xo, int n, float[] scaled) {
        if (scaled.length < n) {
            return false;
        }
        FloatVector max = FloatVector.zero(F);
        int i = 0;
        for (; i + HALF <= n; i += HALF) {
            max = max.max(FloatVector.fromArray(F, x, xo + i).abs());
        }
        float m = max.reduceLanes(MAX);
        for (int j = i; j < n; j++) {
            m = Math.max(m, Math.abs(x[xo + j]));
        }
        if (!(m < 0x1p15f)) { // NaN too
            return false;
        }
        for (i = 0; i + HALF <= n; i += HALF) {
            FloatVector.fromArray(F, x, xo + i).mul(HALF_BIAS).intoArray(scaled, i);
        }
        for (; i < n; i++) {
            scaled[i] = x[xo + i] * HALF_BIAS;
        }
        return true;
    }

    /** Byte offset of column 0 of pass {@code u} (rows [LANES u, LANES u + LANES)). */
    private static long passOffset(int cols, int u) {
        int row = LANES * u;
        return (long) (row / ROWS) * cols * COLUMN_BYTES + 2L * (row % ROWS);
    }

    /**
     * F16 pass u (rows [LANES u, LANES u + LANES)) times x pre-scaled by 2^112: the halves' bits
     * shifted into a float's place without their bias give exactly the products of the widened
     * weights and x ({@link #scaleForRawHalves}). One pass at a time, one ascending
     * stream: two passes of different groups at once (four FMA chains) read two streams a
     * group apart and ran at half speed from memory (1 thread, 32000 x 2048: 6.4 against 13.5-14.8 G
     * weights/s); four columns per iteration and half-width loads ran fastest (in L2 22.3 against
     * 17.0 for one column and full-width loads).
     */
    private static void rawPassF16(WeightMatrix w, int u, float[] xs, int xo, int cols, float[] out, int outOffset) {
        MemorySegment p = w.packed();
        long o = passOffset(cols, u);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        int k = 0;
        for (; k + 4 <= cols; k += 4, o += 4 * COLUMN_BYTES) {
            FloatVector x0 = FloatVector.broadcast(F, xs[xo + k]);
            ShortVector h0 = ShortVector.fromMemorySegment(H, p, o, LE);
            ShortVector h1 = ShortVector.fromMemorySegment(H, p, o + 2 * HALF, LE);
            a0 = ((IntVector) h0.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x0, a0);
            a1 = ((IntVector) h1.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x0, a1);
            FloatVector x1 = FloatVector.broadcast(F, xs[xo + k + 1]);
            ShortVector h2 = ShortVector.fromMemorySegment(H, p, o + 1 * COLUMN_BYTES, LE);
            ShortVector h3 = ShortVector.fromMemorySegment(H, p, o + 1 * COLUMN_BYTES + 2 * HALF, LE);
            a0 = ((IntVector) h2.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x1, a0);
            a1 = ((IntVector) h3.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x1, a1);
            FloatVector x2 = FloatVector.broadcast(F, xs[xo + k + 2]);
            ShortVector h4 = ShortVector.fromMemorySegment(H, p, o + 2 * COLUMN_BYTES, LE);
            ShortVector h5 = ShortVector.fromMemorySegment(H, p, o + 2 * COLUMN_BYTES + 2 * HALF, LE);
            a0 = ((IntVector) h4.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x2, a0);
            a1 = ((IntVector) h5.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x2, a1);
            FloatVector x3 = FloatVector.broadcast(F, xs[xo + k + 3]);
            ShortVector h6 = ShortVector.fromMemorySegment(H, p, o + 3 * COLUMN_BYTES, LE);
            ShortVector h7 = ShortVector.fromMemorySegment(H, p, o + 3 * COLUMN_BYTES + 2 * HALF, LE);
            a0 = ((IntVector) h6.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x3, a0);
            a1 = ((IntVector) h7.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x3, a1);
        }
        for (; k < cols; k++, o += COLUMN_BYTES) {
            FloatVector x0 = FloatVector.broadcast(F, xs[xo + k]);
            ShortVector h0 = ShortVector.fromMemorySegment(H, p, o, LE);
            ShortVector h1 = ShortVector.fromMemorySegment(H, p, o + 2 * HALF, LE);
            a0 = ((IntVector) h0.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x0, a0);
            a1 = ((IntVector) h1.convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().fma(x0, a1);
        }
        a0.intoArray(out, outOffset + LANES * u);
        a1.intoArray(out, outOffset + LANES * u + HALF);
    }

    /**
     * {@link #rawPassF16} for BF16, whose bits shifted into place are the float itself. A copy
     * rather than the shift and mask as arguments: with them not constants the F16 pass ran at
     * 18.9 instead of 22.1-22.4 G weights/s in L2.
     */
    private static void rawPassBf16(WeightMatrix w, int u, float[] xs, int xo, int cols, float[] out, int outOffset) {
        MemorySegment p = w.packed();
        long o = passOffset(cols, u);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        int k = 0;
        for (; k + 4 <= cols; k += 4, o += 4 * COLUMN_BYTES) {
            FloatVector x0 = FloatVector.broadcast(F, xs[xo + k]);
            ShortVector h0 = ShortVector.fromMemorySegment(H, p, o, LE);
            ShortVector h1 = ShortVector.fromMemorySegment(H, p, o + 2 * HALF, LE);
            a0 = ((IntVector) h0.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a0);
            a1 = ((IntVector) h1.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a1);
            FloatVector x1 = FloatVector.broadcast(F, xs[xo + k + 1]);
            ShortVector h2 = ShortVector.fromMemorySegment(H, p, o + 1 * COLUMN_BYTES, LE);
            ShortVector h3 = ShortVector.fromMemorySegment(H, p, o + 1 * COLUMN_BYTES + 2 * HALF, LE);
            a0 = ((IntVector) h2.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x1, a0);
            a1 = ((IntVector) h3.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x1, a1);
            FloatVector x2 = FloatVector.broadcast(F, xs[xo + k + 2]);
            ShortVector h4 = ShortVector.fromMemorySegment(H, p, o + 2 * COLUMN_BYTES, LE);
            ShortVector h5 = ShortVector.fromMemorySegment(H, p, o + 2 * COLUMN_BYTES + 2 * HALF, LE);
            a0 = ((IntVector) h4.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x2, a0);
            a1 = ((IntVector) h5.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x2, a1);
            FloatVector x3 = FloatVector.broadcast(F, xs[xo + k + 3]);
            ShortVector h6 = ShortVector.fromMemorySegment(H, p, o + 3 * COLUMN_BYTES, LE);
            ShortVector h7 = ShortVector.fromMemorySegment(H, p, o + 3 * COLUMN_BYTES + 2 * HALF, LE);
            a0 = ((IntVector) h6.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x3, a0);
            a1 = ((IntVector) h7.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x3, a1);
        }
        for (; k < cols; k++, o += COLUMN_BYTES) {
            FloatVector x0 = FloatVector.broadcast(F, xs[xo + k]);
            ShortVector h0 = ShortVector.fromMemorySegment(H, p, o, LE);
            ShortVector h1 = ShortVector.fromMemorySegment(H, p, o + 2 * HALF, LE);
            a0 = ((IntVector) h0.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a0);
            a1 = ((IntVector) h1.convertShape(S2I, I, 0)).lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a1);
        }
        a0.intoArray(out, outOffset + LANES * u);
        a1.intoArray(out, outOffset + LANES * u + HALF);
    }

    static void matMul(WeightMatrix w, Activations x, float[] out, int outStride, int rowStart, int rowEnd,
                       float[] scratch) {
        matMul(w, x, 0, x.tokens(), out, 0, outStride, rowStart, rowEnd, scratch);
    }

    /**
     * Tokens [t0, t0 + n) into {@code out[outOffset + (t - t0) * outStride + row]}: per group and run of
     * columns, the weights widened once ({@link #widen}), then tiles of four tokens.
     */
    private static void matMul(WeightMatrix w, Activations x, int t0, int n, float[] out, int outOffset, int outStride,
                               int rowStart, int rowEnd, float[] scratch) {
        int cols = w.cols();
        for (int g = rowStart / ROWS; g < rowEnd / ROWS; g++) {
            for (int c0 = 0; c0 < cols; c0 += CHUNK) {
                int c1 = Math.min(cols, c0 + CHUNK);
                widen(w.packed(), (long) g * cols * COLUMN_BYTES, c0, c1, shift(w), mask(w), bias(w), scratch);
                for (int t = t0; t < t0 + n; t += 4) {
                    for (int r = 0; r < ROWS; r += LANES) {
                        tile(scratch, c0, c1, x.values(), cols, t, Math.min(4, t0 + n - t), out,
                                outOffset + (t - t0) * outStride + ROWS * g + r, outStride, r);
                    }
                }
            }
        }
    }

    /** Columns [c0, c1) of the group at {@code gBase} as floats: {@code wf[32 (c - c0) + row]}. */
    private static void widen(MemorySegment p, long gBase, int c0, int c1, int shift, int mask, float bias, float[] wf) {
        for (int c = c0; c < c1; c++) {
            long o = gBase + (long) COLUMN_BYTES * c;
            int e = ROWS * (c - c0);
            for (int r = 0; r < ROWS; r += LANES) {
                ShortVector h = ShortVector.fromMemorySegment(S, p, o + 2L * r, LE);
                ((IntVector) h.convertShape(S2I, I, 0)).lanewise(LSHL, shift).and(mask).reinterpretAsFloats()
                        .mul(bias).intoArray(wf, e + r);
                ((IntVector) h.convertShape(S2I, I, 1)).lanewise(LSHL, shift).and(mask).reinterpretAsFloats()
                        .mul(bias).intoArray(wf, e + r + HALF);
            }
        }
    }

    /**
     * Rows [r, r + LANES) of the widened columns [c0, c1) times {@code n} (1 to 4) tokens from
     * t0, added to {@code out[o + (t - t0) * outStride]} (which column 0 initializes). Fewer than four
     * tokens repeat the last one; its repeats store the same values to the same place.
     */
    private static void tile(float[] wf, int c0, int c1, float[] xv, int cols, int t0, int n, float[] out, int o,
                             int outStride, int r) {
        int x0 = t0 * cols;
        int x1 = x0 + cols * Math.min(1, n - 1);
        int x2 = x0 + cols * Math.min(2, n - 1);
        int x3 = x0 + cols * Math.min(3, n - 1);
        int o0 = o;
        int o1 = o0 + outStride * Math.min(1, n - 1);
        int o2 = o0 + outStride * Math.min(2, n - 1);
        int o3 = o0 + outStride * Math.min(3, n - 1);
        FloatVector a00;
        FloatVector a01;
        FloatVector a10;
        FloatVector a11;
        FloatVector a20;
        FloatVector a21;
        FloatVector a30;
        FloatVector a31;
        if (c0 == 0) {
            a00 = FloatVector.zero(F);
            a01 = a00;
            a10 = a00;
            a11 = a00;
            a20 = a00;
            a21 = a00;
            a30 = a00;
            a31 = a00;
        } else {
            a00 = FloatVector.fromArray(F, out, o0);
            a01 = FloatVector.fromArray(F, out, o0 + HALF);
            a10 = FloatVector.fromArray(F, out, o1);
            a11 = FloatVector.fromArray(F, out, o1 + HALF);
            a20 = FloatVector.fromArray(F, out, o2);
            a21 = FloatVector.fromArray(F, out, o2 + HALF);
            a30 = FloatVector.fromArray(F, out, o3);
            a31 = FloatVector.fromArray(F, out, o3 + HALF);
        }
        for (int k = c0; k < c1; k++) {
            int e = ROWS * (k - c0) + r;
            FloatVector w0 = FloatVector.fromArray(F, wf, e);
            FloatVector w1 = FloatVector.fromArray(F, wf, e + HALF);
            FloatVector v0 = FloatVector.broadcast(F, xv[x0 + k]);
            a00 = w0.fma(v0, a00);
            a01 = w1.fma(v0, a01);
            FloatVector v1 = FloatVector.broadcast(F, xv[x1 + k]);
            a10 = w0.fma(v1, a10);
            a11 = w1.fma(v1, a11);
            FloatVector v2 = FloatVector.broadcast(F, xv[x2 + k]);
            a20 = w0.fma(v2, a20);
            a21 = w1.fma(v2, a21);
            FloatVector v3 = FloatVector.broadcast(F, xv[x3 + k]);
            a30 = w0.fma(v3, a30);
            a31 = w1.fma(v3, a31);
        }
        a00.intoArray(out, o0);
        a01.intoArray(out, o0 + HALF);
        a10.intoArray(out, o1);
        a11.intoArray(out, o1 + HALF);
        a20.intoArray(out, o2);
        a21.intoArray(out, o2 + HALF);
        a30.intoArray(out, o3);
        a31.intoArray(out, o3 + HALF);
    }
}
