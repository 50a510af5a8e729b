package dev.cove.core.kernel;

import static dev.cove.core.kernel.RowPacking.Q6_K_GROUP_BYTES;
import static dev.cove.core.kernel.RowPacking.Q6_K_Q;
import static dev.cove.core.kernel.RowPacking.Q6_K_SC;
import static dev.cove.core.kernel.RowPacking.Q8_0_GROUP_BYTES;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Integer kernels for the {@link RowPacking row-per-lane} Q8_0, Q4_K and Q6_K layouts (AVX2 and
 * AVX-512), with activations quantized to 8 bits per block of 32 ({@link Activations}). Like the
 * packed Q4_0 kernels: one load gives one byte of 32 rows (16 with AVX2), widened to 16-bit lanes and
 * multiplied by one broadcast activation; the 16-bit sums are converted to float once per
 * block (or sub-block) and scaled by the 32 rows' scales at once. Every 16-bit sum is kept
 * within range by construction (see each kernel), so the results are exact integer sums.
 *
 * <p>Matrix-matrix products take one group of 32 rows at a time (its weights stay in L2 across
 * the tokens, so memory traffic is one pass over the weights per batch) and run tiles of four
 * tokens ({@link #floatTile}, for Q8_0 and Q6_K on weights widened to float once per chunk;
 * the last one to three tokens of a batch run the matrix-vector kernel), which load and unpack
 * each weight vector once for four tokens; Q4_K's kernels are {@link PackedQ4_KKernels}. Every tile
 * gives the matrix-vector kernel's result bit for bit, so a batched prompt gives what one token
 * at a time gives (BatchedForwardTest).
 */
final class PackedKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float HALF_BIAS = 0x1p112f;

    // A vector of shorts holds LANES rows: 32 with AVX-512, 16 with AVX2, where each group of 32
    // rows takes two passes (argument r: the pass's first row), as in PackedQ4_0Kernels.
    private static final VectorSpecies<Short> S = PackedWidth.SHORTS;
    private static final int LANES = S.length();
    private static final VectorSpecies<Byte> B = PackedWidth.BYTES;
    private static final VectorSpecies<Float> F = PackedWidth.FLOATS;
    private static final VectorSpecies<Integer> I = PackedWidth.INTS;
    private static final VectorSpecies<Short> H = PackedWidth.SCALES;
    private static final int HALF = F.length();
    // Constant vectors rather than the scalar-operand forms (and(short), sub(short)): with these
    // C2 kept every vector in registers; with the scalar forms it boxed some of them.
    private static final ShortVector LOW4 = ShortVector.broadcast(S, (short) 0xF);
    private static final ShortVector LOW6 = ShortVector.broadcast(S, (short) 0x3F);
    private static final ShortVector BIAS32 = ShortVector.broadcast(S, (short) 32);

    private PackedKernels() {
    }

    /** Whether this machine's vectors are wide enough for these kernels: 16 shorts (AVX2) or more. */
    static boolean supported() {
        return PackedWidth.supported();
    }

    /** Scales (halves) of rows [r, r + HALF) of the block at o, as floats. */
    private static FloatVector q8Scales(MemorySegment p, long o, int r) {
        return ((IntVector) ShortVector.fromMemorySegment(H, p, o + 2L * r, LE).convertShape(S2I, I, 0))
                .lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
    }

    /**
     * Scratch floats the kernels need: the K-quant accumulators and factors (at most 768), or
     * the weights widened for {@link #floatTile} (Q8_0: 4 blocks, Q6_K: half a super-block, 4096).
     */
    static final int SCRATCH = 4 * 32 * 32;

    static void matVec(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int rowStart, int rowEnd,
                       float[] scratch) {
        for (int g = rowStart / RowPacking.ROWS; g < rowEnd / RowPacking.ROWS; g++) {
            group(w, x, t, out, outOffset, g, scratch);
        }
    }

    static void matMul(WeightMatrix w, Activations x, float[] out, int outStride, int rowStart, int rowEnd,
                       float[] scratch) {
        int tokens = x.tokens();
        // Float tiles take whole fours of tokens; the last one to three run the matrix-vector
        // kernel, which beats a tile of repeated tokens (one thread, in cache, G weight-tokens/s,
        // 2 / 3 / 4 tokens: Q8_0 tiles 15.1 / 21.3 / 28.4, Q6_K 12.9 / 19.3 / 25.5; the
        // matrix-vector kernels 26.9 and 23.6). Same bits either way.
        int tiled = tokens - tokens % 4;
        if (w.type() == dev.cove.core.tensor.GgmlType.Q8_0 && tiled > 0 && scratch.length >= 32 * 32) {
            int nb = w.cols() / 32;
            int chunk = Math.min(4, scratch.length / (32 * 32));
            for (int g = rowStart / RowPacking.ROWS; g < rowEnd / RowPacking.ROWS; g++) {
                for (int b0 = 0; b0 < nb; b0 += chunk) {
                    int b1 = Math.min(nb, b0 + chunk);
                    q8_0Widen(w, g, b0, b1, scratch);
                    for (int t = 0; t < tiled; t += 4) {
                        floatTile(w, x, t, 4, out, outStride, g, b0, b1, scratch, Q8_0_GROUP_BYTES, 1);
                    }
                }
                for (int t = tiled; t < tokens; t++) {
                    group(w, x, t, out, t * outStride, g, scratch);
                }
            }
            return;
        }
        if (w.type() == dev.cove.core.tensor.GgmlType.Q6_K && tiled > 0 && scratch.length >= SCRATCH) {
            int nsb = w.cols() / 256;
            for (int g = rowStart / RowPacking.ROWS; g < rowEnd / RowPacking.ROWS; g++) {
                for (int sb = 0; sb < nsb; sb++) {
                    for (int h = 0; h < 2; h++) {
                        q6_KWiden(w, g, sb, h, scratch);
                        int b0 = 8 * sb + 4 * h;
                        for (int t = 0; t < tiled; t += 4) {
                            floatTile(w, x, t, 4, out, outStride, g, b0, b0 + 4, scratch, Q6_K_GROUP_BYTES, 8);
                        }
                    }
                }
                for (int t = tiled; t < tokens; t++) {
                    group(w, x, t, out, t * outStride, g, scratch);
                }
            }
            return;
        }
        for (int g = rowStart / RowPacking.ROWS; g < rowEnd / RowPacking.ROWS; g++) {
            if (w.type() == dev.cove.core.tensor.GgmlType.Q4_K) {
                PackedQ4_KKernels.matMul(w, x, out, outStride, g, scratch);
                continue;
            }
            for (int t = 0; t < tokens; t++) {
                group(w, x, t, out, t * outStride, g, scratch);
            }
        }
    }

    /** Blocks [b0, b1) of Q8_0 group g, widened to float: scratch[((b - b0) * 32 + m) * 32 + row]. */
    private static void q8_0Widen(WeightMatrix w, int g, int b0, int b1, float[] scratch) {
        MemorySegment p = w.packed();
        long gBase = (long) g * (w.cols() / 32) * Q8_0_GROUP_BYTES;
        for (int b = b0; b < b1; b++) {
            long o = gBase + (long) b * Q8_0_GROUP_BYTES + 64;
            int so = (b - b0) * 1024;
            for (int m = 0; m < 32; m++) {
                for (int r = 0; r < RowPacking.ROWS; r += LANES) {
                    ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, p, o + 32 * m + r, LE).convertShape(B2S, S, 0);
                    ((FloatVector) q.convertShape(S2F, F, 0)).intoArray(scratch, so + 32 * m + r);
                    ((FloatVector) q.convertShape(S2F, F, 1)).intoArray(scratch, so + 32 * m + r + HALF);
                }
            }
        }
    }

    /**
     * Half h of Q6_K super-block sb of group g (blocks 8sb + 4h + i, i in 0..3) widened to float
     * for {@link #floatTile}: scratch[(i * 32 + m) * 32 + row] = (q - 32) * sc, the quant times its
     * group's 8-bit scale, an integer of at most 32 * 128 in magnitude, so that a block's sum over
     * 32 columns times 8-bit activations stays below 2^24: exact in float, the matrix-vector
     * kernel's {@link #q6_KHalf} sum to the bit.
     */
    private static void q6_KWiden(WeightMatrix w, int g, int sb, int h, float[] scratch) {
        MemorySegment p = w.packed();
        long o = RowPacking.groupOffset(w, g) + (long) sb * Q6_K_GROUP_BYTES;
        long q = o + Q6_K_Q + 96L * 32 * h;
        for (int r = 0; r < RowPacking.ROWS; r += LANES) {
            for (int l = 0; l < 32; l++) {
                long sc = o + Q6_K_SC + 32L * (8 * h + l / 16) + r; // + 64i: group 8h + 2i + l / 16
                long rec = q + 96L * RowPacking.q6_KRecord(l);
                ShortVector v = ShortVector.fromMemorySegment(S, p, rec + 2L * r, LE);
                ShortVector u = ((ShortVector) ByteVector.fromMemorySegment(B, p, rec + 64 + r, LE).convertShape(ZERO_EXTEND_B2S, S, 0));
                ShortVector w0 = v.and(LOW6).sub(BIAS32).mul((ShortVector) ByteVector.fromMemorySegment(B, p, sc, LE).convertShape(B2S, S, 0));
                ShortVector w1 = v.lanewise(LSHR, 6).and(LOW6).sub(BIAS32).mul((ShortVector) ByteVector.fromMemorySegment(B, p, sc + 64, LE).convertShape(B2S, S, 0));
                ShortVector w2 = v.lanewise(LSHR, 12).or(u.lanewise(LSHL, 4)).and(LOW6).sub(BIAS32).mul((ShortVector) ByteVector.fromMemorySegment(B, p, sc + 128, LE).convertShape(B2S, S, 0));
                ShortVector w3 = u.lanewise(LSHR, 2).sub(BIAS32).mul((ShortVector) ByteVector.fromMemorySegment(B, p, sc + 192, LE).convertShape(B2S, S, 0));
                int e = 32 * l + r;
                ((FloatVector) w0.convertShape(S2F, F, 0)).intoArray(scratch, e);
                ((FloatVector) w0.convertShape(S2F, F, 1)).intoArray(scratch, e + HALF);
                ((FloatVector) w1.convertShape(S2F, F, 0)).intoArray(scratch, e + 1024);
                ((FloatVector) w1.convertShape(S2F, F, 1)).intoArray(scratch, e + 1024 + HALF);
                ((FloatVector) w2.convertShape(S2F, F, 0)).intoArray(scratch, e + 2048);
                ((FloatVector) w2.convertShape(S2F, F, 1)).intoArray(scratch, e + 2048 + HALF);
                ((FloatVector) w3.convertShape(S2F, F, 0)).intoArray(scratch, e + 3072);
                ((FloatVector) w3.convertShape(S2F, F, 1)).intoArray(scratch, e + 3072 + HALF);
            }
        }
    }

    /**
     * Blocks [bStart, bEnd) of group g of a layout with the 32 rows' scales (halves) first in each
     * record of {@code blockBytes}, one record per {@code blocksPerScale} blocks of 32 columns
     * (Q8_0's and Q4_0's: 1; Q6_K's super-blocks: 8) times {@code n} (1 to 4) tokens from t0,
     * added to {@code out} (which block 0 initializes): the weights, widened to float once per
     * chunk ({@link #q8_0Widen}, {@code PackedQ4_0Kernels.widen}; {@code wf}, L1-resident), are
     * multiplied (FMA) by four tokens' quants as floats. A block's sums are integers below 2^24,
     * so exact in float, and are scaled as in {@link #q8_0}: the result is the integer kernel's
     * bit for bit (a batch gives what one token at a time gives), without the per-token widening
     * of weights and of 16-bit products. Fewer than four tokens repeat the last one; its repeats
     * store the same values to the same place.
     */
    static void floatTile(WeightMatrix w, Activations x, int t0, int n, float[] out, int outStride, int g,
                          int bStart, int bEnd, float[] wf, int blockBytes, int blocksPerScale) {
        for (int r = 0; r < RowPacking.ROWS; r += LANES) {
            floatTile(w, x, t0, n, out, outStride, g, bStart, bEnd, wf, blockBytes, blocksPerScale, r);
        }
    }

    /** {@link #floatTile} for rows [r, r + LANES) of the group. */
    private static void floatTile(WeightMatrix w, Activations x, int t0, int n, float[] out, int outStride, int g,
                                  int bStart, int bEnd, float[] wf, int blockBytes, int blocksPerScale, int r) {
        MemorySegment p = w.packed();
        int cols = w.cols();
        int nb = cols / 32;
        float[] xv = x.floatQuants();
        float[] xd = x.scales();
        int u1 = Math.min(1, n - 1);
        int u2 = Math.min(2, n - 1);
        int u3 = Math.min(3, n - 1);
        int x0 = t0 * cols;
        int x1 = x0 + cols * u1;
        int x2 = x0 + cols * u2;
        int x3 = x0 + cols * u3;
        int s0 = t0 * nb;
        int s1 = s0 + nb * u1;
        int s2 = s0 + nb * u2;
        int s3 = s0 + nb * u3;
        int row = 32 * g + r;
        int r0 = t0 * outStride + row;
        int r1 = (t0 + u1) * outStride + row;
        int r2 = (t0 + u2) * outStride + row;
        int r3 = (t0 + u3) * outStride + row;
        FloatVector a00;
        FloatVector a01;
        FloatVector a10;
        FloatVector a11;
        FloatVector a20;
        FloatVector a21;
        FloatVector a30;
        FloatVector a31;
        if (bStart == 0) {
            a00 = FloatVector.zero(F);
            a01 = a00;
            a10 = a00;
            a11 = a00;
            a20 = a00;
            a21 = a00;
            a30 = a00;
            a31 = a00;
        } else {
            a00 = FloatVector.fromArray(F, out, r0);
            a01 = FloatVector.fromArray(F, out, r0 + HALF);
            a10 = FloatVector.fromArray(F, out, r1);
            a11 = FloatVector.fromArray(F, out, r1 + HALF);
            a20 = FloatVector.fromArray(F, out, r2);
            a21 = FloatVector.fromArray(F, out, r2 + HALF);
            a30 = FloatVector.fromArray(F, out, r3);
            a31 = FloatVector.fromArray(F, out, r3 + HALF);
        }
        long gBase = (long) g * (nb / blocksPerScale) * blockBytes;
        for (int b = bStart; b < bEnd; b++) {
            long o = gBase + (long) (b / blocksPerScale) * blockBytes;
            FloatVector b00 = FloatVector.zero(F);
            FloatVector b01 = b00;
            FloatVector b10 = b00;
            FloatVector b11 = b00;
            FloatVector b20 = b00;
            FloatVector b21 = b00;
            FloatVector b30 = b00;
            FloatVector b31 = b00;
            int k = 32 * b;
            int wo = (b - bStart) * 1024 + r;
            for (int m = 0; m < 32; m++) {
                FloatVector w0 = FloatVector.fromArray(F, wf, wo + 32 * m);
                FloatVector w1 = FloatVector.fromArray(F, wf, wo + 32 * m + HALF);
                int km = k + m;
                FloatVector v0 = FloatVector.broadcast(F, xv[x0 + km]);
                b00 = w0.fma(v0, b00);
                b01 = w1.fma(v0, b01);
                FloatVector v1 = FloatVector.broadcast(F, xv[x1 + km]);
                b10 = w0.fma(v1, b10);
                b11 = w1.fma(v1, b11);
                FloatVector v2 = FloatVector.broadcast(F, xv[x2 + km]);
                b20 = w0.fma(v2, b20);
                b21 = w1.fma(v2, b21);
                FloatVector v3 = FloatVector.broadcast(F, xv[x3 + km]);
                b30 = w0.fma(v3, b30);
                b31 = w1.fma(v3, b31);
            }
            FloatVector d0 = q8Scales(p, o, r);
            FloatVector d1 = q8Scales(p, o, r + HALF);
            float dx0 = xd[s0 + b];
            float dx1 = xd[s1 + b];
            float dx2 = xd[s2 + b];
            float dx3 = xd[s3 + b];
            a00 = b00.fma(d0.mul(dx0), a00);
            a01 = b01.fma(d1.mul(dx0), a01);
            a10 = b10.fma(d0.mul(dx1), a10);
            a11 = b11.fma(d1.mul(dx1), a11);
            a20 = b20.fma(d0.mul(dx2), a20);
            a21 = b21.fma(d1.mul(dx2), a21);
            a30 = b30.fma(d0.mul(dx3), a30);
            a31 = b31.fma(d1.mul(dx3), a31);
        }
        a00.intoArray(out, r0);
        a01.intoArray(out, r0 + HALF);
        a10.intoArray(out, r1);
        a11.intoArray(out, r1 + HALF);
        a20.intoArray(out, r2);
        a21.intoArray(out, r2 + HALF);
        a30.intoArray(out, r3);
        a31.intoArray(out, r3 + HALF);
    }

    private static void group(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g, float[] scratch) {
        switch (w.type()) {
            case Q8_0 -> q8_0(w, x, t, out, outOffset, g);
            case Q4_K -> PackedQ4_KKernels.matVec(w, x, t, out, outOffset, g, scratch);
            case Q6_K -> q6_K(w, x, t, out, outOffset, g, scratch);
            default -> throw new IllegalArgumentException(w.type() + " is not row-packed");
        }
    }

    /**
     * Q8_0: a product of two int8 values is at most 127 * 127, so a pair of them fits in a 16-bit
     * lane (32258); each pair is widened to 32 bits and summed there over the block.
     */
    private static void q8_0(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g) {
        MemorySegment p = w.packed();
        int nb = w.cols() / 32;
        short[] xq = x.quants();
        float[] xd = x.scales();
        int qBase = t * w.cols();
        int sBase = t * nb;
        long gBase = (long) g * nb * Q8_0_GROUP_BYTES;
        if (LANES == 16) {
            q8_0Halves(p, xq, xd, qBase, sBase, nb, gBase, out, outOffset + 32 * g);
            return;
        }
        for (int r = 0; r < RowPacking.ROWS; r += LANES) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = acc0;
            for (int b = 0; b < nb; b++) {
                long o = gBase + (long) b * Q8_0_GROUP_BYTES;
                int k = qBase + 32 * b;
                IntVector i0 = IntVector.zero(I);
                IntVector i1 = i0;
                for (int m = 0; m < 32; m += 2) {
                    ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, p, o + 64 + 32 * m + r, LE).convertShape(B2S, S, 0);
                    ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, p, o + 96 + 32 * m + r, LE).convertShape(B2S, S, 0);
                    ShortVector pair = q0.mul(ShortVector.broadcast(S, xq[k + m])).add(q1.mul(ShortVector.broadcast(S, xq[k + m + 1])));
                    i0 = i0.add(pair.convertShape(S2I, I, 0));
                    i1 = i1.add(pair.convertShape(S2I, I, 1));
                }
                float dx = xd[sBase + b];
                acc0 = ((FloatVector) i0.convert(I2F, 0)).fma(q8Scales(p, o, r).mul(dx), acc0);
                acc1 = ((FloatVector) i1.convert(I2F, 0)).fma(q8Scales(p, o, r + HALF).mul(dx), acc1);
            }
            acc0.intoArray(out, outOffset + 32 * g + r);
            acc1.intoArray(out, outOffset + 32 * g + r + HALF);
        }
    }

    /**
     * {@link #q8_0} with AVX2: both halves of the group in one loop, so that each broadcast
     * activation serves 32 rows (as {@code PackedQ4_0Kernels.matVecHalves}); the same sums.
     * 1.1B Q8_0 on Zen 3, 2 threads, alternating runs: tg32 13.9-14.1 tok/s against 10.0-11.7 for
     * two passes.
     */
    private static void q8_0Halves(MemorySegment p, short[] xq, float[] xd, int qBase, int sBase, int nb, long gBase,
                                   float[] out, int o0) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < nb; b++) {
            long o = gBase + (long) b * Q8_0_GROUP_BYTES;
            int k = qBase + 32 * b;
            IntVector i0 = IntVector.zero(I);
            IntVector i1 = i0;
            IntVector i2 = i0;
            IntVector i3 = i0;
            for (int m = 0; m < 32; m += 2) {
                ShortVector x0 = ShortVector.broadcast(S, xq[k + m]);
                ShortVector x1 = ShortVector.broadcast(S, xq[k + m + 1]);
                ShortVector lo = ((ShortVector) ByteVector.fromMemorySegment(B, p, o + 64 + 32 * m, LE).convertShape(B2S, S, 0)).mul(x0)
                        .add(((ShortVector) ByteVector.fromMemorySegment(B, p, o + 96 + 32 * m, LE).convertShape(B2S, S, 0)).mul(x1));
                ShortVector hi = ((ShortVector) ByteVector.fromMemorySegment(B, p, o + 64 + LANES + 32 * m, LE).convertShape(B2S, S, 0)).mul(x0)
                        .add(((ShortVector) ByteVector.fromMemorySegment(B, p, o + 96 + LANES + 32 * m, LE).convertShape(B2S, S, 0)).mul(x1));
                i0 = i0.add(lo.convertShape(S2I, I, 0));
                i1 = i1.add(lo.convertShape(S2I, I, 1));
                i2 = i2.add(hi.convertShape(S2I, I, 0));
                i3 = i3.add(hi.convertShape(S2I, I, 1));
            }
            float dx = xd[sBase + b];
            acc0 = ((FloatVector) i0.convert(I2F, 0)).fma(((IntVector) ShortVector.fromMemorySegment(H, p, o, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS).mul(dx), acc0);
            acc1 = ((FloatVector) i1.convert(I2F, 0)).fma(((IntVector) ShortVector.fromMemorySegment(H, p, o + 2 * HALF, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS).mul(dx), acc1);
            acc2 = ((FloatVector) i2.convert(I2F, 0)).fma(((IntVector) ShortVector.fromMemorySegment(H, p, o + 2 * LANES, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS).mul(dx), acc2);
            acc3 = ((FloatVector) i3.convert(I2F, 0)).fma(((IntVector) ShortVector.fromMemorySegment(H, p, o + 2 * (LANES + HALF), LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS).mul(dx), acc3);
        }
        acc0.intoArray(out, o0);
        acc1.intoArray(out, o0 + HALF);
        acc2.intoArray(out, o0 + LANES);
        acc3.intoArray(out, o0 + LANES + HALF);
    }

    /**
     * Q6_K: {@code w = d * sc_j * (q - 32)} per group j of 16, q in 0..63. Record
     * {@code q6_KRecord(j)} of half h ({@link RowPacking}) holds columns 128h + j, +32, +64, +96
     * (four groups). |q - 32| * 127 * 8
     * = 32512 fits in 16 bits, so the sums are taken over 8 columns at a time, starting from
     * {@code -32 * sum(x)} of those columns ({@link Activations#eighthOffsets}; the sum of q * x
     * may wrap on the way, the result is exact), then converted, multiplied by their group's
     * scale and summed per block of 32 columns, still exact; each block's sum is scaled by
     * {@code d * dx} and added to acc[0..32), as the prompt's {@link #floatTile} adds it
     * ({@link #q6_KHalf} also uses acc[32..160)).
     */
    private static void q6_K(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g, float[] acc) {
        MemorySegment p = w.packed();
        int nsb = w.cols() / 256;
        int qBase = t * w.cols();
        int sBase = t * (w.cols() / 32);
        long gBase = (long) g * nsb * Q6_K_GROUP_BYTES;
        for (int r = 0; r < RowPacking.ROWS; r += LANES) {
            java.util.Arrays.fill(acc, 0, 32, 0f);
            for (int sb = 0; sb < nsb; sb++) {
                long o = gBase + (long) sb * Q6_K_GROUP_BYTES;
                for (int h = 0; h < 2; h++) {
                    q6_KHalf(p, o, h, x, qBase + 256 * sb + 128 * h, sBase + 8 * sb + 4 * h, acc, r);
                }
            }
            FloatVector.fromArray(F, acc, r).intoArray(out, outOffset + 32 * g + r);
            FloatVector.fromArray(F, acc, r + HALF).intoArray(out, outOffset + 32 * g + r + HALF);
        }
    }

    /**
     * Half h of a Q6_K super-block (columns 128h + [0, 128), activation blocks kb + i, i in 0..3)
     * added to acc[0..32): the four runs of eight columns of each block
     * ({@link RowPacking#q6_KRecord}), in two loops of eight sums each: the runs of the blocks'
     * first group of 16 columns (records 2l, 2l + 1), whose scaled sums wait in acc[32..160),
     * then those of the second (16 + 2l, 17 + 2l). With one run per call, the loop of eight ran
     * only as long as C2's set-up around it (range checks, addresses), which held Q6_K at 60% of Q4_K's speed per
     * weight; with all sixteen sums and the eight scale vectors in one loop, C2 kept a dozen of
     * them on the stack, loaded and stored every iteration (AVX-512's 32 registers).
     */
    private static void q6_KHalf(MemorySegment p, long o, int h, Activations x, int k, int kb, float[] acc, int r) {
        short[] xq = x.quants();
        float[] xd = x.scales();
        short[] x8 = x.eighthOffsets();
        // sums of q * x from minus 32 * sum x: sum (q - 32) x over eight columns, which fits in 16 bits
        int e = k / 8;
        // The scales lie before the quants: loaded first, so that a miss on them overlaps the
        // products instead of stalling after them (from memory, loaded after: half the speed).
        // Column 128h + 32i + l is in group 8h + 2i + l / 16; each of the four cache lines holds
        // block i's two groups, so the second loop's scales are in cache by then.
        long sc = o + Q6_K_SC + 32L * 8 * h + r;
        ByteVector lo0 = ByteVector.fromMemorySegment(B, p, sc + 0, LE);
        ByteVector lo1 = ByteVector.fromMemorySegment(B, p, sc + 64, LE);
        ByteVector lo2 = ByteVector.fromMemorySegment(B, p, sc + 128, LE);
        ByteVector lo3 = ByteVector.fromMemorySegment(B, p, sc + 192, LE);
        ShortVector a0 = ShortVector.broadcast(S, (short) -x8[e + 0]);
        ShortVector a1 = ShortVector.broadcast(S, (short) -x8[e + 4]);
        ShortVector a2 = ShortVector.broadcast(S, (short) -x8[e + 8]);
        ShortVector a3 = ShortVector.broadcast(S, (short) -x8[e + 12]);
        ShortVector b0 = ShortVector.broadcast(S, (short) -x8[e + 1]);
        ShortVector b1 = ShortVector.broadcast(S, (short) -x8[e + 5]);
        ShortVector b2 = ShortVector.broadcast(S, (short) -x8[e + 9]);
        ShortVector b3 = ShortVector.broadcast(S, (short) -x8[e + 13]);
        long q = o + Q6_K_Q + 96L * 32 * h;
        for (int l = 0; l < 8; l++) {
            long qa = q + 96L * (2 * l);
            ShortVector va = ShortVector.fromMemorySegment(S, p, qa + 2L * r, LE);
            ShortVector ua = ((ShortVector) ByteVector.fromMemorySegment(B, p, qa + 64 + r, LE).convertShape(ZERO_EXTEND_B2S, S, 0));
            a0 = a0.add(va.and(LOW6).mul(ShortVector.broadcast(S, xq[k + 0 + l])));
            a1 = a1.add(va.lanewise(LSHR, 6).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 32 + l])));
            a2 = a2.add(va.lanewise(LSHR, 12).or(ua.lanewise(LSHL, 4)).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 64 + l])));
            a3 = a3.add(ua.lanewise(LSHR, 2).mul(ShortVector.broadcast(S, xq[k + 96 + l])));
            long qb = q + 96L * (2 * l + 1);
            ShortVector vb = ShortVector.fromMemorySegment(S, p, qb + 2L * r, LE);
            ShortVector ub = ((ShortVector) ByteVector.fromMemorySegment(B, p, qb + 64 + r, LE).convertShape(ZERO_EXTEND_B2S, S, 0));
            b0 = b0.add(vb.and(LOW6).mul(ShortVector.broadcast(S, xq[k + 8 + l])));
            b1 = b1.add(vb.lanewise(LSHR, 6).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 40 + l])));
            b2 = b2.add(vb.lanewise(LSHR, 12).or(ub.lanewise(LSHL, 4)).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 72 + l])));
            b3 = b3.add(ub.lanewise(LSHR, 2).mul(ShortVector.broadcast(S, xq[k + 104 + l])));
        }
        // The first groups' scaled sums, (a + b) * scale, in acc[32 + 32i + row]
        for (int part = 0; part < 2; part++) {
            int c = r + HALF * part;
            (((FloatVector) a0.convertShape(S2F, F, part)).add((FloatVector) b0.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) lo0.convertShape(B2S, S, 0)).convertShape(S2F, F, part))).intoArray(acc, 32 + c);
            (((FloatVector) a1.convertShape(S2F, F, part)).add((FloatVector) b1.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) lo1.convertShape(B2S, S, 0)).convertShape(S2F, F, part))).intoArray(acc, 64 + c);
            (((FloatVector) a2.convertShape(S2F, F, part)).add((FloatVector) b2.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) lo2.convertShape(B2S, S, 0)).convertShape(S2F, F, part))).intoArray(acc, 96 + c);
            (((FloatVector) a3.convertShape(S2F, F, part)).add((FloatVector) b3.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) lo3.convertShape(B2S, S, 0)).convertShape(S2F, F, part))).intoArray(acc, 128 + c);
        }
        ByteVector hi0 = ByteVector.fromMemorySegment(B, p, sc + 32, LE);
        ByteVector hi1 = ByteVector.fromMemorySegment(B, p, sc + 96, LE);
        ByteVector hi2 = ByteVector.fromMemorySegment(B, p, sc + 160, LE);
        ByteVector hi3 = ByteVector.fromMemorySegment(B, p, sc + 224, LE);
        ShortVector c0 = ShortVector.broadcast(S, (short) -x8[e + 2]);
        ShortVector c1 = ShortVector.broadcast(S, (short) -x8[e + 6]);
        ShortVector c2 = ShortVector.broadcast(S, (short) -x8[e + 10]);
        ShortVector c3 = ShortVector.broadcast(S, (short) -x8[e + 14]);
        ShortVector d0 = ShortVector.broadcast(S, (short) -x8[e + 3]);
        ShortVector d1 = ShortVector.broadcast(S, (short) -x8[e + 7]);
        ShortVector d2 = ShortVector.broadcast(S, (short) -x8[e + 11]);
        ShortVector d3 = ShortVector.broadcast(S, (short) -x8[e + 15]);
        for (int l = 0; l < 8; l++) {
            long qc = q + 96L * (16 + 2 * l);
            ShortVector vc = ShortVector.fromMemorySegment(S, p, qc + 2L * r, LE);
            ShortVector uc = ((ShortVector) ByteVector.fromMemorySegment(B, p, qc + 64 + r, LE).convertShape(ZERO_EXTEND_B2S, S, 0));
            c0 = c0.add(vc.and(LOW6).mul(ShortVector.broadcast(S, xq[k + 16 + l])));
            c1 = c1.add(vc.lanewise(LSHR, 6).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 48 + l])));
            c2 = c2.add(vc.lanewise(LSHR, 12).or(uc.lanewise(LSHL, 4)).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 80 + l])));
            c3 = c3.add(uc.lanewise(LSHR, 2).mul(ShortVector.broadcast(S, xq[k + 112 + l])));
            long qd = q + 96L * (17 + 2 * l);
            ShortVector vd = ShortVector.fromMemorySegment(S, p, qd + 2L * r, LE);
            ShortVector ud = ((ShortVector) ByteVector.fromMemorySegment(B, p, qd + 64 + r, LE).convertShape(ZERO_EXTEND_B2S, S, 0));
            d0 = d0.add(vd.and(LOW6).mul(ShortVector.broadcast(S, xq[k + 24 + l])));
            d1 = d1.add(vd.lanewise(LSHR, 6).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 56 + l])));
            d2 = d2.add(vd.lanewise(LSHR, 12).or(ud.lanewise(LSHL, 4)).and(LOW6).mul(ShortVector.broadcast(S, xq[k + 88 + l])));
            d3 = d3.add(ud.lanewise(LSHR, 2).mul(ShortVector.broadcast(S, xq[k + 120 + l])));
        }
        // Block i's sum, first groups' plus second groups' (c + d) * scale, is an integer below
        // 2^24, exact in float whatever the order; it is scaled by d * dx and added to acc in
        // block order, as the prompt's floatTile adds it.
        for (int part = 0; part < 2; part++) {
            int c = r + HALF * part;
            FloatVector rowScale = ((IntVector) ShortVector.fromMemorySegment(H, p, o + 2L * c, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            FloatVector acc0 = FloatVector.fromArray(F, acc, c);
            FloatVector sum0 = FloatVector.fromArray(F, acc, 32 + c).add(((FloatVector) c0.convertShape(S2F, F, part)).add((FloatVector) d0.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) hi0.convertShape(B2S, S, 0)).convertShape(S2F, F, part)));
            acc0 = sum0.fma(rowScale.mul(xd[kb + 0]), acc0);
            FloatVector sum1 = FloatVector.fromArray(F, acc, 64 + c).add(((FloatVector) c1.convertShape(S2F, F, part)).add((FloatVector) d1.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) hi1.convertShape(B2S, S, 0)).convertShape(S2F, F, part)));
            acc0 = sum1.fma(rowScale.mul(xd[kb + 1]), acc0);
            FloatVector sum2 = FloatVector.fromArray(F, acc, 96 + c).add(((FloatVector) c2.convertShape(S2F, F, part)).add((FloatVector) d2.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) hi2.convertShape(B2S, S, 0)).convertShape(S2F, F, part)));
            acc0 = sum2.fma(rowScale.mul(xd[kb + 2]), acc0);
            FloatVector sum3 = FloatVector.fromArray(F, acc, 128 + c).add(((FloatVector) c3.convertShape(S2F, F, part)).add((FloatVector) d3.convertShape(S2F, F, part))
                    .mul((FloatVector) ((ShortVector) hi3.convertShape(B2S, S, 0)).convertShape(S2F, F, part)));
            acc0 = sum3.fma(rowScale.mul(xd[kb + 3]), acc0);
            acc0.intoArray(acc, c);
        }
    }


}
