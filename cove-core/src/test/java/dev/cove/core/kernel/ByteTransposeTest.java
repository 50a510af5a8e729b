package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteTransposeTest {

    @Test
    void matchesTheByteByByteTransposition() {
        Random random = new Random(5);
        for (int n : new int[] {1, 2, 7, 8, 16, 19, 32, 128}) {
            for (int dstStride : new int[] {32, 96}) {
                int srcStride = n + 13;
                byte[] src = new byte[3 + 32 * srcStride];
                random.nextBytes(src);
                byte[] expected = new byte[5 + dstStride * n + 32];
                byte[] actual = expected.clone();
                for (int r = 0; r < 32; r++) {
                    for (int i = 0; i < n; i++) {
                        expected[5 + dstStride * i + r] = src[3 + srcStride * r + i];
                    }
                }
                ByteTranspose.rows32(src, 3, srcStride, n, actual, 5, dstStride);
                assertThat(actual).as("n %d, stride %d", n, dstStride).isEqualTo(expected);
            }
        }
    }
}
