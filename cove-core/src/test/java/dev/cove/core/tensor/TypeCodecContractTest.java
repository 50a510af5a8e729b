package dev.cove.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties every codec must have, checked for every type on random data of awkward sizes. */
class TypeCodecContractTest {

    /** Row shapes: (rows, blocks per row), including single blocks and odd row counts. */
    private static final int[][] SHAPES = {{1, 1}, {3, 2}, {7, 5}, {5, 3}};

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void registryReturnsTheCodecOfEachType(GgmlType type) {
        assertThat(TypeCodecs.of(type).type()).isEqualTo(type);
        assertThat(TypeCodecs.of(type)).isSameAs(TypeCodecs.of(type));
    }

    /**
     * Dot equals dequantize-then-multiply exactly, because the documented reference is exactly
     * that: each float weight times x, summed in double in element order. Rows are read at an odd,
     * unaligned offset of the segment, and x is read from an offset.
     */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void dotEqualsDequantizeThenMultiply(GgmlType type) {
        TypeCodec codec = TypeCodecs.of(type);
        Random random = new Random(42 + type.ordinal());
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1] * blockElements(type);
            long rowBytes = type.byteSize(cols);
            int prefix = 3; // unaligned start
            float[] weights = gaussian(random, rows * cols, 0.05f);
            MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(prefix + rows * rowBytes)]);
            codec.quantize(weights, 0, seg, prefix, rows * cols);

            int xOffset = 5;
            float[] x = gaussian(random, xOffset + cols, 1f);
            float[] w = new float[cols];
            for (int r = 0; r < rows; r++) {
                long at = prefix + r * rowBytes;
                codec.dequantize(seg, at, w, 0, cols);
                double expected = 0;
                for (int i = 0; i < cols; i++) {
                    expected += (double) w[i] * x[xOffset + i];
                }
                assertThat(codec.dot(seg, at, x, xOffset, cols))
                        .as("%s row %d of %dx%d", type, r, rows, cols)
                        .isEqualTo((float) expected);
            }
        }
    }

    /** Quantizing then dequantizing stays within the error the format allows (RMSE relative to the data's RMS). */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void roundTripErrorIsWithinTheTypesBound(GgmlType type) {
        TypeCodec codec = TypeCodecs.of(type);
        Random random = new Random(7 + type.ordinal());
        int n = 37 * blockElements(type);
        float[] data = gaussian(random, n, 0.02f);
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(type.byteSize(n))]);
        codec.quantize(data, 0, seg, 0, n);
        float[] back = new float[n];
        codec.dequantize(seg, 0, back, 0, n);

        double err = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            err += ((double) data[i] - back[i]) * ((double) data[i] - back[i]);
            norm += (double) data[i] * data[i];
        }
        double relativeRmse = Math.sqrt(err / norm);
        System.out.printf("%s round-trip relative RMSE %.5f%n", type, relativeRmse);
        assertThat(relativeRmse).as("%s relative RMSE", type).isLessThanOrEqualTo(relativeRmseBound(type));
    }

    /**
     * Bounds for this seeded Gaussian data, about 10% above what the quantizers (byte-identical to
     * llama.cpp's) reach on it: F16 2.0e-4, BF16 1.6e-3, Q8_0 5.3e-3, Q6_K 1.8e-2, Q5_K 3.6e-2,
     * Q5_1 3.9e-2, Q5_0 4.4e-2, Q4_K 7.1e-2, Q4_1 7.4e-2, Q4_0 8.4e-2, Q3_K 0.150, Q2_K 0.295.
     * For the plain formats these are the textbook step/sqrt(12) (e.g. Q8_0: step = amax/127,
     * amax of 32 Gaussian samples about 2.1 sigma, giving 4.8e-3).
     */
    private static double relativeRmseBound(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 3.5e-4;  // 11-bit significand, round to nearest: at most 2^-11 / sqrt(3)
            case BF16 -> 2.8e-3; // 8-bit significand: at most 2^-8 / sqrt(3)
            case Q8_0 -> 0.006;
            case Q6_K -> 0.02;
            case Q5_K -> 0.04;
            case Q5_1 -> 0.043;
            case Q5_0 -> 0.048;
            case Q4_K -> 0.079;
            case Q4_1 -> 0.082;
            case Q4_0 -> 0.092;
            case Q3_K -> 0.165;
            case Q2_K -> 0.325;
        };
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void zerosStayZeros(GgmlType type) {
        TypeCodec codec = TypeCodecs.of(type);
        int n = 2 * blockElements(type);
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(type.byteSize(n))]);
        codec.quantize(new float[n], 0, seg, 0, n);
        float[] back = new float[n];
        Arrays.fill(back, Float.NaN);
        codec.dequantize(seg, 0, back, 0, n);
        for (float v : back) {
            assertThat(Math.abs(v)).as(type.name()).isEqualTo(0f);
        }
    }

    /** Reading and writing touch exactly the elements and bytes asked for. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void touchesOnlyTheRequestedRange(GgmlType type) {
        TypeCodec codec = TypeCodecs.of(type);
        int n = 2 * blockElements(type);
        int bytes = Math.toIntExact(type.byteSize(n));
        byte[] raw = new byte[bytes + 20];
        Arrays.fill(raw, (byte) 0x5A);
        MemorySegment seg = MemorySegment.ofArray(raw);
        float[] src = gaussian(new Random(1), n + 10, 1f);
        codec.quantize(src, 4, seg, 9, n);
        for (int i = 0; i < raw.length; i++) {
            if (i < 9 || i >= 9 + bytes) {
                assertThat(raw[i]).as("%s byte %d outside the written range", type, i).isEqualTo((byte) 0x5A);
            }
        }
        float[] dst = new float[n + 8];
        Arrays.fill(dst, 123f);
        codec.dequantize(seg, 9, dst, 3, n);
        for (int i = 0; i < dst.length; i++) {
            if (i < 3 || i >= 3 + n) {
                assertThat(dst[i]).as("%s element %d outside the written range", type, i).isEqualTo(123f);
            } else {
                assertThat(dst[i]).isNotEqualTo(123f);
            }
        }
        // the same data quantized at offset 0 from src[4..] gives the same bytes
        byte[] again = new byte[bytes];
        codec.quantize(src, 4, MemorySegment.ofArray(again), 0, n);
        assertThat(Arrays.copyOfRange(raw, 9, 9 + bytes)).isEqualTo(again);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.MATCH_ALL, names = "Q.*")
    void partialBlocksAreRejected(GgmlType type) {
        TypeCodec codec = TypeCodecs.of(type);
        MemorySegment seg = MemorySegment.ofArray(new byte[4 * type.typeSize()]);
        int count = type.blockSize() + 1;
        float[] buf = new float[4 * type.blockSize()];
        assertThatThrownBy(() -> codec.dequantize(seg, 0, buf, 0, count))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(type.name());
        assertThatThrownBy(() -> codec.dot(seg, 0, buf, 0, count)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.quantize(buf, 0, seg, 0, count)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Reading past the end of the mapped data fails loudly instead of reading garbage. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void readingPastTheSegmentFails(GgmlType type) {
        TypeCodec codec = TypeCodecs.of(type);
        int n = blockElements(type);
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(type.byteSize(n))]).asReadOnly();
        float[] buf = new float[2 * n];
        assertThatThrownBy(() -> codec.dequantize(seg, 0, buf, 0, 2 * n)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> codec.dot(seg, 0, buf, 0, 2 * n)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** A block's worth of elements; F32/F16/BF16 use 32 so the shapes stay comparable. */
    private static int blockElements(GgmlType type) {
        return type.isQuantized() ? type.blockSize() : 32;
    }

    static float[] gaussian(Random random, int n, float sigma) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (random.nextGaussian() * sigma);
        }
        return a;
    }
}
