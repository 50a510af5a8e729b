package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels give the same bits whether the JVM runs them interpreted (the Vector API's
 * Java fallback, lane by lane) or compiled by C2 (its intrinsics): a greedy or seeded output must
 * not depend on how far the JVM has compiled the kernels, nor a Spark row on which executor, warm
 * or cold, ran it. Reductions and e^x used to differ in the last bit between the two.
 */
class KernelDeterminismTest {

    @Test
    void compiledKernelsGiveTheInterpretersBits() throws IOException, InterruptedException {
        Kernels kernels = Kernels.get();
        for (int i = 0; i < 20_000; i++) { // hot enough for C2 to compile them here
            checksum(kernels);
        }
        String compiled = checksum(kernels);

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xint",
                "-cp", System.getProperty("java.class.path"), Checksum.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String interpreted = out.lines().filter(l -> l.startsWith("checksum ")).findFirst().orElse(out);
        assertThat(interpreted).isEqualTo("checksum " + compiled);
    }

    /** A fingerprint of the bits of every kernel's result on fixed inputs of awkward sizes. */
    static String checksum(Kernels k) {
        Random r = new Random(3);
        float[] x = gaussian(r, 1003, 1);
        float[] y = gaussian(r, 1003, 1);
        float[] logits = gaussian(r, 203, 6);
        float[] weight = gaussian(r, 1003, 1);
        StringBuilder sum = new StringBuilder();
        sum.append(Float.floatToRawIntBits(k.dot(x, 0, y, 0, 1003))).append(',');
        float[] norm = new float[1003];
        k.rmsNorm(norm, 0, x, 0, weight, 1003, 1e-5f);
        sum.append(Arrays.hashCode(norm)).append(',');
        float[] soft = logits.clone();
        k.softmax(soft, 0, 203);
        sum.append(Arrays.hashCode(soft)).append(',');
        float[] capped = logits.clone();
        k.softCap(capped, 0, 203, 30f);
        sum.append(Arrays.hashCode(capped)).append(',');
        float[] gate = x.clone();
        k.swiGlu(gate, 0, y, 0, 1003);
        sum.append(Arrays.hashCode(gate)).append(',');
        float[] gelu = x.clone();
        k.geGlu(gelu, 0, y, 0, 1003);
        sum.append(Arrays.hashCode(gelu)).append(',');
        float[] scores = new float[4 * 203];
        k.attentionScores(x, 0, 4, y, 0, 203, 4, 203, 0.125f, scores, 0, 203);
        sum.append(Arrays.hashCode(scores));
        return sum.toString();
    }

    private static float[] gaussian(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }

    /** The interpreted side, in a JVM of its own started with -Xint. */
    public static final class Checksum {
        public static void main(String[] args) {
            System.out.println("checksum " + checksum(Kernels.get()));
        }
    }
}
