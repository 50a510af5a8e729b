package dev.cove.core.kernel;

import dev.cove.core.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Row-per-lane layouts for Q8_0, Q4_K, Q6_K, F16 and BF16, the same idea as {@link Q4_0Packing}: groups of
 * {@value #ROWS} rows, and within a group, for each block (32 columns for Q8_0, a 256-column
 * super-block for the K-quants), every byte of the block stored 32 times in a row, once per row
 * ({@code [byte][row]}), so a 32-byte load gives the same byte of 32 rows and one 512-bit
 * vector of 16-bit lanes multiplies 32 rows by one broadcast activation: no horizontal sums.
 * <pre>
 * Q8_0 (1088 bytes = 32 x 34): half d[32] | int8 qs[32][32]
 * Q4_K (4736 bytes):           half d[32] | half dmin[32] | uint8 sc[8][32] | uint8 m[8][32] | uint8 qs[128][32]
 * Q6_K (6720 bytes = 32 x 210): half d[32] | int8 sc[16][32] | {uint16 v[32], uint8 u[32]}[64]
 * F16, BF16 (64 bytes per column): uint16 w[32] (the file's bits)
 * </pre>
 * Q6_K's quants are stored in the order the kernel reads them, one 96-byte record of 32 rows
 * for each half h and j in 0..31 holding the quants of columns 128h + j, +32, +64, +96. In the
 * file's order the kernel read three places at once, 1 and 4 KiB apart, and the hardware
 * prefetchers, which follow one ascending stream well, left it waiting on memory at half its
 * in-cache speed. The records go in the order of {@link #q6_KRecord}. Within a record each
 * row's four 6-bit quants are laid out as two fields of a 16-bit lane, a 4-bit field across it
 * and a byte ({@link #q6_KQuants}), so that the kernel takes them apart with one or two shifts
 * and a mask each instead of the file's three to four operations per quant (on its own that
 * measured no faster; the loop's length was what held the kernel back, see PackedKernels).
 * Q8_0 keeps exactly the file's bytes, transposed. Q4_K unpacks its 12 bytes of 6-bit
 * scales and mins into one byte each (16 instead of 12 bytes per row and super-block, 2.8% more
 * in all), because taking the 6-bit fields apart in the kernel would cost more than the bytes.
 * F16 and BF16 keep the file's 16-bit floats, each column's 32 rows side by side, so that a
 * prompt's tiles can widen a run of columns to float once for every token ({@link PackedHalfKernels}).
 */
public final class RowPacking {
    /** Rows per group: one row per 16-bit lane of a 512-bit vector. */
    public static final int ROWS = 32;

    static final int Q8_0_GROUP_BYTES = ROWS * 34;
    static final int Q4_K_GROUP_BYTES = ROWS * 148;
    static final int Q6_K_GROUP_BYTES = ROWS * 210;
    static final int HALF_GROUP_BYTES = ROWS * 2; // F16 and BF16

    // Offsets inside a Q4_K group block.
    static final int Q4_K_DMIN = 64;
    static final int Q4_K_SC = 128;
    static final int Q4_K_M = Q4_K_SC + 8 * ROWS;
    static final int Q4_K_QS = Q4_K_M + 8 * ROWS;
    // Offsets inside a Q6_K group block.
    static final int Q6_K_SC = 64;
    static final int Q6_K_Q = Q6_K_SC + 16 * ROWS;

    private RowPacking() {
    }

    /** Whether {@code w} has a row-per-lane layout here: a supported type and whole row groups. */
    public static boolean supports(WeightMatrix w) {
        return switch (w.type()) {
            case Q8_0, Q4_K, Q6_K, F16, BF16 -> w.rows() % ROWS == 0;
            default -> false;
        };
    }

    /** Bytes of one block (F16, BF16: one column) of one group of 32 rows. */
    static int groupBlockBytes(GgmlType type) {
        return switch (type) {
            case Q8_0 -> Q8_0_GROUP_BYTES;
            case Q4_K -> Q4_K_GROUP_BYTES;
            case Q6_K -> Q6_K_GROUP_BYTES;
            case F16, BF16 -> HALF_GROUP_BYTES;
            default -> throw new IllegalArgumentException(type + " has no row-per-lane layout");
        };
    }

    /** Byte offset of group {@code group}, block 0. */
    static long groupOffset(WeightMatrix w, int group) {
        return (long) group * (w.cols() / w.type().blockSize()) * groupBlockBytes(w.type());
    }

    static MemorySegment allocate(WeightMatrix w, Arena arena) {
        long groups = w.rows() / ROWS;
        return FreshMemory.allocate(groups * (w.cols() / w.type().blockSize()) * groupBlockBytes(w.type()), arena);
    }

    /** Packs row groups [from, to) of {@code w} into {@code packed}. Thread-safe for disjoint ranges. */
    public static void packGroups(WeightMatrix w, MemorySegment packed, int from, int to) {
        GgmlType type = w.type();
        if (type == GgmlType.F16 || type == GgmlType.BF16) {
            packHalfGroups(w, packed, from, to);
            return;
        }
        int blocks = w.cols() / type.blockSize();
        int blockBytes = (int) type.byteSize(type.blockSize());
        int gbb = groupBlockBytes(type);
        int rowBytes = (int) w.rowBytes();
        byte[] src = new byte[ROWS * rowBytes];
        byte[] dst = new byte[blocks * gbb];
        for (int g = from; g < to; g++) {
            MemorySegment.copy(w.data(), ValueLayout.JAVA_BYTE, w.rowOffset(g * ROWS), src, 0, src.length);
            for (int b = 0; b < blocks; b++) {
                int out = b * gbb;
                int in = b * blockBytes; // row r's block starts at in + r * rowBytes
                for (int r = 0; r < ROWS; r++) {
                    int row = in + r * rowBytes;
                    switch (type) {
                        case Q8_0 -> half(src, row, dst, out, r);
                        case Q4_K -> {
                            half(src, row, dst, out, r);
                            half(src, row + 2, dst, out + Q4_K_DMIN, r);
                            for (int k = 0; k < 8; k++) {
                                dst[out + Q4_K_SC + ROWS * k + r] = (byte) scaleK4(src, row + 4, k);
                                dst[out + Q4_K_M + ROWS * k + r] = (byte) minK4(src, row + 4, k);
                            }
                        }
                        case Q6_K -> {
                            half(src, row + 208, dst, out, r);
                            q6_KQuants(src, row, dst, out + Q6_K_Q, r);
                        }
                        default -> throw new IllegalArgumentException(type + " has no row-per-lane layout");
                    }
                }
                switch (type) {
                    case Q8_0 -> ByteTranspose.rows32(src, in + 2, rowBytes, 32, dst, out + 64, ROWS);
                    case Q4_K -> ByteTranspose.rows32(src, in + 16, rowBytes, 128, dst, out + Q4_K_QS, ROWS);
                    case Q6_K -> ByteTranspose.rows32(src, in + 192, rowBytes, 16, dst, out + Q6_K_SC, ROWS);
                    default -> throw new IllegalArgumentException(type + " has no row-per-lane layout");
                }
            }
            MemorySegment.copy(dst, 0, packed, ValueLayout.JAVA_BYTE, groupOffset(w, g), dst.length);
        }
    }

    /** F16 or BF16 row groups [from, to): {@code packed[g][col][row] = w[32g + row][col]}. */
    private static void packHalfGroups(WeightMatrix w, MemorySegment packed, int from, int to) {
        int cols = w.cols();
        short[] src = new short[ROWS * cols];
        short[] dst = new short[ROWS * cols];
        for (int g = from; g < to; g++) {
            MemorySegment.copy(w.data(), ValueLayout.JAVA_SHORT_UNALIGNED, w.rowOffset(g * ROWS), src, 0, src.length);
            for (int c0 = 0; c0 < cols; c0 += 64) { // 64 columns of 32 rows (8 KiB) stay in L1
                int c1 = Math.min(cols, c0 + 64);
                for (int r = 0; r < ROWS; r++) {
                    for (int c = c0; c < c1; c++) {
                        dst[ROWS * c + r] = src[cols * r + c];
                    }
                }
            }
            MemorySegment.copy(dst, 0, packed, ValueLayout.JAVA_SHORT_UNALIGNED, groupOffset(w, g), dst.length);
        }
    }

    /**
     * Row r's 256 six-bit quants of the Q6_K block at {@code row}, rearranged for the kernel: for
     * half h and j in 0..31, the four quants of columns 128h + j, +32, +64, +96 (q0..q3, each
     * 0..63) as the 16-bit {@code q0 | q1 << 6 | (q2 & 15) << 12} at {@code 2r} and the byte
     * {@code q2 >> 4 | q3 << 2} at {@code 64 + r} of a 96-byte record.
     */
    private static void q6_KQuants(byte[] src, int row, byte[] dst, int out, int r) {
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 32; j++) {
                int a = src[row + 64 * h + j] & 0xFF;
                int b = src[row + 64 * h + 32 + j] & 0xFF;
                int hb = src[row + 128 + 32 * h + j] & 0xFF;
                int q0 = (a & 15) | (hb & 3) << 4;
                int q1 = (b & 15) | (hb >> 2 & 3) << 4;
                int q2 = a >> 4 | (hb >> 4 & 3) << 4;
                int q3 = b >> 4 | (hb >> 6) << 4;
                int v = q0 | q1 << 6 | (q2 & 15) << 12;
                int record = out + 96 * (32 * h + q6_KRecord(j));
                dst[record + 2 * r] = (byte) v;
                dst[record + 2 * r + 1] = (byte) (v >> 8);
                dst[record + 64 + r] = (byte) (q2 >> 4 | q3 << 2);
            }
        }
    }

    /**
     * Where the record of columns 128h + j (+32, +64, +96) lies among half h's 32, j = 8R + l (run
     * R of eight columns): in the order the matrix-vector kernel reads them, one ascending stream.
     * Its first loop takes runs 0 and 1 together (records 2l, 2l + 1), its second runs 2 and 3
     * (16 + 2l, 17 + 2l). In the order of one loop over all four runs (4l + R), the two loops each
     * read two records and skipped two. 1.1B Q4_K_M -t 2 (Zen 4), old/new alternated 5x: 46.1
     * -> 47.0 tok/s mean (+2%, within this host's noise per pair; one thread in cache: the same).
     */
    static int q6_KRecord(int j) {
        int run = j >> 3;
        return 16 * (run >> 1) + 2 * (j & 7) + (run & 1);
    }

    private static void half(byte[] src, int in, byte[] dst, int out, int r) {
        dst[out + 2 * r] = src[in];
        dst[out + 2 * r + 1] = src[in + 1];
    }

    /** 6-bit scale of group j from Q4_K's 12 scale bytes at s (GGML's get_scale_min_k4). */
    static int scaleK4(byte[] y, int s, int j) {
        return j < 4 ? y[s + j] & 63 : (y[s + j + 4] & 0xF) | (((y[s + j - 4] & 0xFF) >>> 6) << 4);
    }

    /** 6-bit min of group j from Q4_K's 12 scale bytes at s. */
    static int minK4(byte[] y, int s, int j) {
        return j < 4 ? y[s + j + 4] & 63 : ((y[s + j + 4] & 0xFF) >>> 4) | (((y[s + j] & 0xFF) >>> 6) << 4);
    }
}
