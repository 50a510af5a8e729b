package dev.cove.core.kernel;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;

import dev.cove.core.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Loaded only when {@code jdk.incubator.vector} is present (see
 * {@link Kernels}). What was measured to be fastest on AVX-512 (see cove-bench):
 * <ul>
 * <li><b>Q4_0</b> (and Q8_0, Q4_K, Q6_K: {@link PackedKernels}) is {@linkplain Q4_0Packing repacked}
 * at load so that lanes are rows ({@link PackedQ4_0Kernels}, AVX2 and AVX-512), and
 * multiplied in 16-bit integers by activations quantized to 8 bits: one widening, one mask or
 * shift, then one multiply and one add per 32 weights, and one scale multiplication per block for
 * 32 rows. About twice as fast as float FMA on dequantized weights with lanes along the row,
 * where every block needs its own scale and a horizontal reduction.</li>
 * <li><b>F16</b> and <b>BF16</b> are repacked the same way ({@link PackedHalfKernels}) but
 * multiplied in float: converted by bit manipulation (the Vector API has no half-float
 * conversion); prompts widen the weights to float once for every token of the batch.</li>
 * <li>The other types keep the file layout (lanes along the row) and use float FMA, the weights
 * widened and converted in registers, several blocks in flight to hide FMA latency.</li>
 * <li>Matrix-matrix products dequantize four rows into L1/L2-resident scratch once and multiply
 * them with four tokens at a time (16 accumulators), so each weight is read once per batch.</li>
 * </ul>
 * Accesses go through the (bounds-checked) segments; the sums differ from the scalar reference
 * only by float rounding, and for Q4_0 by llama.cpp's 8-bit activation quantization.
 */
