package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.WorkerPool;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Transformer#forwardBatch} gives the logits of feeding the same tokens one at a time, for
 * batches split at several points (so later batches attend to earlier ones through the cache) and
 * batches longer than one internal chunk; and its final logits still match llama.cpp's.
 */
class BatchedForwardTest {
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
    @ValueSource(strings = {"stories260K", "small-f32", "small-f16", "small-q8_0", "small-q4_0", "small-q4_k_m",
            "arch-qwen2-q8_0", "arch-qwen3-q8_0", "arch-gemma2-f32", "arch-gemma2-q8_0", "arch-gemma3-q8_0",
            "arch-phi3-f32", "arch-phi3-q8_0", "arch-llama31-q8_0"})
    void batchedPromptGivesTheSameLogitsAsOneTokenAtATime(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            int[] sequence = ref.sequence();
            // Long enough for two internal chunks of the batch buffers.
            int[] tokens = new int[TokenBatch.PROMPT_CAPACITY + 13];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = sequence[i % sequence.length];
            }
            ForwardState single = model.newState(tokens.length + 1);
            for (int i = 0; i < tokens.length; i++) {
                model.forward(single, tokens[i], i, i == tokens.length - 1);
            }
            float[] expected = single.logits().clone();

            for (int[] splits : new int[][] {{tokens.length}, {1, tokens.length}, {5, 6, 40, tokens.length}}) {
                ForwardState batched = model.newState(tokens.length + 1);
                int from = 0;
                for (int to : splits) {
                    model.forwardBatch(batched, Arrays.copyOfRange(tokens, from, to), from, to == tokens.length);
                    from = to;
                }
                double nmse = ReferenceCase.nmse(batched.logits(), expected);
                assertThat(nmse).as("%s split %s NMSE", name, Arrays.toString(splits)).isLessThan(1e-8);

                // Generation continues from the batched cache exactly as from the sequential one.
                model.forward(batched, 3, tokens.length, true);
                model.forward(single, 3, tokens.length, true);
                assertThat(ReferenceCase.nmse(batched.logits(), single.logits())).isLessThan(1e-8);
                single = model.newState(tokens.length + 1);
                for (int i = 0; i < tokens.length; i++) {
                    model.forward(single, tokens[i], i, false);
                }
            }
        }
    }

    /** The plain-Java kernels (what a JVM without the vector module runs) give the same answers. */
    @ParameterizedTest
    @ValueSource(strings = {"small-q4_0", "small-f16", "arch-gemma2-f32", "arch-gemma3-q8_0", "arch-phi3-q8_0"})
    void scalarKernelsMatchLlamaCpp(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool,
                    dev.cove.core.kernel.Kernels.scalar());
            int[] sequence = ref.sequence();
            int rows = ref.logits().length;
            ForwardState state = model.newState(sequence.length);
            model.forwardBatch(state, Arrays.copyOf(sequence, rows - 1), 0, false);
            model.forward(state, sequence[rows - 1], rows - 1, true);
            assertThat(ReferenceCase.nmse(state.logits(), ref.logits()[rows - 1])).isLessThanOrEqualTo(5e-3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-q4_0", "small-q8_0", "small-q4_k_m", "arch-qwen2-q8_0", "arch-qwen3-q8_0",
            "arch-gemma2-q8_0", "arch-gemma3-q8_0", "arch-phi3-q8_0", "arch-llama31-q8_0"})
    void batchedPromptMatchesLlamaCpp(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            int[] sequence = ref.sequence();
            int rows = ref.logits().length;
            ForwardState state = model.newState(sequence.length);
            model.forwardBatch(state, Arrays.copyOf(sequence, rows), 0, true);
            assertThat(ReferenceCase.nmse(state.logits(), ref.logits()[rows - 1])).isLessThanOrEqualTo(5e-3);
        }
    }
}
