package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.Kernels;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The KV cache grows its arrays as positions are stored: whatever it has grown through, it gives
 * the attention kernels what a cache that never grew gives, to the bit, and the float cache's
 * scores are the dot products of the stored keys.
 */
class KvCacheGrowthTest {
    private static final int POSITIONS = 700; // grows 256 -> 512 -> 700 at capacity 700, to 1024 at 3000

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void aGrownCacheReadsLikeOneAllocatedWhole(KvCacheType type) throws IOException {
        ReferenceCase ref = ReferenceCase.named("small-f16");
        ModelConfig config;
        try (GgufFile file = GgufFile.open(ref.model())) {
            config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
        }
        int kvDim = config.kvDim();
        int headDim = config.headDim();
        KvCache tight = KvCache.of(type, config, POSITIONS);
        KvCache roomy = KvCache.of(type, config, 3000);
        Random random = new Random(5);
        float[][] keys = new float[POSITIONS][kvDim];
        for (int p = 0; p < POSITIONS; p++) {
            float[] v = new float[kvDim];
            for (int j = 0; j < kvDim; j++) {
                keys[p][j] = (float) random.nextGaussian();
                v[j] = (float) random.nextGaussian();
            }
            for (int layer = 0; layer < config.blockCount(); layer++) {
                tight.put(layer, p, keys[p], 0, v, 0);
                roomy.put(layer, p, keys[p], 0, v, 0);
            }
        }
        assertThat(tight.stride).isEqualTo(POSITIONS);
        assertThat(roomy.stride).isEqualTo(1024);
        Kernels kernels = Kernels.get();
        float[] q = new float[headDim];
        for (int j = 0; j < headDim; j++) {
            q[j] = (float) random.nextGaussian();
        }
        int layer = config.blockCount() - 1;
        int kvOffset = kvDim - headDim; // the last head
        float[] a = new float[POSITIONS];
        float[] b = new float[POSITIONS];
        tight.scores(kernels, layer, q, 0, 1, kvOffset, 0, POSITIONS, headDim, 0.125f, a, 0, POSITIONS);
        roomy.scores(kernels, layer, q, 0, 1, kvOffset, 0, POSITIONS, headDim, 0.125f, b, 0, POSITIONS);
        assertThat(a).as("%s scores", type).containsExactly(b);
        if (type == KvCacheType.F32) {
            for (int p = 0; p < POSITIONS; p++) {
                double dot = 0;
                for (int j = 0; j < headDim; j++) {
                    dot += q[j] * keys[p][kvOffset + j];
                }
                assertThat((double) a[p]).as("score of position %d", p).isCloseTo(0.125 * dot, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        float[] weights = new float[POSITIONS];
        for (int p = 0; p < POSITIONS; p++) {
            weights[p] = random.nextFloat() / POSITIONS;
        }
        float[] outA = new float[headDim];
        float[] outB = new float[headDim];
        tight.weightedSum(kernels, layer, weights, 0, POSITIONS, 1, kvOffset, 0, POSITIONS, outA, 0, headDim);
        roomy.weightedSum(kernels, layer, weights, 0, POSITIONS, 1, kvOffset, 0, POSITIONS, outB, 0, headDim);
        assertThat(outA).as("%s weighted sum", type).containsExactly(outB);
        assertThatThrownBy(() -> tight.put(0, POSITIONS, keys[0], 0, keys[0], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond");
    }
}
