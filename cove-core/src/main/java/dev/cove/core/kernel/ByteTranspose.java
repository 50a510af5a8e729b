package dev.cove.core.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The byte transposition behind the row-per-lane layouts: {@code n} bytes of each of 32 rows
 * become {@code n} runs of 32 bytes, one byte per row. Done 8 x 8 bytes at a time in eight
 * {@code long}s (three rounds of masked swaps), which is several times faster than moving the
 * bytes one by one, and the repacking at load touches every weight of the model.
 */
final class ByteTranspose {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteTranspose() {
    }

    /**
     * {@code dst[dstOffset + dstStride * i + r] = src[srcOffset + srcStride * r + i]} for rows r
     * in 0..31 and i in 0..n-1.
     */
    static void rows32(byte[] src, int srcOffset, int srcStride, int n, byte[] dst, int dstOffset, int dstStride) {
        int i0 = 0;
        for (; i0 + 8 <= n; i0 += 8) {
            for (int r0 = 0; r0 < 32; r0 += 8) {
                tile8(src, srcOffset + srcStride * r0 + i0, srcStride, dst, dstOffset + dstStride * i0 + r0, dstStride);
            }
        }
        for (; i0 < n; i0++) {
            for (int r = 0; r < 32; r++) {
                dst[dstOffset + dstStride * i0 + r] = src[srcOffset + srcStride * r + i0];
            }
        }
    }

    /** One 8 x 8 tile: 8 bytes of 8 rows (rows {@code srcStride} apart) to 8 runs of 8 bytes. */
    private static void tile8(byte[] src, int s, int srcStride, byte[] dst, int d, int dstStride) {
        long a0 = (long) LONGS.get(src, s);
        long a1 = (long) LONGS.get(src, s + srcStride);
        long a2 = (long) LONGS.get(src, s + 2 * srcStride);
        long a3 = (long) LONGS.get(src, s + 3 * srcStride);
        long a4 = (long) LONGS.get(src, s + 4 * srcStride);
        long a5 = (long) LONGS.get(src, s + 5 * srcStride);
        long a6 = (long) LONGS.get(src, s + 6 * srcStride);
        long a7 = (long) LONGS.get(src, s + 7 * srcStride);
        // Swap single bytes between rows 2k and 2k+1, then byte pairs between rows k and k+2,
        // then byte quadruples between rows k and k+4: row c then holds column c.
        long t;
        t = (a0 ^ (a1 << 8)) & 0xFF00FF00FF00FF00L; a0 ^= t; a1 ^= t >>> 8;
        t = (a2 ^ (a3 << 8)) & 0xFF00FF00FF00FF00L; a2 ^= t; a3 ^= t >>> 8;
        t = (a4 ^ (a5 << 8)) & 0xFF00FF00FF00FF00L; a4 ^= t; a5 ^= t >>> 8;
        t = (a6 ^ (a7 << 8)) & 0xFF00FF00FF00FF00L; a6 ^= t; a7 ^= t >>> 8;
        t = (a0 ^ (a2 << 16)) & 0xFFFF0000FFFF0000L; a0 ^= t; a2 ^= t >>> 16;
        t = (a1 ^ (a3 << 16)) & 0xFFFF0000FFFF0000L; a1 ^= t; a3 ^= t >>> 16;
        t = (a4 ^ (a6 << 16)) & 0xFFFF0000FFFF0000L; a4 ^= t; a6 ^= t >>> 16;
        t = (a5 ^ (a7 << 16)) & 0xFFFF0000FFFF0000L; a5 ^= t; a7 ^= t >>> 16;
        t = (a0 ^ (a4 << 32)) & 0xFFFFFFFF00000000L; a0 ^= t; a4 ^= t >>> 32;
        t = (a1 ^ (a5 << 32)) & 0xFFFFFFFF00000000L; a1 ^= t; a5 ^= t >>> 32;
        t = (a2 ^ (a6 << 32)) & 0xFFFFFFFF00000000L; a2 ^= t; a6 ^= t >>> 32;
        t = (a3 ^ (a7 << 32)) & 0xFFFFFFFF00000000L; a3 ^= t; a7 ^= t >>> 32;
        LONGS.set(dst, d, a0);
        LONGS.set(dst, d + dstStride, a1);
        LONGS.set(dst, d + 2 * dstStride, a2);
        LONGS.set(dst, d + 3 * dstStride, a3);
        LONGS.set(dst, d + 4 * dstStride, a4);
        LONGS.set(dst, d + 5 * dstStride, a5);
        LONGS.set(dst, d + 6 * dstStride, a6);
        LONGS.set(dst, d + 7 * dstStride, a7);
    }
}
