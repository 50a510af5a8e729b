package dev.cove.core.kernel;

import static dev.cove.core.kernel.RowPacking.Q4_K_DMIN;
import static dev.cove.core.kernel.RowPacking.Q4_K_GROUP_BYTES;
import static dev.cove.core.kernel.RowPacking.Q4_K_M;
import static dev.cove.core.kernel.RowPacking.Q4_K_QS;
import static dev.cove.core.kernel.RowPacking.Q4_K_SC;
import static dev.cove.core.kernel.RowPacking.Q6_K_GROUP_BYTES;
import static dev.cove.core.kernel.RowPacking.Q6_K_QH;
import static dev.cove.core.kernel.RowPacking.Q6_K_QL;
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
 * Integer kernels for the {@link RowPacking row-per-lane} Q8_0, Q4_K and Q6_K layouts (AVX-512
 * only), with activations quantized to 8 bits per block of 32 ({@link Activations}). Like the
 * packed Q4_0 kernel: one 32-byte load gives one byte of 32 rows, widened to 16-bit lanes and
 * multiplied by one broadcast activation; the 16-bit sums are converted to float once per
 * block (or sub-block) and scaled by the 32 rows' scales at once. Every 16-bit sum is kept
 * within range by construction (see each kernel), so the results are exact integer sums.
 *
 * <p>Matrix-matrix products run the matrix-vector kernel of one group of 32 rows for every
 * token in turn: the group's weights (at most a few hundred KiB) stay in L2 across the tokens,
 * so memory traffic is one pass over the weights per batch.
 */
final class PackedKernels {
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float HALF_BIAS = 0x1p112f;
    // Constant vectors rather than the scalar-operand forms (and(short), sub(short)): with these
    // C2 kept every vector in registers; with the scalar forms it boxed some of them.
    private static final ShortVector LOW4 = ShortVector.broadcast(S512, (short) 0xF);
    private static final ShortVector BITS45 = ShortVector.broadcast(S512, (short) 0x30);
    private static final ShortVector BIAS32 = ShortVector.broadcast(S512, (short) 32);

    private PackedKernels() {
    }

    /** Scratch floats the kernels need (K-quant accumulators). */
    static final int SCRATCH = 128;

    static void matVec(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int rowStart, int rowEnd,
                       float[] scratch) {
        for (int g = rowStart / RowPacking.ROWS; g < rowEnd / RowPacking.ROWS; g++) {
            group(w, x, t, out, outOffset, g, scratch);
        }
    }

    static void matMul(WeightMatrix w, Activations x, float[] out, int outStride, int rowStart, int rowEnd,
                       float[] scratch) {
        int tokens = x.tokens();
        for (int g = rowStart / RowPacking.ROWS; g < rowEnd / RowPacking.ROWS; g++) {
            for (int t = 0; t < tokens; t++) {
                group(w, x, t, out, t * outStride, g, scratch);
            }
        }
    }

    private static void group(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g, float[] scratch) {
        switch (w.type()) {
            case Q8_0 -> q8_0(w, x, t, out, outOffset, g);
            case Q4_K -> q4_K(w, x, t, out, outOffset, g, scratch);
            case Q6_K -> q6_K(w, x, t, out, outOffset, g, scratch);
            default -> throw new IllegalArgumentException(w.type() + " is not row-packed");
        }
    }