final class PanamaKernels extends Kernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> HS = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Byte> QS = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 4)));

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    /** Scales the bits of a half shifted into a float's place to the half's value: 2^(127-15). */
    private static final float HALF_BIAS = 0x1p112f;

    /** Whether weights are repacked at load where this machine has kernels for it (off: {@code -Dcove.noRepack=true}). */
    private final boolean repack;
    /**
     * Types given the {@link RowPacking} layout and its kernels ({@code -Dcove.rowPack=...},
     * a comma-separated list, to compare against the file-layout float kernels). Q8_0 is on by
     * default since its batched product got a 4-token tile: tinyllama Q8_0, 2 threads, pp128
     * 77-79 vs 73.5 tok/s and tg64 29-40 vs 25 tok/s for the file layout; F16 and BF16 since their
     * prompts widen once per batch: pp128 80 vs 38 tok/s for the file layout (Zen 4).
     */
    private static final java.util.Set<String> ROW_PACKED =
            java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(
                    java.util.Arrays.asList(System.getProperty("cove.rowPack", "Q8_0,Q4_K,Q6_K,F16,BF16").split(","))));

    private PanamaKernels(boolean repack) {
        this.repack = repack;
    }

    /** Called reflectively by {@link Kernels}; null when vectors are too narrow to be worth it. */
    static Kernels create() {
        if (FL < 8) {
            return null;
        }
        return new PanamaKernels(!Boolean.getBoolean("cove.noRepack"));
    }

    @Override
    public String name() {
        java.util.List<String> packed = new java.util.ArrayList<>();
        if (repack && PackedQ4_0Kernels.supported()) {
            packed.add("Q4_0");
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16}) {
            if (repack && PackedKernels.supported() && ROW_PACKED.contains(type.name())) {
                packed.add(type.name());
            }
        }
        return "panama " + F.vectorBitSize() + "-bit" + (packed.isEmpty() ? "" : ", repacked " + String.join(",", packed));
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    // ---------------------------------------------------------------- preparation

    @Override
    public WeightMatrix prepare(WeightMatrix w, Arena arena) {
        if (repack && w.packed() == null && Q4_0Packing.supports(w) && PackedQ4_0Kernels.supported()) {
            return w.withPacked(Q4_0Packing.allocate(w, arena));
        }
        if (repack && w.packed() == null && RowPacking.supports(w) && PackedKernels.supported()
                && ROW_PACKED.contains(w.type().name())) {
            return w.withPacked(RowPacking.allocate(w, arena));
        }
        return w;
    }

    @Override
    public int packGroups(WeightMatrix w) {
        return w.packed() != null ? w.rows() / Q4_0Packing.ROWS : 0;
    }

    @Override
    public void pack(WeightMatrix w, int from, int to) {
        if (w.type() == GgmlType.Q4_0) {
            Q4_0Packing.packGroups(w, w.packed(), from, to);
        } else {
            RowPacking.packGroups(w, w.packed(), from, to);
        }
    }

    @Override
    public int rowGranule(WeightMatrix w) {
        return w.packed() != null ? Q4_0Packing.ROWS : 1;
    }

    @Override
    public boolean readsQuantized(WeightMatrix w) {
        // packed F16 and BF16 read float activations
        return w.packed() != null && w.type() != GgmlType.F16 && w.type() != GgmlType.BF16;
    }

    @Override
    public boolean batchInvariant(WeightMatrix w) {
        return w.packed() != null; // every packed layout's tiles sum as its matrix-vector kernel
    }

    @Override
    public boolean readsQuantsByColumn(WeightMatrix w) {
        return w.packed() != null && (w.type() == GgmlType.Q4_0 || w.type() == GgmlType.Q4_K); // their tiles
    }

    @Override
    public int scratchSize(int cols) {
        return Math.max(4 * cols, PackedKernels.SCRATCH);
    }

    // ---------------------------------------------------------------- matrix-vector

    @Override
    public void matVec(WeightMatrix w, Activations x, int token, float[] out, int outOffset, int rowStart, int rowEnd,
                       float[] scratch) {
        if (w.packed() != null) {
            if (w.type() == GgmlType.Q4_0) {
                PackedQ4_0Kernels.matVec(w, x, token, out, outOffset, rowStart, rowEnd);
            } else if (w.type() == GgmlType.F16 || w.type() == GgmlType.BF16) {
                PackedHalfKernels.matVec(w, x, token, out, outOffset, rowStart, rowEnd, scratch);
            } else {
                PackedKernels.matVec(w, x, token, out, outOffset, rowStart, rowEnd, scratch);
            }
            return;
        }
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int cols = w.cols();
        float[] xv = x.values();
        int xo = token * x.width();
        long offset = w.rowOffset(rowStart);
        switch (w.type()) {
            case F32 -> {
                for (int r = rowStart; r < rowEnd; r++, offset += rowBytes) {
                    out[outOffset + r] = dotF32(data, offset, xv, xo, cols);
                }
            }
            case F16 -> { // only matrices that are not row-packed (rows not whole groups, or repacking off)
                for (int r = rowStart; r < rowEnd; r++, offset += rowBytes) {
                    out[outOffset + r] = dotF16(data, offset, xv, xo, cols);
                }
            }
            case BF16 -> {
                for (int r = rowStart; r < rowEnd; r++, offset += rowBytes) {
                    out[outOffset + r] = dotBF16(data, offset, xv, xo, cols);
                }
            }
            case Q8_0 -> {
                for (int r = rowStart; r < rowEnd; r++, offset += rowBytes) {
                    out[outOffset + r] = dotQ8_0(data, offset, xv, xo, cols);
                }
            }
            case Q4_0 -> {
                if (FL == 16) {
                    for (int r = rowStart; r < rowEnd; r++, offset += rowBytes) {
                        out[outOffset + r] = dotQ4_0(data, offset, xv, xo, cols);
                    }
                } else {
                    dequantizedMatVec(w, xv, xo, out, outOffset, rowStart, rowEnd, scratch);
                }
            }
            default -> dequantizedMatVec(w, xv, xo, out, outOffset, rowStart, rowEnd, scratch);
        }
    }

    /** Types without a fused kernel: dequantize each row, then a float dot product. */
    private void dequantizedMatVec(WeightMatrix w, float[] xv, int xo, float[] out, int outOffset, int rowStart,
                                   int rowEnd, float[] scratch) {
        for (int r = rowStart; r < rowEnd; r++) {
            dequantizeRow(w, r, scratch, 0);
            out[outOffset + r] = dot(scratch, 0, xv, xo, w.cols());
        }
    }

    static float dotF32(MemorySegment w, long offset, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * FL <= n; i += 2 * FL) {
            a0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + FL), LE).fma(FloatVector.fromArray(F, x, xo + i + FL), a1);
        }
        float sum = laneSum(a0.add(a1));
        for (; i < n; i++) {
            sum += w.get(FLOAT, offset + 4L * i) * x[xo + i];
        }
        return sum;
    }

    /** FL halves at {@code offset} as floats (finite halves; infinities and NaNs are not expected in weights). */
    private static FloatVector halves(MemorySegment w, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(HS, w, offset, LE).convertShape(S2I, I, 0);
        return h.lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
    }

    static float dotF16(MemorySegment w, long offset, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * FL <= n; i += 2 * FL) {
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(HS, w, offset + 2L * i, LE).convertShape(S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(HS, w, offset + 2L * (i + FL), LE).convertShape(S2I, I, 0);
            FloatVector w0 = h0.lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            FloatVector w1 = h1.lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            a0 = w0.fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = w1.fma(FloatVector.fromArray(F, x, xo + i + FL), a1);
        }
        float sum = laneSum(a0.add(a1));
        for (; i < n; i++) {
            sum += Float.float16ToFloat(w.get(HALF, offset + 2L * i)) * x[xo + i];
        }
        return sum;
    }

    static float dotBF16(MemorySegment w, long offset, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * FL <= n; i += 2 * FL) {
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(HS, w, offset + 2L * i, LE).convertShape(S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(HS, w, offset + 2L * (i + FL), LE).convertShape(S2I, I, 0);
            a0 = h0.lanewise(LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = h1.lanewise(LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xo + i + FL), a1);
        }
        float sum = laneSum(a0.add(a1));
        for (; i < n; i++) {
            sum += Float.intBitsToFloat(w.get(HALF, offset + 2L * i) << 16) * x[xo + i];
        }
        return sum;
    }

    /** Q8_0 row times float x: two blocks per step, each block's sum scaled by its d. */
    static float dotQ8_0(MemorySegment w, long offset, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int blocks = n / 32;
        int b = 0;
        for (; b + 2 <= blocks; b += 2) {
            long o = offset + 34L * b;
            a0 = q8Block(w, o, x, xo + 32 * b).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(HALF, o))), a0);
            a1 = q8Block(w, o + 34, x, xo + 32 * b + 32).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(HALF, o + 34))), a1);
        }
        for (; b < blocks; b++) {
            long o = offset + 34L * b;
            a0 = q8Block(w, o, x, xo + 32 * b).fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(HALF, o))), a0);
        }
        return laneSum(a0.add(a1));
    }

    /** Unscaled sum of one Q8_0 block's quants times x, lane-wise. */
    private static FloatVector q8Block(MemorySegment w, long o, float[] x, int xo) {
        FloatVector s = ((FloatVector) ByteVector.fromMemorySegment(QS, w, o + 2, LE).castShape(F, 0))
                .mul(FloatVector.fromArray(F, x, xo));
        for (int p = FL; p < 32; p += FL) {
            s = ((FloatVector) ByteVector.fromMemorySegment(QS, w, o + 2 + p, LE).castShape(F, 0))
                    .fma(FloatVector.fromArray(F, x, xo + p), s);
        }
        return s;
    }

    /** Q4_0 row (file layout) times float x; 16-lane vectors only. */
    static float dotQ4_0(MemorySegment w, long offset, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int blocks = n / 32;
        int b = 0;
        for (; b + 2 <= blocks; b += 2) {
            long o = offset + 18L * b;
            int j = xo + 32 * b;
            IntVector q0 = (IntVector) ByteVector.fromMemorySegment(QS, w, o + 2, LE).convertShape(ZERO_EXTEND_B2I, I, 0);
            FloatVector s0 = ((FloatVector) q0.and(0xF).sub(8).convert(jdk.incubator.vector.VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(F, x, j));
            s0 = ((FloatVector) q0.lanewise(LSHR, 4).sub(8).convert(jdk.incubator.vector.VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(F, x, j + 16), s0);
            a0 = s0.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(HALF, o))), a0);
            IntVector q1 = (IntVector) ByteVector.fromMemorySegment(QS, w, o + 20, LE).convertShape(ZERO_EXTEND_B2I, I, 0);
            FloatVector s1 = ((FloatVector) q1.and(0xF).sub(8).convert(jdk.incubator.vector.VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(F, x, j + 32));
            s1 = ((FloatVector) q1.lanewise(LSHR, 4).sub(8).convert(jdk.incubator.vector.VectorOperators.I2F, 0))
                    .fma(FloatVector.fromArray(F, x, j + 48), s1);
            a1 = s1.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(HALF, o + 18))), a1);
        }
        float sum = laneSum(a0.add(a1));
        for (; b < blocks; b++) {
            long o = offset + 18L * b;
            float d = Float.float16ToFloat(w.get(HALF, o));
            for (int j = 0; j < 16; j++) {
                int q = w.get(ValueLayout.JAVA_BYTE, o + 2 + j) & 0xFF;
                sum += d * (((q & 0xF) - 8) * x[xo + 32 * b + j] + ((q >>> 4) - 8) * x[xo + 32 * b + j + 16]);
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- matrix-matrix

    @Override
    public void matMul(WeightMatrix w, Activations x, float[] out, int outStride, int rowStart, int rowEnd,
                       float[] scratch) {
        int tokens = x.tokens();
        if (w.packed() != null && (w.type() == GgmlType.F16 || w.type() == GgmlType.BF16)) {
            PackedHalfKernels.matMul(w, x, out, outStride, rowStart, rowEnd, scratch);
            return;
        }
        if (w.packed() != null && w.type() != GgmlType.Q4_0) {
            PackedKernels.matMul(w, x, out, outStride, rowStart, rowEnd, scratch);
            return;
        }
        if (w.packed() != null) {
            for (int g = rowStart / 32; g < rowEnd / 32; g++) {
                PackedQ4_0Kernels.matMul(w, x, out, outStride, g, scratch);
            }
            return;
        }
        int cols = w.cols();
        float[] xv = x.values();
        int r = rowStart;
        for (; r + 4 <= rowEnd; r += 4) {
            for (int i = 0; i < 4; i++) {
                dequantizeRow(w, r + i, scratch, i * cols);
            }
            int t = 0;
            for (; cols % FL == 0 && t + 4 <= tokens; t += 4) {
                tile4x4(scratch, cols, xv, t * cols, out, t * outStride + r, outStride);
            }
            for (; cols % FL == 0 && t < tokens; t++) {
                tile4x1(scratch, cols, xv, t * cols, out, t * outStride + r);
            }
            for (; t < tokens; t++) {
                for (int i = 0; i < 4; i++) {
                    out[t * outStride + r + i] = dot(scratch, i * cols, xv, t * cols, cols);
                }
            }
        }
        for (; r < rowEnd; r++) {
            dequantizeRow(w, r, scratch, 0);
            for (int t = 0; t < tokens; t++) {
                out[t * outStride + r] = dot(scratch, 0, xv, t * cols, cols);
            }
        }
    }

    /**
     * Four dequantized rows ({@code w[i * n ..]}) times four tokens ({@code x[xo + j * n ..]}):
     * sixteen accumulators, each weight and activation vector loaded once per step. {@code n}
     * is a multiple of the vector length.
     */
    private static void tile4x4(float[] w, int n, float[] x, int xo, float[] out, int oo, int outStride) {
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        for (int k = 0; k < n; k += FL) {
            FloatVector w0 = FloatVector.fromArray(F, w, k);
            FloatVector w1 = FloatVector.fromArray(F, w, n + k);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + k);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + k);
            FloatVector x0 = FloatVector.fromArray(F, x, xo + k);
            a00 = w0.fma(x0, a00);
            a10 = w1.fma(x0, a10);
            a20 = w2.fma(x0, a20);
            a30 = w3.fma(x0, a30);
            FloatVector x1 = FloatVector.fromArray(F, x, xo + n + k);
            a01 = w0.fma(x1, a01);
            a11 = w1.fma(x1, a11);
            a21 = w2.fma(x1, a21);
            a31 = w3.fma(x1, a31);
            FloatVector x2 = FloatVector.fromArray(F, x, xo + 2 * n + k);
            a02 = w0.fma(x2, a02);
            a12 = w1.fma(x2, a12);
            a22 = w2.fma(x2, a22);
            a32 = w3.fma(x2, a32);
            FloatVector x3 = FloatVector.fromArray(F, x, xo + 3 * n + k);
            a03 = w0.fma(x3, a03);
            a13 = w1.fma(x3, a13);
            a23 = w2.fma(x3, a23);
            a33 = w3.fma(x3, a33);
        }
        int o1 = oo + outStride;
        int o2 = o1 + outStride;
        int o3 = o2 + outStride;
        out[oo] = laneSum(a00);
        out[oo + 1] = laneSum(a10);
        out[oo + 2] = laneSum(a20);
        out[oo + 3] = laneSum(a30);
        out[o1] = laneSum(a01);
        out[o1 + 1] = laneSum(a11);
        out[o1 + 2] = laneSum(a21);
        out[o1 + 3] = laneSum(a31);
        out[o2] = laneSum(a02);
        out[o2 + 1] = laneSum(a12);
        out[o2 + 2] = laneSum(a22);
        out[o2 + 3] = laneSum(a32);
        out[o3] = laneSum(a03);
        out[o3 + 1] = laneSum(a13);
        out[o3 + 2] = laneSum(a23);
        out[o3 + 3] = laneSum(a33);
    }

    /**
     * Four dequantized rows times one token, summed in the same order as {@link #tile4x4}: a
     * token's result must not depend on whether it fell in a tile of four or in the remainder,
     * or a batch's cached keys and values would depend on how the prompt was split.
     */
    private static void tile4x1(float[] w, int n, float[] x, int xo, float[] out, int oo) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int k = 0; k < n; k += FL) {
            FloatVector x0 = FloatVector.fromArray(F, x, xo + k);
            a0 = FloatVector.fromArray(F, w, k).fma(x0, a0);
            a1 = FloatVector.fromArray(F, w, n + k).fma(x0, a1);
            a2 = FloatVector.fromArray(F, w, 2 * n + k).fma(x0, a2);
            a3 = FloatVector.fromArray(F, w, 3 * n + k).fma(x0, a3);
        }
        out[oo] = laneSum(a0);
        out[oo + 1] = laneSum(a1);
        out[oo + 2] = laneSum(a2);
        out[oo + 3] = laneSum(a3);
    }

    // ---------------------------------------------------------------- dequantization

    @Override
    public void dequantizeRow(WeightMatrix w, int row, float[] out, int oo) {
        MemorySegment data = w.data();
        long offset = w.rowOffset(row);
        int n = w.cols();
        switch (w.type()) {
            case F32 -> MemorySegment.copy(data, FLOAT, offset, out, oo, n);
            case F16 -> {
                int i = 0;
                for (; i + FL <= n; i += FL) {
                    halves(data, offset + 2L * i).intoArray(out, oo + i);
                }
                for (; i < n; i++) {
                    out[oo + i] = Float.float16ToFloat(data.get(HALF, offset + 2L * i));
                }
            }
            case BF16 -> {
                int i = 0;
                for (; i + FL <= n; i += FL) {
                    IntVector h = (IntVector) ShortVector.fromMemorySegment(HS, data, offset + 2L * i, LE).convertShape(S2I, I, 0);
                    h.lanewise(LSHL, 16).reinterpretAsFloats().intoArray(out, oo + i);
                }
                for (; i < n; i++) {
                    out[oo + i] = Float.intBitsToFloat(data.get(HALF, offset + 2L * i) << 16);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long o = offset + 34L * b;
                    float d = Float.float16ToFloat(data.get(HALF, o));
                    for (int p = 0; p < 32; p += FL) {
                        ((FloatVector) ByteVector.fromMemorySegment(QS, data, o + 2 + p, LE).castShape(F, 0))
                                .mul(d).intoArray(out, oo + 32 * b + p);
                    }
                }
            }
            case Q4_0 -> {
                if (FL != 16) {
                    w.dequantizeRow(row, out, oo);
                    return;
                }
                for (int b = 0; b < n / 32; b++) {
                    long o = offset + 18L * b;
                    float d = Float.float16ToFloat(data.get(HALF, o));
                    IntVector q = (IntVector) ByteVector.fromMemorySegment(QS, data, o + 2, LE).convertShape(ZERO_EXTEND_B2I, I, 0);
                    ((FloatVector) q.and(0xF).sub(8).convert(jdk.incubator.vector.VectorOperators.I2F, 0)).mul(d)
                            .intoArray(out, oo + 32 * b);
                    ((FloatVector) q.lanewise(LSHR, 4).sub(8).convert(jdk.incubator.vector.VectorOperators.I2F, 0)).mul(d)
                            .intoArray(out, oo + 32 * b + 16);
                }
            }
            default -> w.dequantizeRow(row, out, oo);
        }
    }

    // ---------------------------------------------------------------- vector operations

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * FL <= n; i += 2 * FL) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + FL).fma(FloatVector.fromArray(F, b, bo + i + FL), s1);
        }
        for (; i + FL <= n; i += FL) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
        }
        float sum = laneSum(s0.add(s1));
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @Override
    public void attentionScores(float[] q, int qo, int heads, float[] keys, int ko, int stride, int headDim, int count,
                                float scale, float[] scores, int so, int scoreStride) {
        if (heads < 1 || heads > ATTENTION_HEADS) {
            throw new IllegalArgumentException("1 to " + ATTENTION_HEADS + " heads at once, not " + heads);
        }
        // Up to four heads, each key vector loaded once for all of them. Missing heads repeat the
        // last one's query (their scores are computed and dropped). Whole blocks of two vectors of
        // positions (eight independent FMA chains), then the rest one masked vector at a time.
        int q0 = qo;
        int q1 = qo + Math.min(1, heads - 1) * headDim;
        int q2 = qo + Math.min(2, heads - 1) * headDim;
        int q3 = qo + Math.min(3, heads - 1) * headDim;
        int s0 = so;
        int s1 = so + Math.min(1, heads - 1) * scoreStride;
        int s2 = so + Math.min(2, heads - 1) * scoreStride;
        int s3 = so + Math.min(3, heads - 1) * scoreStride;
        int i = 0;
        for (; i + 2 * FL <= count; i += 2 * FL) {
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            for (int d = 0, row = ko + i; d < headDim; d++, row += stride) {
                FloatVector k0 = FloatVector.fromArray(F, keys, row);
                FloatVector k1 = FloatVector.fromArray(F, keys, row + FL);
                FloatVector b0 = FloatVector.broadcast(F, q[q0 + d]);
                FloatVector b1 = FloatVector.broadcast(F, q[q1 + d]);
                FloatVector b2 = FloatVector.broadcast(F, q[q2 + d]);
                FloatVector b3 = FloatVector.broadcast(F, q[q3 + d]);
                a00 = k0.fma(b0, a00);
                a01 = k1.fma(b0, a01);
                a10 = k0.fma(b1, a10);
                a11 = k1.fma(b1, a11);
                a20 = k0.fma(b2, a20);
                a21 = k1.fma(b2, a21);
                a30 = k0.fma(b3, a30);
                a31 = k1.fma(b3, a31);
            }
            // Stored from the last head down, so that a repeated head's row ends with the real one.
            a30.mul(scale).intoArray(scores, s3 + i);
            a31.mul(scale).intoArray(scores, s3 + i + FL);
            a20.mul(scale).intoArray(scores, s2 + i);
            a21.mul(scale).intoArray(scores, s2 + i + FL);
            a10.mul(scale).intoArray(scores, s1 + i);
            a11.mul(scale).intoArray(scores, s1 + i + FL);
            a00.mul(scale).intoArray(scores, s0 + i);
            a01.mul(scale).intoArray(scores, s0 + i + FL);
        }
        for (; i < count; i += FL) {
            VectorMask<Float> m = F.indexInRange(i, count);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int d = 0, row = ko + i; d < headDim; d++, row += stride) {
                FloatVector k = FloatVector.fromArray(F, keys, row, m);
                a0 = k.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                a1 = k.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
                a2 = k.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
                a3 = k.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
            }
            a3.mul(scale).intoArray(scores, s3 + i, m);
            a2.mul(scale).intoArray(scores, s2 + i, m);
            a1.mul(scale).intoArray(scores, s1 + i, m);
            a0.mul(scale).intoArray(scores, s0 + i, m);
        }
    }

    @Override
    public void weightedSum(float[] weights, int wo, int weightStride, int heads, int count, float[] values, int vo,
                            int stride, float[] out, int oo, int n) {
        if (heads < 1 || heads > ATTENTION_HEADS) {
            throw new IllegalArgumentException("1 to " + ATTENTION_HEADS + " heads at once, not " + heads);
        }
        int w0 = wo;
        int w1 = wo + Math.min(1, heads - 1) * weightStride;
        int w2 = wo + Math.min(2, heads - 1) * weightStride;
        int w3 = wo + Math.min(3, heads - 1) * weightStride;
        int o1 = oo + Math.min(1, heads - 1) * n;
        int o2 = oo + Math.min(2, heads - 1) * n;
        int o3 = oo + Math.min(3, heads - 1) * n;
        // Two vectors of the output for up to four heads stay in registers over all positions;
        // each value vector is loaded once for all the heads. Then the rest, one masked vector.
        int d = 0;
        for (; d + 2 * FL <= n; d += 2 * FL) {
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            for (int i = 0, row = vo + d; i < count; i++, row += stride) {
                FloatVector v0 = FloatVector.fromArray(F, values, row);
                FloatVector v1 = FloatVector.fromArray(F, values, row + FL);
                FloatVector b0 = FloatVector.broadcast(F, weights[w0 + i]);
                FloatVector b1 = FloatVector.broadcast(F, weights[w1 + i]);
                FloatVector b2 = FloatVector.broadcast(F, weights[w2 + i]);
                FloatVector b3 = FloatVector.broadcast(F, weights[w3 + i]);
                a00 = v0.fma(b0, a00);
                a01 = v1.fma(b0, a01);
                a10 = v0.fma(b1, a10);
                a11 = v1.fma(b1, a11);
                a20 = v0.fma(b2, a20);
                a21 = v1.fma(b2, a21);
                a30 = v0.fma(b3, a30);
                a31 = v1.fma(b3, a31);
            }
            a30.intoArray(out, o3 + d);
            a31.intoArray(out, o3 + d + FL);
            a20.intoArray(out, o2 + d);
            a21.intoArray(out, o2 + d + FL);
            a10.intoArray(out, o1 + d);
            a11.intoArray(out, o1 + d + FL);
            a00.intoArray(out, oo + d);
            a01.intoArray(out, oo + d + FL);
        }
        for (; d < n; d += FL) {
            VectorMask<Float> m = F.indexInRange(d, n);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int i = 0, row = vo + d; i < count; i++, row += stride) {
                FloatVector v = FloatVector.fromArray(F, values, row, m);
                a0 = v.fma(FloatVector.broadcast(F, weights[w0 + i]), a0);
                a1 = v.fma(FloatVector.broadcast(F, weights[w1 + i]), a1);
                a2 = v.fma(FloatVector.broadcast(F, weights[w2 + i]), a2);
                a3 = v.fma(FloatVector.broadcast(F, weights[w3 + i]), a3);
            }
            a3.intoArray(out, o3 + d, m);
            a2.intoArray(out, o2 + d, m);
            a1.intoArray(out, o1 + d, m);
            a0.intoArray(out, oo + d, m);
        }
    }

    /**
     * The sum of the lanes, in the same order in every JIT tier: halves added lane by lane, then
     * quarters, down to one lane. reduceLanes(ADD) may add in any order (C2's tree and the Java
     * fallback's left-to-right differ), which made a kernel's result, and so a greedy or seeded
     * output, depend on how far the JVM had compiled it.
     */
    static float laneSum(FloatVector v) {
        for (int half = FL / 2; half >= 1; half /= 2) {
            v = v.add(v.slice(half));
        }
        return v.lane(0);
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDING = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float EXP_MAX = 88f;        // e^88 < Float.MAX_VALUE: 2^n stays normal
    private static final float EXP_MIN = -87.33654f;  // below, e^x is 0 here (subnormal in Math.exp)

    /**
     * e^x lane by lane from additions, multiplications and bit operations only, so the same in every
     * JIT tier (the Vector API's EXP is Intel's SVML once compiled and Math.exp before, which differ
     * in the last bit). Cephes' expf: x = n ln 2 + r with |r| <= ln 2 / 2, e^r by its degree-6
     * polynomial, times 2^n built in the exponent bits; within 2 ulp of Math.exp. Saturates at e^88
     * and flushes below e^-87.3 to 0.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = c.mul(LOG2E).add(ROUNDING);
        FloatVector n = t.sub(ROUNDING);
        FloatVector r = n.mul(-LN2_HI).add(c);
        r = n.mul(-LN2_LO).add(r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.mul(r).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector k = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUNDING));
        FloatVector pow2 = k.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        return y.mul(pow2).blend(0f, x.lt(EXP_MIN));
    }

    /** {@code FL} bfloat16s from {@code a[i..]} as floats: widened and shifted into the top half. */
    private static FloatVector bf16(short[] a, int i) {
        IntVector h = (IntVector) ShortVector.fromArray(HS, a, i).convertShape(S2I, I, 0);
        return h.lanewise(LSHL, 16).reinterpretAsFloats();
    }

    /** The same, reading only the lanes of {@code m} (the others are zero). */
    private static FloatVector bf16(short[] a, int i, VectorMask<Short> m) {
        IntVector h = (IntVector) ShortVector.fromArray(HS, a, i, m).convertShape(S2I, I, 0);
        return h.lanewise(LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public void attentionScoresBf16(float[] q, int qo, int heads, short[] keys, int ko, int stride, int headDim,
                                    int count, float scale, float[] scores, int so, int scoreStride) {
        if (heads < 1 || heads > ATTENTION_HEADS) {
            throw new IllegalArgumentException("1 to " + ATTENTION_HEADS + " heads at once, not " + heads);
        }
        // As attentionScores, with each key vector widened from bfloat16 once for all the heads.
        int q0 = qo;
        int q1 = qo + Math.min(1, heads - 1) * headDim;
        int q2 = qo + Math.min(2, heads - 1) * headDim;
        int q3 = qo + Math.min(3, heads - 1) * headDim;
        int s1 = so + Math.min(1, heads - 1) * scoreStride;
        int s2 = so + Math.min(2, heads - 1) * scoreStride;
        int s3 = so + Math.min(3, heads - 1) * scoreStride;
        int i = 0;
        for (; i + 2 * FL <= count; i += 2 * FL) {
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            for (int d = 0, row = ko + i; d < headDim; d++, row += stride) {
                FloatVector k0 = bf16(keys, row);
                FloatVector k1 = bf16(keys, row + FL);
                FloatVector b0 = FloatVector.broadcast(F, q[q0 + d]);
                FloatVector b1 = FloatVector.broadcast(F, q[q1 + d]);
                FloatVector b2 = FloatVector.broadcast(F, q[q2 + d]);
                FloatVector b3 = FloatVector.broadcast(F, q[q3 + d]);
                a00 = k0.fma(b0, a00);
                a01 = k1.fma(b0, a01);
                a10 = k0.fma(b1, a10);
                a11 = k1.fma(b1, a11);
                a20 = k0.fma(b2, a20);
                a21 = k1.fma(b2, a21);
                a30 = k0.fma(b3, a30);
                a31 = k1.fma(b3, a31);
            }
            // From the last head down, so that a repeated head's row ends with the real one.
            a30.mul(scale).intoArray(scores, s3 + i);
            a31.mul(scale).intoArray(scores, s3 + i + FL);
            a20.mul(scale).intoArray(scores, s2 + i);
            a21.mul(scale).intoArray(scores, s2 + i + FL);
            a10.mul(scale).intoArray(scores, s1 + i);
            a11.mul(scale).intoArray(scores, s1 + i + FL);
            a00.mul(scale).intoArray(scores, so + i);
            a01.mul(scale).intoArray(scores, so + i + FL);
        }
        for (; i < count; i += FL) {
            VectorMask<Short> km = HS.indexInRange(i, count);
            VectorMask<Float> m = F.indexInRange(i, count);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int d = 0, row = ko + i; d < headDim; d++, row += stride) {
                FloatVector k = bf16(keys, row, km);
                a0 = k.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                a1 = k.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
                a2 = k.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
                a3 = k.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
            }
            a3.mul(scale).intoArray(scores, s3 + i, m);
            a2.mul(scale).intoArray(scores, s2 + i, m);
            a1.mul(scale).intoArray(scores, s1 + i, m);
            a0.mul(scale).intoArray(scores, so + i, m);
        }
    }

    @Override
    public void weightedSumBf16(float[] weights, int wo, int weightStride, int heads, int count, short[] values, int vo,
                                int stride, float[] out, int oo, int n) {
        if (heads < 1 || heads > ATTENTION_HEADS) {
            throw new IllegalArgumentException("1 to " + ATTENTION_HEADS + " heads at once, not " + heads);
        }
        // As weightedSum, with each value vector widened from bfloat16 once for all the heads.
        int w0 = wo;
        int w1 = wo + Math.min(1, heads - 1) * weightStride;
        int w2 = wo + Math.min(2, heads - 1) * weightStride;
        int w3 = wo + Math.min(3, heads - 1) * weightStride;
        int o1 = oo + Math.min(1, heads - 1) * n;
        int o2 = oo + Math.min(2, heads - 1) * n;
        int o3 = oo + Math.min(3, heads - 1) * n;
        int d = 0;
        for (; d + 2 * FL <= n; d += 2 * FL) {
            FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
            for (int i = 0, row = vo + d; i < count; i++, row += stride) {
                FloatVector v0 = bf16(values, row);
                FloatVector v1 = bf16(values, row + FL);
                FloatVector b0 = FloatVector.broadcast(F, weights[w0 + i]);
                FloatVector b1 = FloatVector.broadcast(F, weights[w1 + i]);
                FloatVector b2 = FloatVector.broadcast(F, weights[w2 + i]);
                FloatVector b3 = FloatVector.broadcast(F, weights[w3 + i]);
                a00 = v0.fma(b0, a00);
                a01 = v1.fma(b0, a01);
                a10 = v0.fma(b1, a10);
                a11 = v1.fma(b1, a11);
                a20 = v0.fma(b2, a20);
                a21 = v1.fma(b2, a21);
                a30 = v0.fma(b3, a30);
                a31 = v1.fma(b3, a31);
            }
            a30.intoArray(out, o3 + d);
            a31.intoArray(out, o3 + d + FL);
            a20.intoArray(out, o2 + d);
            a21.intoArray(out, o2 + d + FL);
            a10.intoArray(out, o1 + d);
            a11.intoArray(out, o1 + d + FL);
            a00.intoArray(out, oo + d);
            a01.intoArray(out, oo + d + FL);
        }
        for (; d < n; d += FL) {
            VectorMask<Short> vm = HS.indexInRange(d, n);
            VectorMask<Float> m = F.indexInRange(d, n);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int i = 0, row = vo + d; i < count; i++, row += stride) {
                FloatVector v = bf16(values, row, vm);
                a0 = v.fma(FloatVector.broadcast(F, weights[w0 + i]), a0);
                a1 = v.fma(FloatVector.broadcast(F, weights[w1 + i]), a1);
                a2 = v.fma(FloatVector.broadcast(F, weights[w2 + i]), a2);
                a3 = v.fma(FloatVector.broadcast(F, weights[w3 + i]), a3);
            }
            a3.intoArray(out, o3 + d, m);
            a2.intoArray(out, o2 + d, m);
            a1.intoArray(out, o1 + d, m);
            a0.intoArray(out, oo + d, m);
        }
    }

    /** {@code FL} signed bytes from {@code a[i..]} as floats. */
    private static FloatVector q8(byte[] a, int i) {
        return (FloatVector) ByteVector.fromArray(QS, a, i).castShape(F, 0);
    }

    private static FloatVector q8(byte[] a, int i, VectorMask<Byte> m) {
        return (FloatVector) ByteVector.fromArray(QS, a, i, m).castShape(F, 0);
    }

    @Override
    public void attentionScoresQ8(float[] q, int qo, int heads, byte[] keys, int ko, int stride, float[] scales, int sco,
                                  int headDim, int count, float scale, float[] scores, int so, int scoreStride) {
        if (heads < 1 || heads > ATTENTION_HEADS) {
            throw new IllegalArgumentException("1 to " + ATTENTION_HEADS + " heads at once, not " + heads);
        }
        // As attentionScores, a block of 32 dimensions at a time: its partial sums, over the key
        // bytes widened once for all the heads, are scaled by the block's per-position scales.
        int q1 = qo + Math.min(1, heads - 1) * headDim;
        int q2 = qo + Math.min(2, heads - 1) * headDim;
        int q3 = qo + Math.min(3, heads - 1) * headDim;
        int s1 = so + Math.min(1, heads - 1) * scoreStride;
        int s2 = so + Math.min(2, heads - 1) * scoreStride;
        int s3 = so + Math.min(3, heads - 1) * scoreStride;
        int i = 0;
        for (; i + 2 * FL <= count; i += 2 * FL) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00;
            FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int d0 = 0; d0 < headDim; d0 += Q8_KV_BLOCK) {
                FloatVector p00 = FloatVector.zero(F), p01 = p00, p10 = p00, p11 = p00;
                FloatVector p20 = p00, p21 = p00, p30 = p00, p31 = p00;
                for (int d = d0, row = ko + d0 * stride + i; d < d0 + Q8_KV_BLOCK; d++, row += stride) {
                    FloatVector k0 = q8(keys, row);
                    FloatVector k1 = q8(keys, row + FL);
                    FloatVector b0 = FloatVector.broadcast(F, q[qo + d]);
                    FloatVector b1 = FloatVector.broadcast(F, q[q1 + d]);
                    FloatVector b2 = FloatVector.broadcast(F, q[q2 + d]);
                    FloatVector b3 = FloatVector.broadcast(F, q[q3 + d]);
                    p00 = k0.fma(b0, p00);
                    p01 = k1.fma(b0, p01);
                    p10 = k0.fma(b1, p10);
                    p11 = k1.fma(b1, p11);
                    p20 = k0.fma(b2, p20);
                    p21 = k1.fma(b2, p21);
                    p30 = k0.fma(b3, p30);
                    p31 = k1.fma(b3, p31);
                }
                int at = sco + d0 / Q8_KV_BLOCK * stride + i;
                FloatVector d0s = FloatVector.fromArray(F, scales, at);
                FloatVector d1s = FloatVector.fromArray(F, scales, at + FL);
                a00 = p00.fma(d0s, a00);
                a01 = p01.fma(d1s, a01);
                a10 = p10.fma(d0s, a10);
                a11 = p11.fma(d1s, a11);
                a20 = p20.fma(d0s, a20);
                a21 = p21.fma(d1s, a21);
                a30 = p30.fma(d0s, a30);
                a31 = p31.fma(d1s, a31);
            }
            // From the last head down, so that a repeated head's row ends with the real one.
            a30.mul(scale).intoArray(scores, s3 + i);
            a31.mul(scale).intoArray(scores, s3 + i + FL);
            a20.mul(scale).intoArray(scores, s2 + i);
            a21.mul(scale).intoArray(scores, s2 + i + FL);
            a10.mul(scale).intoArray(scores, s1 + i);
            a11.mul(scale).intoArray(scores, s1 + i + FL);
            a00.mul(scale).intoArray(scores, so + i);
            a01.mul(scale).intoArray(scores, so + i + FL);
        }
        for (; i < count; i += FL) {
            VectorMask<Byte> km = QS.indexInRange(i, count);
            VectorMask<Float> m = F.indexInRange(i, count);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int d0 = 0; d0 < headDim; d0 += Q8_KV_BLOCK) {
                FloatVector p0 = FloatVector.zero(F), p1 = p0, p2 = p0, p3 = p0;
                for (int d = d0, row = ko + d0 * stride + i; d < d0 + Q8_KV_BLOCK; d++, row += stride) {
                    FloatVector k = q8(keys, row, km);
                    p0 = k.fma(FloatVector.broadcast(F, q[qo + d]), p0);
                    p1 = k.fma(FloatVector.broadcast(F, q[q1 + d]), p1);
                    p2 = k.fma(FloatVector.broadcast(F, q[q2 + d]), p2);
                    p3 = k.fma(FloatVector.broadcast(F, q[q3 + d]), p3);
                }
                FloatVector ds = FloatVector.fromArray(F, scales, sco + d0 / Q8_KV_BLOCK * stride + i, m);
                a0 = p0.fma(ds, a0);
                a1 = p1.fma(ds, a1);
                a2 = p2.fma(ds, a2);
                a3 = p3.fma(ds, a3);
            }
            a3.mul(scale).intoArray(scores, s3 + i, m);
            a2.mul(scale).intoArray(scores, s2 + i, m);
            a1.mul(scale).intoArray(scores, s1 + i, m);
            a0.mul(scale).intoArray(scores, so + i, m);
        }
    }

    @Override
    public void weightedSumQ8(float[] weights, int wo, int weightStride, int heads, int count, byte[] values, int vo,
                              int stride, float[] scales, int sco, int scaleStride, float[] out, int oo, int n) {
        if (heads < 1 || heads > ATTENTION_HEADS) {
            throw new IllegalArgumentException("1 to " + ATTENTION_HEADS + " heads at once, not " + heads);
        }
        // As weightedSum, each value vector widened from bytes once for all the heads, each head's
        // weight of a position multiplied by that position's block scale. A run of 2 * FL output
        // components never straddles two blocks (both are powers of two, the run no longer).
        int w1 = wo + Math.min(1, heads - 1) * weightStride;
        int w2 = wo + Math.min(2, heads - 1) * weightStride;
        int w3 = wo + Math.min(3, heads - 1) * weightStride;
        int o1 = oo + Math.min(1, heads - 1) * n;
        int o2 = oo + Math.min(2, heads - 1) * n;
        int o3 = oo + Math.min(3, heads - 1) * n;
        int d = 0;
        for (; d + 2 * FL <= n && 2 * FL <= Q8_KV_BLOCK; d += 2 * FL) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00;
            FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            int block = sco + d / Q8_KV_BLOCK;
            for (int i = 0, row = vo + d; i < count; i++, row += stride) {
                FloatVector v0 = q8(values, row);
                FloatVector v1 = q8(values, row + FL);
                float sc = scales[block + i * scaleStride];
                FloatVector b0 = FloatVector.broadcast(F, weights[wo + i] * sc);
                FloatVector b1 = FloatVector.broadcast(F, weights[w1 + i] * sc);
                FloatVector b2 = FloatVector.broadcast(F, weights[w2 + i] * sc);
                FloatVector b3 = FloatVector.broadcast(F, weights[w3 + i] * sc);
                a00 = v0.fma(b0, a00);
                a01 = v1.fma(b0, a01);
                a10 = v0.fma(b1, a10);
                a11 = v1.fma(b1, a11);
                a20 = v0.fma(b2, a20);
                a21 = v1.fma(b2, a21);
                a30 = v0.fma(b3, a30);
                a31 = v1.fma(b3, a31);
            }
            a30.intoArray(out, o3 + d);
            a31.intoArray(out, o3 + d + FL);
            a20.intoArray(out, o2 + d);
            a21.intoArray(out, o2 + d + FL);
            a10.intoArray(out, o1 + d);
            a11.intoArray(out, o1 + d + FL);
            a00.intoArray(out, oo + d);
            a01.intoArray(out, oo + d + FL);
        }
        for (; d < n; d += FL) {
            VectorMask<Byte> vm = QS.indexInRange(d, n);
            VectorMask<Float> m = F.indexInRange(d, n);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int block = sco + d / Q8_KV_BLOCK;
            for (int i = 0, row = vo + d; i < count; i++, row += stride) {
                FloatVector v = q8(values, row, vm);
                float sc = scales[block + i * scaleStride];
                a0 = v.fma(FloatVector.broadcast(F, weights[wo + i] * sc), a0);
                a1 = v.fma(FloatVector.broadcast(F, weights[w1 + i] * sc), a1);
                a2 = v.fma(FloatVector.broadcast(F, weights[w2 + i] * sc), a2);
                a3 = v.fma(FloatVector.broadcast(F, weights[w3 + i] * sc), a3);
            }
            a3.intoArray(out, o3 + d, m);
            a2.intoArray(out, o2 + d, m);
            a1.intoArray(out, o1 + d, m);
            a0.intoArray(out, oo + d, m);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector.fromArray(F, x, xo + i).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public void add(float[] y, int yo, float[] x, int xo, int n) {
        int i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector.fromArray(F, y, yo + i).add(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += x[xo + i];
        }
    }

    @Override
    public void rmsNorm(float[] out, int oo, float[] x, int xo, float[] weight, int n, float epsilon) {
        FloatVector s = FloatVector.zero(F);
        int i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            s = v.fma(v, s);
        }
        double sum = laneSum(s);
        for (; i < n; i++) {
            sum += (double) (x[xo + i] * x[xo + i]);
        }
        float scale = (float) (1.0 / Math.sqrt(sum / n + epsilon));
        i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector.fromArray(F, x, xo + i).mul(scale).mul(FloatVector.fromArray(F, weight, i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = x[xo + i] * scale * weight[i];
        }
    }

    // gelu(x) = x/2 (1 + tanh(y)) = x * sigmoid(2y) = x / (1 + exp(-2y)), y = sqrt(2/pi) (x + 0.044715 x^3)
    private static final float GELU_2C = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_2CA = GELU_2C * 0.044715f;

    @Override
    public void geGlu(float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector x = FloatVector.fromArray(F, gate, go + i);
            FloatVector minus2y = x.mul(x).mul(-GELU_2CA).sub(GELU_2C).mul(x);
            x.div(exp(minus2y).add(1f)).mul(FloatVector.fromArray(F, up, uo + i)).intoArray(gate, go + i);
        }
        for (; i < n; i++) {
            gate[go + i] = geluTanh(gate[go + i]) * up[uo + i];
        }
    }

    // cap * tanh(x / cap) = cap - 2 cap / (exp(2x / cap) + 1): exp saturating (at e^88) gives cap, as it should.
    @Override
    public void softCap(float[] x, int offset, int n, float cap) {
        int i = 0;
        float twoOverCap = 2f / cap;
        float twoCap = 2f * cap;
        for (; i + FL <= n; i += FL) {
            FloatVector v = FloatVector.fromArray(F, x, offset + i);
            FloatVector e = exp(v.mul(twoOverCap)).add(1f);
            FloatVector.broadcast(F, cap).sub(FloatVector.broadcast(F, twoCap).div(e)).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            x[offset + i] = (float) (cap * Math.tanh(x[offset + i] / cap));
        }
    }

    @Override
    public void scale(float[] x, int offset, float factor, int n) {
        int i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector.fromArray(F, x, offset + i).mul(factor).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            x[offset + i] *= factor;
        }
    }

    @Override
    public void swiGlu(float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector g = FloatVector.fromArray(F, gate, go + i);
            g.div(exp(g.neg()).add(1f)).mul(FloatVector.fromArray(F, up, uo + i)).intoArray(gate, go + i);
        }
        for (; i < n; i++) {
            float g = gate[go + i];
            gate[go + i] = g / (1f + (float) Math.exp(-g)) * up[uo + i];
        }
    }

    @Override
    public void softmax(float[] x, int offset, int n) {
        int i = 0;
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; i + FL <= n; i += FL) {
            mv = mv.max(FloatVector.fromArray(F, x, offset + i));
        }
        float max = mv.reduceLanes(MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        FloatVector sv = FloatVector.zero(F);
        i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector e = exp(FloatVector.fromArray(F, x, offset + i).sub(max));
            e.intoArray(x, offset + i);
            sv = sv.add(e);
        }
        double sum = laneSum(sv);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        i = 0;
        for (; i + FL <= n; i += FL) {
            FloatVector.fromArray(F, x, offset + i).mul(inv).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            x[offset + i] *= inv;
        }
    }

    @Override
    public void quantize(Activations x, int from, int to) {
        if (32 % FL != 0) {
            x.quantizeScalar(from, to);
            return;
        }
        float[] values = x.values();
        short[] quants = x.quants();
        float[] scales = x.scales();
        short[] offsets = x.offsets();
        float[] floatQuants = x.floatQuants();
        int width = x.width();
        int blocks = width / 32;
        for (int t = from; t < to; t++) {
            for (int b = 0; b < blocks; b++) {
                int base = t * width + 32 * b;
                FloatVector max = FloatVector.zero(F);
                for (int p = 0; p < 32; p += FL) {
                    max = max.max(FloatVector.fromArray(F, values, base + p).abs());
                }
                float d = max.reduceLanes(MAX) / 127f;
                float id = d != 0 ? 1f / d : 0f;
                IntVector sum = IntVector.zero(I);
                for (int p = 0; p < 32; p += FL) {
                    FloatVector s = FloatVector.fromArray(F, values, base + p).mul(id);
                    // roundf: add 0.5 with the value's sign, then truncate
                    IntVector q = (IntVector) s.add(HALF_UP.blend(HALF_DOWN, s.lt(0f)))
                            .convert(jdk.incubator.vector.VectorOperators.F2I, 0);
                    ((ShortVector) q.convertShape(jdk.incubator.vector.VectorOperators.I2S, HS, 0)).intoArray(quants, base + p);
                    ((FloatVector) q.convert(jdk.incubator.vector.VectorOperators.I2F, 0)).intoArray(floatQuants, base + p);
                    sum = sum.add(q);
                }
                scales[t * blocks + b] = d;
                offsets[t * blocks + b] = (short) (8 * sum.reduceLanes(ADD));
            }
        }
    }

    private static final FloatVector HALF_UP = FloatVector.broadcast(F, 0.5f);
    private static final FloatVector HALF_DOWN = FloatVector.broadcast(F, -0.5f);

    // ---------------------------------------------------------------- warm-up

    /**
     * Calls of each kernel in the warm-up. C2 takes a kernel after some hundred calls (the
     * launcher scales the thresholds to a tenth); 600 got every Q4_0 kernel compiled before a 7B
     * model's first prompt, 150 left the tiles to compile during it.
     */
    private static final int WARM_UP_ROUNDS = 600;

    /**
     * The first rounds run in the interpreter, a hundred times slower, before C1 has compiled the
     * kernels: on inputs a tenth of the size (the interpreter's rounds feed no profile C2 reads).
     */
    private static final int INTERPRETED_ROUNDS = 40;

    @Override
    public void warmUp(java.util.Set<GgmlType> types) {
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType type : types) {
                // Shaped like a real model's matrices where C2 reads the profile: several row groups
                // and eight blocks per row (four super-blocks for the K-quants). Compiled from rows
                // of one block, the Q4_0 tile ran 40% slower on rows of 4096 columns.
                WarmUpMatrix small = new WarmUpMatrix(this, type, Q4_0Packing.ROWS, Math.max(32, type.blockSize()), arena);
                WarmUpMatrix shaped = new WarmUpMatrix(this, type, 4 * Q4_0Packing.ROWS,
                        Math.max(256, 4 * type.blockSize()), arena);
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    (i < INTERPRETED_ROUNDS ? small : shaped).run(this, i);
                }
            }
        }
        float[] a = new float[256];
        float[] b = new float[256];
        for (int i = 0; i < 1000; i++) {
            dot(a, 0, b, 0, 256);
            axpy(0.5f, a, 0, b, 0, 64);
            add(a, 0, b, 0, 256);
            rmsNorm(a, 0, b, 0, b, 256, 1e-5f);
            swiGlu(a, 0, b, 0, 256);
            softmax(a, 0, 200);
        }
        // Attention over a context of a few hundred positions, so that C2 compiles its main loops
        // from a profile where they are hot: compiled from short contexts only (the first tokens
        // of a chat), the long-context loops stay slow for the life of the process. The float
        // cache only, the default; the 8- and 16-bit caches compile on first use.
        int stride = 512;
        int headDim = 128;
        float[] keys = new float[headDim * stride];
        float[] q = new float[4 * headDim];
        float[] scores = new float[4 * stride];
        float[] out = new float[4 * headDim];
        for (int i = 0; i < 400; i++) {
            int count = i < INTERPRETED_ROUNDS ? 8 : 301 + (i & 31);
            attentionScores(q, 0, 4, keys, 0, stride, headDim, count, 0.125f, scores, 0, stride);
            weightedSum(scores, 0, stride, 4, count, keys, 0, headDim, out, 0, headDim);
        }
    }

    /** A zero matrix with activations of up to 16 tokens, for the warm-up. */
    private record WarmUpMatrix(WeightMatrix w, Activations x, float[] out, float[] scratch) {

        WarmUpMatrix(PanamaKernels k, GgmlType type, int rows, int cols, Arena arena) {
            this(k.prepare(new WeightMatrix("warm-up", type, arena.allocate(rows * type.byteSize(cols), 64), 0, rows,
                    cols), arena), new Activations(cols, 16), new float[rows * 16], new float[k.scratchSize(cols)]);
            if (k.packGroups(w) > 0) {
                k.pack(w, 0, k.packGroups(w));
            }
            float[] values = x.values();
            for (int i = 0; i < values.length; i++) {
                values[i] = (i % 7 - 3) * 0.25f; // not zeros: C2 would compile quantize for zero blocks only
            }
        }

        /** One round: 13 and 14 tokens take every tile a prompt does (8 + 4 + 1, 8 + 4 + 2), then one token. */
        void run(PanamaKernels k, int round) {
            x.setTokens(13 + (round & 1));
            x.quantize();
            // One row group is enough for the tiles (matMul loops over the groups outside them).
            k.matMul(w, x, out, w.rows(), 0, Q4_0Packing.ROWS, scratch);
            k.matVec(w, x, 0, out, 0, 0, w.rows(), scratch);
        }
    }

    @Override
    public float streamRead(MemorySegment s, long offset, long bytes) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        long step = 4L * F.vectorByteSize();
        for (long i = 0; i + step <= bytes; i += step) {
            long o = offset + i;
            a0 = a0.add(FloatVector.fromMemorySegment(F, s, o, LE));
            a1 = a1.add(FloatVector.fromMemorySegment(F, s, o + F.vectorByteSize(), LE));
            a2 = a2.add(FloatVector.fromMemorySegment(F, s, o + 2L * F.vectorByteSize(), LE));
            a3 = a3.add(FloatVector.fromMemorySegment(F, s, o + 3L * F.vectorByteSize(), LE));
        }
        return laneSum(a0.add(a1).add(a2.add(a3)));
    }

    /** Types with a fused vector kernel for matrix-vector products. */
    static boolean hasFusedKernel(GgmlType t) {
        return switch (t) {
            case F32, F16, BF16, Q8_0, Q4_0 -> true;
            default -> false;
        };
    }
}
