package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.WorkerPool;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bfloat16 and q8_0 KV caches against llama.cpp's logits: every position of the reference
 * sequence, fed one token at a time (generation) and as one batch (a prompt), stays within a small
 * normalised error of the reference, and of the float32 cache's own error; and they take half and
 * about a quarter of the memory. Measured (mean NMSE over the positions, f32 / bf16 / q8_0 cache):
 * stories260K 8.6e-14 / 7.5e-6 / - (head dimension 8: no whole q8_0 blocks), small-f16
 * 9.8e-7 / 2.2e-5 / 2.3e-4, arch-qwen2-f32 5.7e-13 / 1.8e-5 / 1.8e-4, arch-qwen3-f32
 * 4.5e-13 / 1.5e-5 / 1.5e-4, arch-gemma2-q8_0 2.7e-4 / 4.0e-4 / (not run: slow).
 */
class KvCacheTypeTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "small-f16", "arch-qwen2-f32", "arch-qwen3-f32"})
    void aBfloat16CacheStaysCloseToTheReference(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            int[] sequence = ref.sequence();
            int rows = Math.min(ref.logits().length, sequence.length);
            double f32 = meanNmse(model, KvCacheType.F32, sequence, rows, ref);
            double bf16 = meanNmse(model, KvCacheType.BF16, sequence, rows, ref);
            assertThat(bf16).as("%s: mean NMSE of the bf16 cache (f32: %.2e)", name, f32).isLessThan(1e-4 + 2 * f32);
            if (config.headDim() % 32 == 0) {
                double q8 = meanNmse(model, KvCacheType.Q8_0, sequence, rows, ref);
                assertThat(q8).as("%s: mean NMSE of the q8_0 cache (f32: %.2e)", name, f32).isLessThan(1e-3 + 2 * f32);
            }

            ForwardState batched = model.newState(rows, KvCacheType.BF16);
            model.forwardBatch(batched, sequence, 0, rows, 0, true);
            assertThat(ReferenceCase.nmse(batched.logits(), ref.logits()[rows - 1])).as(name + ", batched").isLessThan(1e-3);
        }
    }

    /** Mean over the positions of the NMSE of feeding the sequence one token at a time with a {@code type} cache. */
    private static double meanNmse(Transformer model, KvCacheType type, int[] sequence, int rows, ReferenceCase ref) {
        ForwardState state = model.newState(rows, type);
        assertThat(state.kvCacheType()).isEqualTo(type);
        double sum = 0;
        for (int p = 0; p < rows; p++) {
            model.forward(state, sequence[p], p, true);
            sum += ReferenceCase.nmse(state.logits(), ref.logits()[p]);
        }
        return sum / rows;
    }

    @Test
    void aBfloat16CacheTakesHalfTheMemoryAndQ8AboutAQuarter() throws IOException {
        ReferenceCase ref = ReferenceCase.named("stories260K");
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            long f32 = model.newState(64).kvCacheBytes();
            model.useKvCache(KvCacheType.BF16);
            ForwardState half = model.newState(64);
            assertThat(half.kvCacheType()).isEqualTo(KvCacheType.BF16);
            assertThat(half.kvCacheBytes()).isEqualTo(f32 / 2)
                    .isEqualTo(2L * config.blockCount() * 64 * config.kvDim() * 2);
        }
        ReferenceCase small = ReferenceCase.named("small-f16");
        try (GgufFile file = GgufFile.open(small.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), small.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            long f32 = model.newState(64).kvCacheBytes();
            ForwardState q8 = model.newState(64, KvCacheType.Q8_0);
            assertThat(q8.kvCacheBytes()).isEqualTo(2L * config.blockCount() * 64 * (config.kvDim() + config.kvDim() / 32 * 4))
                    .isLessThan(f32 * 3 / 10);
        }
    }

    @Test
    void aQ8CacheNeedsWholeBlocksPerHead() throws IOException {
        ReferenceCase ref = ReferenceCase.named("stories260K"); // head dimension 8
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            assertThatThrownBy(() -> model.newState(64, KvCacheType.Q8_0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a q8_0 KV cache needs a head dimension that is a multiple of 32; this model's is "
                            + config.headDim() + ": use f32 or bf16");
        }
    }

    @Test
    void anUnknownTypeIsRefusedWithTheNamesThereAre() {
        assertThat(KvCacheType.parse("BF16")).isEqualTo(KvCacheType.BF16);
        assertThatThrownBy(() -> KvCacheType.parse("q4_0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown KV cache type 'q4_0': use one of f32, bf16, q8_0");
    }
}
