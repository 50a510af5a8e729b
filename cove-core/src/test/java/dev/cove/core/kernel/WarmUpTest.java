package dev.cove.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    private static final Set<GgmlType> TYPES = EnumSet.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K,
            GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32);

    @Test
    void theWarmUpRunsEveryPackedTypeAndLeavesTheResultsAsTheyWere() {
        Kernels k = Kernels.get();
        try (Arena arena = Arena.ofConfined()) {
            float[][] before = new float[TYPES.size()][];
            int i = 0;
            for (GgmlType type : TYPES) {
                before[i++] = products(k, type, arena);
            }
            k.warmUp(TYPES);
            i = 0;
            for (GgmlType type : TYPES) {
                assertThat(products(k, type, arena)).as(type.name()).containsExactly(before[i++]);
            }
        }
    }

    /** 13 tokens through matMul, then token 0 through matVec, on a 64 x 512 matrix. */
    private static float[] products(Kernels k, GgmlType type, Arena arena) {
        int rows = 64;
        int cols = 512;
        WeightMatrix w = k.prepare(KernelsTest.randomMatrix(type, rows, cols, new Random(7), arena), arena);
        if (k.packGroups(w) > 0) {
            k.pack(w, 0, k.packGroups(w));
        }
        Activations x = new Activations(cols, 13);
        x.setTokens(13);
        Random r = new Random(8);
        for (int i = 0; i < x.values().length; i++) {
            x.values()[i] = (float) r.nextGaussian();
        }
        x.quantize();
        float[] out = new float[14 * rows];
        float[] scratch = new float[k.scratchSize(cols)];
        k.matMul(w, x, out, rows, 0, rows, scratch);
        k.matVec(w, x, 0, out, 13 * rows, 0, rows, scratch);
        return out;
    }
}