    private static ShortVector bcast(short v) {
        return ShortVector.broadcast(S512, v);
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
        FloatVector acc0 = FloatVector.zero(F512);
        FloatVector acc1 = acc0;
        long gBase = (long) g * nb * Q8_0_GROUP_BYTES;
        for (int b = 0; b < nb; b++) {
            long o = gBase + (long) b * Q8_0_GROUP_BYTES;
            int k = qBase + 32 * b;
            IntVector i0 = IntVector.zero(I512);
            IntVector i1 = i0;
            for (int m = 0; m < 32; m += 2) {
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B256, p, o + 64 + 32 * m, LE).convertShape(B2S, S512, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B256, p, o + 96 + 32 * m, LE).convertShape(B2S, S512, 0);
                ShortVector pair = q0.mul(bcast(xq[k + m])).add(q1.mul(bcast(xq[k + m + 1])));
                i0 = i0.add(pair.convertShape(S2I, I512, 0));
                i1 = i1.add(pair.convertShape(S2I, I512, 1));
            }
            float dx = xd[sBase + b];
            acc0 = ((FloatVector) i0.convert(I2F, 0)).fma(((IntVector) ShortVector.fromMemorySegment(S256, p, o, LE).convertShape(S2I, I512, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS).mul(dx), acc0);
            acc1 = ((FloatVector) i1.convert(I2F, 0)).fma(((IntVector) ShortVector.fromMemorySegment(S256, p, o + 32, LE).convertShape(S2I, I512, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS).mul(dx), acc1);
        }
        acc0.intoArray(out, outOffset + 32 * g);
        acc1.intoArray(out, outOffset + 32 * g + 16);
    }

    /**
     * Q4_K: {@code w = d * sc_j * q - dmin * m_j} per group j of 32, q in 0..15. The 16-bit sum
     * starts at {@code -8 * sum(x)} (the activations' block offset), so it accumulates
     * {@code sum (q - 8) x}, which fits (8 * 127 * 32 = 32512) even where intermediate sums wrap;
     * {@code 8 * sum(x)} is added back in float. Per super-block the group sums are scaled by
     * sc_j and the activation scale, then by d once; the min term likewise by dmin.
     *
     * <p>Every vector expression is written out in place: small helper methods returning
     * vectors (load-and-widen, convert) were not always inlined ("callee uses too much stack"),
     * and each vector crossing a call that is not inlined is boxed: that made this kernel 3-10x
     * slower with megabytes of garbage per product. The float accumulators live in {@code acc}
     * (scratch) between chunks of 64 columns, so each compiled loop stays as simple as Q4_0's.
     */
    private static void q4_K(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g, float[] acc) {
        MemorySegment p = w.packed();
        int nsb = w.cols() / 256;
        int qBase = t * w.cols();
        int sBase = t * (w.cols() / 32);
        java.util.Arrays.fill(acc, 0, 128, 0f);
        long gBase = (long) g * nsb * Q4_K_GROUP_BYTES;
        for (int sb = 0; sb < nsb; sb++) {
            long o = gBase + (long) sb * Q4_K_GROUP_BYTES;
            for (int c = 0; c < 4; c++) {
                q4_KChunk(p, o, c, x, qBase + 256 * sb + 64 * c, sBase + 8 * sb + 2 * c, acc);
            }
            scaleSuperBlock(p, o, o + Q4_K_DMIN, acc);
        }
        FloatVector.fromArray(F512, acc, 64).sub(FloatVector.fromArray(F512, acc, 96)).intoArray(out, outOffset + 32 * g);
        FloatVector.fromArray(F512, acc, 80).sub(FloatVector.fromArray(F512, acc, 112)).intoArray(out, outOffset + 32 * g + 16);
    }

    /**
     * Chunk c of a Q4_K super-block: byte l holds column 64c + l (low nibble, group 2c) and
     * 64c + 32 + l (high nibble, group 2c + 1). Adds the groups' scaled sums to acc[0..32) and
     * their min terms to acc[32..64).
     */
    private static void q4_KChunk(MemorySegment p, long o, int c, Activations x, int k, int kb, float[] acc) {
        short[] xq = x.quants();
        float[] xd = x.scales();
        short[] xoff = x.offsets();
        ShortVector lo = ShortVector.broadcast(S512, (short) -xoff[kb]);
        ShortVector hi = ShortVector.broadcast(S512, (short) -xoff[kb + 1]);
        long qo = o + Q4_K_QS + 32L * 32 * c;
        for (int l = 0; l < 32; l++) {
            ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B256, p, qo + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S512, 0);
            lo = lo.add(q.and(LOW4).mul(ShortVector.broadcast(S512, xq[k + l])));
            hi = hi.add(q.lanewise(LSHR, 4).mul(ShortVector.broadcast(S512, xq[k + 32 + l])));
        }
        float sumLo = xoff[kb] / 8; // exact: the offset is 8 * sum(x) and fits in 16 bits
        float sumHi = xoff[kb + 1] / 8;
        long sc = o + Q4_K_SC + 64L * c;
        long mn = o + Q4_K_M + 64L * c;
        ShortVector scLo = ((ShortVector) ByteVector.fromMemorySegment(B256, p, sc, LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
        ShortVector scHi = ((ShortVector) ByteVector.fromMemorySegment(B256, p, sc + 32, LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
        ShortVector mLo = ((ShortVector) ByteVector.fromMemorySegment(B256, p, mn, LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
        ShortVector mHi = ((ShortVector) ByteVector.fromMemorySegment(B256, p, mn + 32, LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
        float dxLo = xd[kb];
        float dxHi = xd[kb + 1];
        for (int part = 0; part < 2; part++) {
            FloatVector a = FloatVector.fromArray(F512, acc, 16 * part);
            a = ((FloatVector) lo.convertShape(S2F, F512, part)).add(8 * sumLo).mul(((FloatVector) scLo.convertShape(S2F, F512, part))).fma(FloatVector.broadcast(F512, dxLo), a);
            a = ((FloatVector) hi.convertShape(S2F, F512, part)).add(8 * sumHi).mul(((FloatVector) scHi.convertShape(S2F, F512, part))).fma(FloatVector.broadcast(F512, dxHi), a);
            a.intoArray(acc, 16 * part);
            FloatVector m = FloatVector.fromArray(F512, acc, 32 + 16 * part);
            m = ((FloatVector) mLo.convertShape(S2F, F512, part)).fma(FloatVector.broadcast(F512, dxLo * sumLo), m);
            m = ((FloatVector) mHi.convertShape(S2F, F512, part)).fma(FloatVector.broadcast(F512, dxHi * sumHi), m);
            m.intoArray(acc, 32 + 16 * part);
        }
    }

    /**
     * End of a super-block: acc[64..96) += acc[0..32) * d (halves at {@code d}), acc[96..128) +=
     * acc[32..64) * dmin (halves at {@code dmin}; Q6_K has no mins, its acc[32..64) stays 0), and
     * the per-super-block sums reset.
     */
    private static void scaleSuperBlock(MemorySegment p, long d, long dmin, float[] acc) {
        for (int part = 0; part < 2; part++) {
            FloatVector.fromArray(F512, acc, 16 * part).fma(((IntVector) ShortVector.fromMemorySegment(S256, p, d + 32L * part, LE).convertShape(S2I, I512, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS), FloatVector.fromArray(F512, acc, 64 + 16 * part))
                    .intoArray(acc, 64 + 16 * part);
            FloatVector.fromArray(F512, acc, 32 + 16 * part).fma(((IntVector) ShortVector.fromMemorySegment(S256, p, dmin + 32L * part, LE).convertShape(S2I, I512, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS), FloatVector.fromArray(F512, acc, 96 + 16 * part))
                    .intoArray(acc, 96 + 16 * part);
        }
        java.util.Arrays.fill(acc, 0, 64, 0f);
    }

    /**
     * Q6_K: {@code w = d * sc_j * (q - 32)} per group j of 16, q in 0..63. Byte l of
     * {@code ql[64h ..]}, {@code ql[64h + 32 ..]} and {@code qh[32h ..]} together hold columns
     * 128h + l, +32, +64, +96 (four groups). |q - 32| * 127 * 8 = 32512 fits in 16 bits, so the
     * sums are taken over 8 columns at a time, then converted and scaled by their group's scale.
     * Accumulators in {@code acc} as for Q4_K (acc[32..64) and acc[96..128) stay 0).
     */
    private static void q6_K(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g, float[] acc) {
        MemorySegment p = w.packed();
        int nsb = w.cols() / 256;
        int qBase = t * w.cols();
        int sBase = t * (w.cols() / 32);
        java.util.Arrays.fill(acc, 0, 128, 0f);
        long gBase = (long) g * nsb * Q6_K_GROUP_BYTES;
        for (int sb = 0; sb < nsb; sb++) {
            long o = gBase + (long) sb * Q6_K_GROUP_BYTES;
            for (int h = 0; h < 2; h++) {
                for (int l0 = 0; l0 < 32; l0 += 8) {
                    q6_KPart(p, o, h, l0, x, qBase + 256 * sb + 128 * h + l0, sBase + 8 * sb + 4 * h, acc);
                }
            }
            scaleSuperBlock(p, o, o, acc);
        }
        FloatVector.fromArray(F512, acc, 64).intoArray(out, outOffset + 32 * g);
        FloatVector.fromArray(F512, acc, 80).intoArray(out, outOffset + 32 * g + 16);
    }

    /** Columns 128h + l0 + [0, 8) and +32, +64, +96 of a Q6_K super-block, added to acc[0..32). */
    private static void q6_KPart(MemorySegment p, long o, int h, int l0, Activations x, int k, int kb, float[] acc) {
        short[] xq = x.quants();
        float[] xd = x.scales();
        ShortVector s0 = ShortVector.zero(S512);
        ShortVector s1 = s0;
        ShortVector s2 = s0;
        ShortVector s3 = s0;
        long ql = o + Q6_K_QL + 32L * (64 * h + l0);
        long qh = o + Q6_K_QH + 32L * (32 * h + l0);
        for (int l = 0; l < 8; l++) {
            ShortVector a = ((ShortVector) ByteVector.fromMemorySegment(B256, p, ql + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
            ShortVector b = ((ShortVector) ByteVector.fromMemorySegment(B256, p, ql + 32L * (l + 32), LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
            ShortVector hb = ((ShortVector) ByteVector.fromMemorySegment(B256, p, qh + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S512, 0));
            ShortVector q0 = a.and(LOW4).or(hb.lanewise(LSHL, 4).and(BITS45)).sub(BIAS32);
            ShortVector q1 = b.and(LOW4).or(hb.lanewise(LSHL, 2).and(BITS45)).sub(BIAS32);
            ShortVector q2 = a.lanewise(LSHR, 4).or(hb.and(BITS45)).sub(BIAS32);
            ShortVector q3 = b.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and(BITS45)).sub(BIAS32);
            s0 = s0.add(q0.mul(ShortVector.broadcast(S512, xq[k + l])));
            s1 = s1.add(q1.mul(ShortVector.broadcast(S512, xq[k + 32 + l])));
            s2 = s2.add(q2.mul(ShortVector.broadcast(S512, xq[k + 64 + l])));
            s3 = s3.add(q3.mul(ShortVector.broadcast(S512, xq[k + 96 + l])));
        }
        // column 128h + 32i + l is in group 8h + 2i + l / 16 and activation block kb + i
        long sc = o + Q6_K_SC + 32L * (8 * h + l0 / 16);
        ShortVector sc0 = ((ShortVector) ByteVector.fromMemorySegment(B256, p, sc, LE).convertShape(B2S, S512, 0));
        ShortVector sc1 = ((ShortVector) ByteVector.fromMemorySegment(B256, p, sc + 64, LE).convertShape(B2S, S512, 0));
        ShortVector sc2 = ((ShortVector) ByteVector.fromMemorySegment(B256, p, sc + 128, LE).convertShape(B2S, S512, 0));
        ShortVector sc3 = ((ShortVector) ByteVector.fromMemorySegment(B256, p, sc + 192, LE).convertShape(B2S, S512, 0));
        for (int part = 0; part < 2; part++) {
            FloatVector a = FloatVector.fromArray(F512, acc, 16 * part);
            a = ((FloatVector) s0.convertShape(S2F, F512, part)).mul((FloatVector) sc0.convertShape(S2F, F512, part)).fma(FloatVector.broadcast(F512, xd[kb]), a);
            a = ((FloatVector) s1.convertShape(S2F, F512, part)).mul((FloatVector) sc1.convertShape(S2F, F512, part)).fma(FloatVector.broadcast(F512, xd[kb + 1]), a);
            a = ((FloatVector) s2.convertShape(S2F, F512, part)).mul((FloatVector) sc2.convertShape(S2F, F512, part)).fma(FloatVector.broadcast(F512, xd[kb + 2]), a);
            a = ((FloatVector) s3.convertShape(S2F, F512, part)).mul((FloatVector) sc3.convertShape(S2F, F512, part)).fma(FloatVector.broadcast(F512, xd[kb + 3]), a);
            a.intoArray(acc, 16 * part);
        }
    }

}
