package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The row-per-lane kernels give the same bits at 256 and at 512 bits: one lane is one row, so
 * each row's sum is the same sequence of operations whatever the width. This machine's width
 * runs here; the other one runs in a JVM of its own ({@code -Dcove.packedBits}), in the Vector
 * API's Java fallback where the hardware lacks it. So an AVX2 machine also checks the AVX-512
 * code, and the other way round.
 */
class PackedWidthTest {
    private static final GgmlType[] PACKED = {GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16};

    @Test
    void bothWidthsGiveTheSameBits() throws IOException, InterruptedException {
        Kernels kernels = Kernels.get();
        assumeTrue(kernels.vectorized() && PackedWidth.supported(), "no vectors of 16 shorts here");
        int here = PackedWidth.SHORTS.vectorBitSize();
        int other = here == 512 ? 256 : 512;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector", "-Dcove.packedBits=" + other,
                "-cp", System.getProperty("java.class.path"), Checksum.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String theirs = out.lines().filter(l -> l.startsWith("checksum ")).findFirst().orElse(out);
        assertThat(theirs).isEqualTo("checksum " + other + checksum(kernels));
    }

    /** A fingerprint of the packed products of every packed type, 1 to 21 tokens. */
    static String checksum(Kernels k) {
        StringBuilder sum = new StringBuilder();
        for (GgmlType type : PACKED) {
            int rows = 64;
            int cols = type.blockSize() == 256 ? 512 : 160;
            Random random = new Random(type.ordinal());
            try (Arena arena = Arena.ofConfined()) {
                WeightMatrix w = k.prepare(KernelsTest.randomMatrix(type, rows, cols, random, arena), arena);
                assertThat(w.packed()).as(type + " packed").isNotNull();
                k.pack(w, 0, k.packGroups(w));
                float[] scratch = new float[k.scratchSize(cols)];
                for (int tokens : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 21}) { // 16 up: AVX2's float tiles
                    Activations x = new Activations(cols, tokens);
                    x.setTokens(tokens);
                    for (int i = 0; i < x.values().length; i++) {
                        x.values()[i] = (float) random.nextGaussian();
                    }
                    x.quantize();
                    float[] batched = new float[tokens * rows];
                    k.matMul(w, x, batched, rows, 0, rows, scratch);
                    float[] single = new float[rows];
                    k.matVec(w, x, 0, single, 0, 0, rows, scratch);
                    sum.append(' ').append(type).append(tokens).append(':')
                            .append(Integer.toHexString(Arrays.hashCode(batched))).append('/')
                            .append(Integer.toHexString(Arrays.hashCode(single)));
                }
            }
        }
        return sum.toString();
    }

    /** The other width's side. */
    public static final class Checksum {
        public static void main(String[] args) {
            System.out.println("checksum " + PackedWidth.SHORTS.vectorBitSize() + checksum(Kernels.get()));
        }
    }
}
