package dev.cove.core.kernel;

import dev.cove.core.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_0 weights rearranged so that one vector lane holds one row: groups of {@value #ROWS} rows,
 * and within a group, for each block of 32 columns, {@value #GROUP_BLOCK_BYTES} bytes:
 * <pre>
 *   half d[32]          the 32 rows' block scales, row order
 *   uint8 qs[16][32]    qs[m][r] = byte m of row r's block (low nibble: column m, high: m + 16)
 * </pre>
 * The bytes are exactly the file's, only transposed, so the packed copy is the size of the
 * tensor. A kernel loads 32 bytes (column m and m + 16 of 32 rows), widens them to 16-bit lanes
 * and multiplies by one broadcast activation: no horizontal sums, and one scale multiplication
 * per block serves 32 rows. This is what makes integer Q4_0 products fast with the Java Vector
 * API, which has no byte dot-product instruction.
 */
public final class Q4_0Packing {
    /** Rows per group: one row per 16-bit lane of a 512-bit vector (two 256-bit vectors with AVX2). */
    public static final int ROWS = 32;
    /** Bytes of one block of one group: 32 scales and 32 x 16 bytes of quants. */
    public static final int GROUP_BLOCK_BYTES = ROWS * 2 + ROWS * 16;
    private static final int BLOCK_BYTES = 18;

    private Q4_0Packing() {
    }

    /** Whether {@code w} can be packed: Q4_0 with a whole number of row groups. */
    public static boolean supports(WeightMatrix w) {
        return w.type() == GgmlType.Q4_0 && w.rows() % ROWS == 0 && w.cols() % 32 == 0;
    }

    /** Byte offset of group g, block b in the packed layout of a matrix of {@code cols} columns. */
    static long groupBlockOffset(int cols, int group, int block) {
        return ((long) group * (cols / 32) + block) * GROUP_BLOCK_BYTES;
    }

    /** Allocates the packed copy of {@code w} in {@code arena}, to be filled by {@link #packGroups}. */
    static MemorySegment allocate(WeightMatrix w, Arena arena) {
        return FreshMemory.allocate(w.byteSize(), arena);
    }

    /** Packs row groups [from, to) of {@code w} into {@code packed}. Thread-safe for disjoint ranges. */
    public static void packGroups(WeightMatrix w, MemorySegment packed, int from, int to) {
        int blocks = w.cols() / 32;
        int rowBytes = (int) w.rowBytes();
        byte[] src = new byte[ROWS * rowBytes];
        byte[] dst = new byte[blocks * GROUP_BLOCK_BYTES];
        for (int g = from; g < to; g++) {
            MemorySegment.copy(w.data(), ValueLayout.JAVA_BYTE, w.rowOffset(g * ROWS), src, 0, src.length);
            for (int b = 0; b < blocks; b++) {
                int out = b * GROUP_BLOCK_BYTES;
                int in = b * BLOCK_BYTES;
                for (int r = 0; r < ROWS; r++) {
                    dst[out + 2 * r] = src[in + r * rowBytes];
                    dst[out + 2 * r + 1] = src[in + r * rowBytes + 1];
                }
                ByteTranspose.rows32(src, in + 2, rowBytes, 16, dst, out + 2 * ROWS, ROWS);
            }
            MemorySegment.copy(dst, 0, packed, ValueLayout.JAVA_BYTE, groupBlockOffset(w.cols(), g, 0), dst.length);
        }
    }
}
