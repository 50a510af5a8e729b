package dev.cove.core.kernel;

import static dev.cove.core.kernel.RowPacking.Q4_K_DMIN;
import static dev.cove.core.kernel.RowPacking.Q4_K_GROUP_BYTES;
import static dev.cove.core.kernel.RowPacking.Q4_K_M;
import static dev.cove.core.kernel.RowPacking.Q4_K_QS;
import static dev.cove.core.kernel.RowPacking.Q4_K_SC;
import static jdk.incubator.vector.VectorOperators.B2F;
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
 * Products of {@linkplain RowPacking packed} Q4_K weights with quantized activations, one row per
 * 16-bit lane. A weight is {@code d * sc_j * q - dmin * m_j} in sub-block j of 32 columns, q in
 * 0..15. The 16-bit sum of sub-block j starts at {@code -8 * sum(x)} (the activations' block
 * offset) and accumulates {@code q * x}, so it ends at {@code s = sum (q - 8) x}, exact
 * (|s| <= 8 * 127 * 32 = 32512, wrap-around on the way does no harm). Then
 * <pre>
 *   sum w x = dx * (d sc_j (s + 8 sum(x)) - dmin m_j sum(x))
 *           = s * (d sc_j * dx)  +  (8 d sc_j - dmin m_j) * (dx sum(x))
 * </pre>
 * two FMAs per sub-block and token into float accumulators that stay in registers, as the Q4_0
 * tiles do. {@code dx sum(x)} comes ready from {@link Activations#scaledSums()} (computing it per
 * tile and token cost the eight-token tile 3%). The per-row factors {@code d sc_j} and
 * {@code 8 d sc_j - dmin m_j} are computed once per row group for all the eight-token tiles of a
 * product ({@link #groupFactors}), once per sub-block in the other kernels. Every path
 * (matrix-vector, tiles of 8 and of 2 to 4 tokens) does these float operations in the same
 * order, so a batch gives what one token at a time gives, bit for bit.
 *
 * <p>The float part is dearer than its share of instructions: without the second FMA the
 * eight-token tile ran at 65 instead of 58 G weights/s (Zen 4, one thread), the Q4_0 tile (one
 * FMA per block and token) at 67.
 *
 * <p>Chunk c of a super-block holds columns 64c + l (low nibbles: sub-block 2c) and 64c + 32 + l
 * (high nibbles: sub-block 2c + 1) in byte l. The matrix-vector kernels and the four-token tile
 * split each loaded byte into both; the eight-token tile runs one loop per nibble, so that its
 * eight 16-bit sums and sixteen float accumulators fit the registers (in one loop, as in the
 * Q4_0 tiles, C2 moved broadcasts through general registers).
 *
 * <p>The byte-sized scales and mins are widened straight to floats ({@code B2F} from a quarter-width
 * vector: one {@code vpmovsxbd} and one convert) where registers allow. Converting the upper half
 * of a vector of shorts ({@code convertShape(S2F, F, 1)}) puts a cross-lane shuffle before the
 * widening: five instructions with AVX2 (vperm2i128, two vpshufb, two vpblendvb), two with
 * AVX-512 (vpermw, vpblendmw). With those, an earlier AVX2 matrix-vector kernel spent 18% of its
 * time computing the factors.
 *
 * <p>Every vector expression is written out in place, as in {@link PackedQ4_0Kernels}: helper
 * methods returning vectors were not always inlined, and a vector crossing a call that is not
 * inlined is boxed.
 */
final class PackedQ4_KKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final float HALF_BIAS = 0x1p112f;
    private static final VectorSpecies<Short> S = PackedWidth.SHORTS;
    /** Rows per vector: 32 with AVX-512, 16 with AVX2 (two passes per group of 32 rows). */
    private static final int LANES = S.length();
    private static final VectorSpecies<Byte> B = PackedWidth.BYTES;
    private static final VectorSpecies<Float> F = PackedWidth.FLOATS;
    private static final VectorSpecies<Integer> I = PackedWidth.INTS;
    private static final VectorSpecies<Short> H = PackedWidth.SCALES;
    private static final VectorSpecies<Byte> FB = PackedWidth.FLOAT_BYTES;
    private static final int HALF = F.length();
    private static final ShortVector LOW4 = ShortVector.broadcast(S, (short) 0xF);

    private PackedQ4_KKernels() {
    }

    // Scratch: float accumulators at [0, 128) (the AVX2 matrix-vector kernel's 32 rows, the
    // four-token tile's 4 x 32), then one super-block's factors for its eight sub-blocks j and
    // 32 rows (AVX2 matrix-vector kernel).
    /** {@code d sc_j} of row r at {@code SCALES + 32 j + r}. */
    private static final int SCALES = 4 * RowPacking.ROWS;
    /** {@code 8 d sc_j - dmin m_j} of row r at {@code OFFSETS + 32 j + r}. */
    private static final int OFFSETS = SCALES + 8 * RowPacking.ROWS;
    // matVec needs OFFSETS + 8 * 32 floats of scratch, matMul GROUP_FACTORS + 2 cols: both
    // within PanamaKernels.scratchSize (at least 4 cols, Q4_K's cols a multiple of 256).
    /**
     * Where {@link #matMul} puts its row group's factors for the tiles: sub-block j's {@code d sc_j}
     * of the 32 rows at {@code GROUP_FACTORS + 64 j}, its {@code 8 d sc_j - dmin m_j} after them.
     */
    private static final int GROUP_FACTORS = 4 * RowPacking.ROWS;

    /**
     * The factors of every sub-block of row group g, into {@code acc[GROUP_FACTORS ..)}: computed
     * once for all the eight-token tiles of a product instead of once per tile (a prompt of 512
     * tokens runs 64 of them over each group). With the scaled sums: 56.5-57 -> 60-61.5 G
     * weights/s, one thread, 128 tokens, alternated 3x (alone it measured within noise).
     */
    private static void groupFactors(WeightMatrix w, int g, float[] acc) {
        MemorySegment p = w.packed();
        int nsb = w.cols() / 256;
        long gBase = (long) g * nsb * Q4_K_GROUP_BYTES;
        for (int sb = 0; sb < nsb; sb++) {
            long o = gBase + (long) sb * Q4_K_GROUP_BYTES;
            for (int row = 0; row < RowPacking.ROWS; row += HALF) {
                FloatVector d = ((IntVector) ShortVector.fromMemorySegment(H, p, o + 2L * row, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
                FloatVector dmin = ((IntVector) ShortVector.fromMemorySegment(H, p, o + Q4_K_DMIN + 2L * row, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
                for (int j = 0; j < 8; j++) {
                    int a = GROUP_FACTORS + 64 * (8 * sb + j) + row;
                    FloatVector dsc = d.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, o + Q4_K_SC + 32L * j + row, LE).convertShape(B2F, F, 0));
                    dsc.intoArray(acc, a);
                    dsc.mul(8f).sub(dmin.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, o + Q4_K_M + 32L * j + row, LE).convertShape(B2F, F, 0))).intoArray(acc, a + 32);
                }
            }
        }
    }

    /**
     * The factors of super-block o's eight sub-blocks and 32 rows, into {@code acc[SCALES ..)} and
     * {@code acc[OFFSETS ..)}, for the AVX2 matrix-vector kernel, whose sixteen registers hold no
     * more than its sums. At the start of each super-block: its scales and mins lie between d
     * and the quants, so reading them first keeps the reads in address order. Where the weights
     * stream from memory that matters: reading each chunk's scales after its quants instead, the
     * 1.1B Q4_K_M file generated 19 tok/s on two AVX2 threads against 24-25 in this order, while
     * in cache the two ran alike (19-21 G weights/s).
     */
    private static void factors(MemorySegment p, long o, float[] acc) {
        for (int row = 0; row < RowPacking.ROWS; row += HALF) {
            FloatVector d = ((IntVector) ShortVector.fromMemorySegment(H, p, o + 2L * row, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            FloatVector dmin = ((IntVector) ShortVector.fromMemorySegment(H, p, o + Q4_K_DMIN + 2L * row, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            for (int j = 0; j < 8; j++) {
                int a = 32 * j + row;
                FloatVector dsc = d.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, o + Q4_K_SC + a, LE).convertShape(B2F, F, 0));
                dsc.intoArray(acc, SCALES + a);
                dsc.mul(8f).sub(dmin.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, o + Q4_K_M + a, LE).convertShape(B2F, F, 0))).intoArray(acc, OFFSETS + a);
            }
        }
    }

    /**
     * Row group g times all tokens of x: tiles of eight tokens (AVX-512; with AVX2's sixteen
     * registers they would spill), then of four, a last three as a tile of four with the last
     * token repeated, a last one or two tokens by the matrix-vector kernel.
     */
    static void matMul(WeightMatrix w, Activations x, float[] out, int outStride, int g, float[] scratch) {
        int tokens = x.tokens();
        int t = 0;
        if (LANES == 32 && tokens >= 8) {
            groupFactors(w, g, scratch);
        }
        if (LANES == 32) {
            for (; t + 8 <= tokens; t += 8) {
                tile8(w, x, t, out, outStride, g, scratch);
            }
        }
        // A last two tokens run the matrix-vector kernel: a tile of four with repeated tokens cost
        // as much as four (one thread, in cache, G weight-tokens/s: 2 tokens 29.0, matVec 38.7;
        // 3 tokens as a tile 43.7). Same bits either way.
        for (; t + 3 <= tokens; t += 4) {
            tile4(w, x, t, Math.min(4, tokens - t), out, outStride, g, scratch);
        }
        for (; t < tokens; t++) {
            matVec(w, x, t, out, t * outStride, g, scratch);
        }
    }

    /**
     * Row group g times token t: {@link #matVec32} with AVX-512. With AVX2 the float accumulators
     * of the group's 32 rows live in {@code acc[0..32)} between sub-blocks, and each loaded byte
     * serves both halves of the group, so that each broadcast activation serves 32 rows.
     */
    static void matVec(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g, float[] acc) {
        if (LANES == 32) {
            matVec32(w, x, t, out, outOffset, g);
            return;
        }
        MemorySegment p = w.packed();
        int cols = w.cols();
        int nsb = cols / 256;
        short[] xq = x.quants();
        float[] xd = x.scales();
        short[] xoff = x.offsets();
        float[] xs = x.scaledSums();
        int qBase = t * cols;
        int sBase = t * (cols / 32);
        long gBase = (long) g * nsb * Q4_K_GROUP_BYTES;
        java.util.Arrays.fill(acc, 0, RowPacking.ROWS, 0f);
        for (int sb = 0; sb < nsb; sb++) {
            long o = gBase + (long) sb * Q4_K_GROUP_BYTES;
            factors(p, o, acc);
            for (int c = 0; c < 4; c++) {
                int kb = sBase + 8 * sb + 2 * c;
                int k = qBase + 256 * sb + 64 * c;
                ShortVector lo0 = ShortVector.broadcast(S, (short) -xoff[kb]);
                ShortVector hi0 = ShortVector.broadcast(S, (short) -xoff[kb + 1]);
                ShortVector lo1 = lo0;
                ShortVector hi1 = hi0;
                long qo = o + Q4_K_QS + 32L * 32 * c;
                for (int l = 0; l < 32; l++) {
                    ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B, p, qo + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S, 0);
                    ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B, p, qo + 32L * l + 16, LE).convertShape(ZERO_EXTEND_B2S, S, 0);
                    ShortVector xl = ShortVector.broadcast(S, xq[k + l]);
                    ShortVector xh = ShortVector.broadcast(S, xq[k + 32 + l]);
                    lo0 = lo0.add(q0.and(LOW4).mul(xl));
                    hi0 = hi0.add(q0.lanewise(LSHR, 4).mul(xh));
                    lo1 = lo1.add(q1.and(LOW4).mul(xl));
                    hi1 = hi1.add(q1.lanewise(LSHR, 4).mul(xh));
                }
                float dxLo = xd[kb];
                float dxHi = xd[kb + 1];
                FloatVector dxsLo = FloatVector.broadcast(F, xs[kb]);
                FloatVector dxsHi = FloatVector.broadcast(F, xs[kb + 1]);
                for (int r = 0; r < RowPacking.ROWS; r += LANES) {
                    ShortVector lo = r == 0 ? lo0 : lo1;
                    ShortVector hi = r == 0 ? hi0 : hi1;
                    for (int part = 0; part < 2; part++) {
                        int row = r + HALF * part;
                        FloatVector f = FloatVector.fromArray(F, acc, row);
                        f = FloatVector.fromArray(F, acc, OFFSETS + 64 * c + row).fma(dxsLo, ((FloatVector) lo.convertShape(S2F, F, part)).fma(FloatVector.fromArray(F, acc, SCALES + 64 * c + row).mul(dxLo), f));
                        f = FloatVector.fromArray(F, acc, OFFSETS + 64 * c + 32 + row).fma(dxsHi, ((FloatVector) hi.convertShape(S2F, F, part)).fma(FloatVector.fromArray(F, acc, SCALES + 64 * c + 32 + row).mul(dxHi), f));
                        f.intoArray(acc, row);
                    }
                }
            }
        }
        System.arraycopy(acc, 0, out, outOffset + RowPacking.ROWS * g, RowPacking.ROWS);
    }

    /**
     * {@link #matVec} with AVX-512: one vector per 32 rows, everything in registers. The
     * super-block's scales and each chunk's scales and mins are read before its quants, in
     * address order (the weights stream from memory here).
     */
    private static void matVec32(WeightMatrix w, Activations x, int t, float[] out, int outOffset, int g) {
        MemorySegment p = w.packed();
        int cols = w.cols();
        int nsb = cols / 256;
        short[] xq = x.quants();
        float[] xd = x.scales();
        short[] xoff = x.offsets();
        float[] xs = x.scaledSums();
        int qBase = t * cols;
        int sBase = t * (cols / 32);
        long gBase = (long) g * nsb * Q4_K_GROUP_BYTES;
        FloatVector f0 = FloatVector.zero(F);
        FloatVector f1 = f0;
        for (int sb = 0; sb < nsb; sb++) {
            long o = gBase + (long) sb * Q4_K_GROUP_BYTES;
            FloatVector d0 = ((IntVector) ShortVector.fromMemorySegment(H, p, o, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            FloatVector d1 = ((IntVector) ShortVector.fromMemorySegment(H, p, o + 2L * HALF, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            FloatVector n0 = ((IntVector) ShortVector.fromMemorySegment(H, p, o + Q4_K_DMIN, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            FloatVector n1 = ((IntVector) ShortVector.fromMemorySegment(H, p, o + Q4_K_DMIN + 2L * HALF, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
            for (int c = 0; c < 4; c++) {
                int kb = sBase + 8 * sb + 2 * c;
                int k = qBase + 256 * sb + 64 * c;
                long sc = o + Q4_K_SC + 64L * c;
                long mn = o + Q4_K_M + 64L * c;
                FloatVector scLo0 = (FloatVector) ByteVector.fromMemorySegment(FB, p, sc, LE).convertShape(B2F, F, 0);
                FloatVector scLo1 = (FloatVector) ByteVector.fromMemorySegment(FB, p, sc + HALF, LE).convertShape(B2F, F, 0);
                FloatVector scHi0 = (FloatVector) ByteVector.fromMemorySegment(FB, p, sc + 32, LE).convertShape(B2F, F, 0);
                FloatVector scHi1 = (FloatVector) ByteVector.fromMemorySegment(FB, p, sc + 32 + HALF, LE).convertShape(B2F, F, 0);
                FloatVector mLo0 = (FloatVector) ByteVector.fromMemorySegment(FB, p, mn, LE).convertShape(B2F, F, 0);
                FloatVector mLo1 = (FloatVector) ByteVector.fromMemorySegment(FB, p, mn + HALF, LE).convertShape(B2F, F, 0);
                FloatVector mHi0 = (FloatVector) ByteVector.fromMemorySegment(FB, p, mn + 32, LE).convertShape(B2F, F, 0);
                FloatVector mHi1 = (FloatVector) ByteVector.fromMemorySegment(FB, p, mn + 32 + HALF, LE).convertShape(B2F, F, 0);
                ShortVector lo = ShortVector.broadcast(S, (short) -xoff[kb]);
                ShortVector hi = ShortVector.broadcast(S, (short) -xoff[kb + 1]);
                long qo = o + Q4_K_QS + 32L * 32 * c;
                for (int l = 0; l < 32; l++) {
                    ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, p, qo + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S, 0);
                    lo = lo.add(q.and(LOW4).mul(ShortVector.broadcast(S, xq[k + l])));
                    hi = hi.add(q.lanewise(LSHR, 4).mul(ShortVector.broadcast(S, xq[k + 32 + l])));
                }
                float dxLo = xd[kb];
                float dxHi = xd[kb + 1];
                FloatVector dxsLo = FloatVector.broadcast(F, xs[kb]);
                FloatVector dxsHi = FloatVector.broadcast(F, xs[kb + 1]);
                FloatVector dsc = d0.mul(scLo0);
                FloatVector off = dsc.mul(8f).sub(n0.mul(mLo0));
                f0 = off.fma(dxsLo, ((FloatVector) lo.convertShape(S2F, F, 0)).fma(dsc.mul(dxLo), f0));
                dsc = d0.mul(scHi0);
                off = dsc.mul(8f).sub(n0.mul(mHi0));
                f0 = off.fma(dxsHi, ((FloatVector) hi.convertShape(S2F, F, 0)).fma(dsc.mul(dxHi), f0));
                dsc = d1.mul(scLo1);
                off = dsc.mul(8f).sub(n1.mul(mLo1));
                f1 = off.fma(dxsLo, ((FloatVector) lo.convertShape(S2F, F, 1)).fma(dsc.mul(dxLo), f1));
                dsc = d1.mul(scHi1);
                off = dsc.mul(8f).sub(n1.mul(mHi1));
                f1 = off.fma(dxsHi, ((FloatVector) hi.convertShape(S2F, F, 1)).fma(dsc.mul(dxHi), f1));
            }
        }
        f0.intoArray(out, outOffset + RowPacking.ROWS * g);
        f1.intoArray(out, outOffset + RowPacking.ROWS * g + HALF);
    }

    /** Eight tokens from t0 (AVX-512: one pass over the group's 32 rows). */
    private static void tile8(WeightMatrix w, Activations x, int t0, float[] out, int outStride, int g, float[] factors) {
        MemorySegment p = w.packed();
        int cols = w.cols();
        int nb = cols / 32;
        short[] xc = x.quantsByColumn();
        int cap = x.capacity();
        float[] xd = x.scales();
        short[] xoff = x.offsets();
        float[] xs = x.scaledSums();
        long gBase = (long) g * (nb / 8) * Q4_K_GROUP_BYTES;
        for (int r = 0; r < RowPacking.ROWS; r += LANES) {
            FloatVector zero = FloatVector.zero(F);
            FloatVector f00 = zero;
            FloatVector f01 = zero;
            FloatVector f10 = zero;
            FloatVector f11 = zero;
            FloatVector f20 = zero;
            FloatVector f21 = zero;
            FloatVector f30 = zero;
            FloatVector f31 = zero;
            FloatVector f40 = zero;
            FloatVector f41 = zero;
            FloatVector f50 = zero;
            FloatVector f51 = zero;
            FloatVector f60 = zero;
            FloatVector f61 = zero;
            FloatVector f70 = zero;
            FloatVector f71 = zero;
            for (int j = 0; j < nb; j++) { // sub-blocks of 32 columns
                long o = gBase + (long) (j / 8) * Q4_K_GROUP_BYTES;
                int kb = t0 * nb + j;
                ShortVector s0 = ShortVector.broadcast(S, (short) -xoff[kb]);
                ShortVector s1 = ShortVector.broadcast(S, (short) -xoff[kb + nb]);
                ShortVector s2 = ShortVector.broadcast(S, (short) -xoff[kb + 2 * nb]);
                ShortVector s3 = ShortVector.broadcast(S, (short) -xoff[kb + 3 * nb]);
                ShortVector s4 = ShortVector.broadcast(S, (short) -xoff[kb + 4 * nb]);
                ShortVector s5 = ShortVector.broadcast(S, (short) -xoff[kb + 5 * nb]);
                ShortVector s6 = ShortVector.broadcast(S, (short) -xoff[kb + 6 * nb]);
                ShortVector s7 = ShortVector.broadcast(S, (short) -xoff[kb + 7 * nb]);
                long qo = o + Q4_K_QS + 32L * 32 * ((j % 8) / 2) + r;
                int xj = 32 * j * cap + t0;
                if (j % 2 == 0) {
                    for (int l = 0; l < 32; l++) {
                        ShortVector q = ((ShortVector) ByteVector.fromMemorySegment(B, p, qo + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S, 0)).and(LOW4);
                        int xi = xj + l * cap;
                        s0 = s0.add(q.mul(ShortVector.broadcast(S, xc[xi])));
                        s1 = s1.add(q.mul(ShortVector.broadcast(S, xc[xi + 1])));
                        s2 = s2.add(q.mul(ShortVector.broadcast(S, xc[xi + 2])));
                        s3 = s3.add(q.mul(ShortVector.broadcast(S, xc[xi + 3])));
                        s4 = s4.add(q.mul(ShortVector.broadcast(S, xc[xi + 4])));
                        s5 = s5.add(q.mul(ShortVector.broadcast(S, xc[xi + 5])));
                        s6 = s6.add(q.mul(ShortVector.broadcast(S, xc[xi + 6])));
                        s7 = s7.add(q.mul(ShortVector.broadcast(S, xc[xi + 7])));
                    }
                } else {
                    for (int l = 0; l < 32; l++) {
                        ShortVector q = ((ShortVector) ByteVector.fromMemorySegment(B, p, qo + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S, 0)).lanewise(LSHR, 4);
                        int xi = xj + l * cap;
                        s0 = s0.add(q.mul(ShortVector.broadcast(S, xc[xi])));
                        s1 = s1.add(q.mul(ShortVector.broadcast(S, xc[xi + 1])));
                        s2 = s2.add(q.mul(ShortVector.broadcast(S, xc[xi + 2])));
                        s3 = s3.add(q.mul(ShortVector.broadcast(S, xc[xi + 3])));
                        s4 = s4.add(q.mul(ShortVector.broadcast(S, xc[xi + 4])));
                        s5 = s5.add(q.mul(ShortVector.broadcast(S, xc[xi + 5])));
                        s6 = s6.add(q.mul(ShortVector.broadcast(S, xc[xi + 6])));
                        s7 = s7.add(q.mul(ShortVector.broadcast(S, xc[xi + 7])));
                    }
                }
                int a = GROUP_FACTORS + 64 * j + r;
                FloatVector dsc0 = FloatVector.fromArray(F, factors, a);
                FloatVector dsc1 = FloatVector.fromArray(F, factors, a + HALF);
                FloatVector c0 = FloatVector.fromArray(F, factors, a + 32);
                FloatVector c1 = FloatVector.fromArray(F, factors, a + 32 + HALF);
                float dx = xd[kb];
                FloatVector dxs = FloatVector.broadcast(F, xs[kb]);
                f00 = c0.fma(dxs, ((FloatVector) s0.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f00));
                f01 = c1.fma(dxs, ((FloatVector) s0.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f01));
                dx = xd[kb + nb];
                dxs = FloatVector.broadcast(F, xs[kb + nb]);
                f10 = c0.fma(dxs, ((FloatVector) s1.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f10));
                f11 = c1.fma(dxs, ((FloatVector) s1.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f11));
                dx = xd[kb + 2 * nb];
                dxs = FloatVector.broadcast(F, xs[kb + 2 * nb]);
                f20 = c0.fma(dxs, ((FloatVector) s2.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f20));
                f21 = c1.fma(dxs, ((FloatVector) s2.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f21));
                dx = xd[kb + 3 * nb];
                dxs = FloatVector.broadcast(F, xs[kb + 3 * nb]);
                f30 = c0.fma(dxs, ((FloatVector) s3.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f30));
                f31 = c1.fma(dxs, ((FloatVector) s3.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f31));
                dx = xd[kb + 4 * nb];
                dxs = FloatVector.broadcast(F, xs[kb + 4 * nb]);
                f40 = c0.fma(dxs, ((FloatVector) s4.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f40));
                f41 = c1.fma(dxs, ((FloatVector) s4.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f41));
                dx = xd[kb + 5 * nb];
                dxs = FloatVector.broadcast(F, xs[kb + 5 * nb]);
                f50 = c0.fma(dxs, ((FloatVector) s5.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f50));
                f51 = c1.fma(dxs, ((FloatVector) s5.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f51));
                dx = xd[kb + 6 * nb];
                dxs = FloatVector.broadcast(F, xs[kb + 6 * nb]);
                f60 = c0.fma(dxs, ((FloatVector) s6.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f60));
                f61 = c1.fma(dxs, ((FloatVector) s6.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f61));
                dx = xd[kb + 7 * nb];
                dxs = FloatVector.broadcast(F, xs[kb + 7 * nb]);
                f70 = c0.fma(dxs, ((FloatVector) s7.convertShape(S2F, F, 0)).fma(dsc0.mul(dx), f70));
                f71 = c1.fma(dxs, ((FloatVector) s7.convertShape(S2F, F, 1)).fma(dsc1.mul(dx), f71));
            }
            int o0 = t0 * outStride + RowPacking.ROWS * g + r;
            f00.intoArray(out, o0);
            f01.intoArray(out, o0 + HALF);
            f10.intoArray(out, o0 + outStride);
            f11.intoArray(out, o0 + outStride + HALF);
            f20.intoArray(out, o0 + 2 * outStride);
            f21.intoArray(out, o0 + 2 * outStride + HALF);
            f30.intoArray(out, o0 + 3 * outStride);
            f31.intoArray(out, o0 + 3 * outStride + HALF);
            f40.intoArray(out, o0 + 4 * outStride);
            f41.intoArray(out, o0 + 4 * outStride + HALF);
            f50.intoArray(out, o0 + 5 * outStride);
            f51.intoArray(out, o0 + 5 * outStride + HALF);
            f60.intoArray(out, o0 + 6 * outStride);
            f61.intoArray(out, o0 + 6 * outStride + HALF);
            f70.intoArray(out, o0 + 7 * outStride);
            f71.intoArray(out, o0 + 7 * outStride + HALF);
        }
    }

    /**
     * {@code n} (2 to 4) tokens from t0, as {@link #tile8} but with one loop for both nibbles
     * (eight 16-bit sums) and token i's float accumulators in {@code acc[32 i .. 32 i + 32)}
     * between sub-blocks; fewer than four tokens repeat the last one, unstored.
     */
    private static void tile4(WeightMatrix w, Activations x, int t0, int n, float[] out, int outStride, int g,
                              float[] acc) {
        MemorySegment p = w.packed();
        int cols = w.cols();
        int nb = cols / 32;
        short[] xc = x.quantsByColumn();
        int cap = x.capacity();
        float[] xd = x.scales();
        short[] xoff = x.offsets();
        float[] xs = x.scaledSums();
        int u1 = Math.min(1, n - 1);
        int u2 = Math.min(2, n - 1);
        int u3 = Math.min(3, n - 1);
        long gBase = (long) g * (nb / 8) * Q4_K_GROUP_BYTES;
        java.util.Arrays.fill(acc, 0, 4 * RowPacking.ROWS, 0f);
        for (int r = 0; r < RowPacking.ROWS; r += LANES) {
            for (int jj = 0; jj < nb; jj += 2) { // chunks: sub-blocks jj (low nibbles) and jj + 1 (high)
                long o = gBase + (long) (jj / 8) * Q4_K_GROUP_BYTES;
                int kb = t0 * nb + jj;
                ShortVector lo0 = ShortVector.broadcast(S, (short) -xoff[kb]);
                ShortVector hi0 = ShortVector.broadcast(S, (short) -xoff[kb + 1]);
                ShortVector lo1 = ShortVector.broadcast(S, (short) -xoff[kb + u1 * nb]);
                ShortVector hi1 = ShortVector.broadcast(S, (short) -xoff[kb + u1 * nb + 1]);
                ShortVector lo2 = ShortVector.broadcast(S, (short) -xoff[kb + u2 * nb]);
                ShortVector hi2 = ShortVector.broadcast(S, (short) -xoff[kb + u2 * nb + 1]);
                ShortVector lo3 = ShortVector.broadcast(S, (short) -xoff[kb + u3 * nb]);
                ShortVector hi3 = ShortVector.broadcast(S, (short) -xoff[kb + u3 * nb + 1]);
                long qo = o + Q4_K_QS + 32L * 32 * ((jj % 8) / 2) + r;
                int xj = 32 * jj * cap + t0;
                for (int l = 0; l < 32; l++) {
                    ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B, p, qo + 32L * l, LE).convertShape(ZERO_EXTEND_B2S, S, 0);
                    ShortVector ql = q.and(LOW4);
                    ShortVector qh = q.lanewise(LSHR, 4);
                    int xl = xj + l * cap;
                    int xh = xl + 32 * cap;
                    lo0 = lo0.add(ql.mul(ShortVector.broadcast(S, xc[xl])));
                    hi0 = hi0.add(qh.mul(ShortVector.broadcast(S, xc[xh])));
                    lo1 = lo1.add(ql.mul(ShortVector.broadcast(S, xc[xl + u1])));
                    hi1 = hi1.add(qh.mul(ShortVector.broadcast(S, xc[xh + u1])));
                    lo2 = lo2.add(ql.mul(ShortVector.broadcast(S, xc[xl + u2])));
                    hi2 = hi2.add(qh.mul(ShortVector.broadcast(S, xc[xh + u2])));
                    lo3 = lo3.add(ql.mul(ShortVector.broadcast(S, xc[xl + u3])));
                    hi3 = hi3.add(qh.mul(ShortVector.broadcast(S, xc[xh + u3])));
                }
                // the factors, in registers (a call here would spill the sums)
                long sc = o + Q4_K_SC + 32L * (jj % 8);
                long mn = o + Q4_K_M + 32L * (jj % 8);
                for (int part = 0; part < 2; part++) {
                    int row = r + HALF * part;
                    FloatVector d = ((IntVector) ShortVector.fromMemorySegment(H, p, o + 2L * row, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
                    FloatVector dmin = ((IntVector) ShortVector.fromMemorySegment(H, p, o + Q4_K_DMIN + 2L * row, LE).convertShape(S2I, I, 0)).lanewise(LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(HALF_BIAS);
                    FloatVector dscLo = d.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, sc + row, LE).convertShape(B2F, F, 0));
                    FloatVector cLo = dscLo.mul(8f).sub(dmin.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, mn + row, LE).convertShape(B2F, F, 0)));
                    FloatVector dscHi = d.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, sc + 32 + row, LE).convertShape(B2F, F, 0));
                    FloatVector cHi = dscHi.mul(8f).sub(dmin.mul((FloatVector) ByteVector.fromMemorySegment(FB, p, mn + 32 + row, LE).convertShape(B2F, F, 0)));
                    float dxLo;
                    float dxHi;
                    FloatVector f;
                    dxLo = xd[kb];
                    dxHi = xd[kb + 1];
                    f = FloatVector.fromArray(F, acc, row);
                    f = ((FloatVector) lo0.convertShape(S2F, F, part)).fma(dscLo.mul(dxLo), f);
                    f = cLo.fma(FloatVector.broadcast(F, xs[kb]), f);
                    f = ((FloatVector) hi0.convertShape(S2F, F, part)).fma(dscHi.mul(dxHi), f);
                    f = cHi.fma(FloatVector.broadcast(F, xs[kb + 1]), f);
                    f.intoArray(acc, row);
                    dxLo = xd[kb + u1 * nb];
                    dxHi = xd[kb + u1 * nb + 1];
                    f = FloatVector.fromArray(F, acc, 1 * RowPacking.ROWS + row);
                    f = ((FloatVector) lo1.convertShape(S2F, F, part)).fma(dscLo.mul(dxLo), f);
                    f = cLo.fma(FloatVector.broadcast(F, xs[kb + u1 * nb]), f);
                    f = ((FloatVector) hi1.convertShape(S2F, F, part)).fma(dscHi.mul(dxHi), f);
                    f = cHi.fma(FloatVector.broadcast(F, xs[kb + u1 * nb + 1]), f);
                    f.intoArray(acc, 1 * RowPacking.ROWS + row);
                    dxLo = xd[kb + u2 * nb];
                    dxHi = xd[kb + u2 * nb + 1];
                    f = FloatVector.fromArray(F, acc, 2 * RowPacking.ROWS + row);
                    f = ((FloatVector) lo2.convertShape(S2F, F, part)).fma(dscLo.mul(dxLo), f);
                    f = cLo.fma(FloatVector.broadcast(F, xs[kb + u2 * nb]), f);
                    f = ((FloatVector) hi2.convertShape(S2F, F, part)).fma(dscHi.mul(dxHi), f);
                    f = cHi.fma(FloatVector.broadcast(F, xs[kb + u2 * nb + 1]), f);
                    f.intoArray(acc, 2 * RowPacking.ROWS + row);
                    dxLo = xd[kb + u3 * nb];
                    dxHi = xd[kb + u3 * nb + 1];
                    f = FloatVector.fromArray(F, acc, 3 * RowPacking.ROWS + row);
                    f = ((FloatVector) lo3.convertShape(S2F, F, part)).fma(dscLo.mul(dxLo), f);
                    f = cLo.fma(FloatVector.broadcast(F, xs[kb + u3 * nb]), f);
                    f = ((FloatVector) hi3.convertShape(S2F, F, part)).fma(dscHi.mul(dxHi), f);
                    f = cHi.fma(FloatVector.broadcast(F, xs[kb + u3 * nb + 1]), f);
                    f.intoArray(acc, 3 * RowPacking.ROWS + row);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(acc, RowPacking.ROWS * i, out, (t0 + i) * outStride + RowPacking.ROWS * g, RowPacking.ROWS);
        }
    }
}
