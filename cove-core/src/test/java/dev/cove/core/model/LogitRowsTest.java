package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.WorkerPool;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Transformer#forwardBatch(ForwardState, int[], int, int, int, int, float[])}, the logits of
 * the last K tokens of a batch (what speculative decoding verifies drafts with): each row matches
 * llama.cpp's logits at that position, and the one-token-at-a-time pass; rows written past a
 * rejected draft are overwritten by the next batch at the same positions.
 */
class LogitRowsTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private static Transformer open(GgufFile file, ReferenceCase ref) {
        ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
        return new Transformer(config, ModelWeights.fromGguf(file, config), pool);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "small-f32", "small-q8_0", "small-q4_0", "arch-gemma2-f32", "arch-phi3-q8_0"})
    void everyRowMatchesLlamaCppAtItsPosition(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            Transformer model = open(file, ref);
            int[] sequence = ref.sequence();
            int rows = ref.logits().length;
            int vocab = ref.vocab();
            double tolerance = name.contains("q") ? 5e-3 : 1e-6;
            // A prompt part without logits, then the last 9 positions with them; and every position at once.
            for (int k : new int[] {9, Math.min(rows, Transformer.MAX_LOGIT_ROWS)}) {
                ForwardState state = model.newState(sequence.length);
                float[] logits = new float[k * vocab];
                model.forwardBatch(state, sequence, 0, rows, 0, k, logits);
                for (int r = 0; r < k; r++) {
                    float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                    assertThat(ReferenceCase.nmse(row, ref.logits()[rows - k + r]))
                            .as("%s row %d of %d", name, r, k).isLessThanOrEqualTo(tolerance);
                }
            }
        }
    }

    @Test
    void aRejectedDraftIsOverwrittenByTheNextBatchAtTheSamePositions() throws IOException {
        ReferenceCase ref = ReferenceCase.named("small-q8_0");
        try (GgufFile file = GgufFile.open(ref.model())) {
            Transformer model = open(file, ref);
            int[] sequence = ref.sequence();
            int vocab = ref.vocab();
            int prefix = 10;
            // A batch of wrong tokens after the prefix, then the right ones at the same positions.
            ForwardState state = model.newState(sequence.length);
            float[] logits = new float[6 * vocab];
            model.forwardBatch(state, sequence, 0, prefix, 0, 1, logits);
            int[] wrong = {7, 8, 9, 10, 11, 12};
            model.forwardBatch(state, wrong, 0, 6, prefix, 6, logits);
            model.forwardBatch(state, sequence, prefix, 4, prefix, 4, logits);
            // Then one token at a time, reading every cached position: exactly the clean run's logits.
            model.forward(state, sequence[prefix + 4], prefix + 4, true);
            ForwardState clean = model.newState(sequence.length);
            model.forwardBatch(clean, sequence, 0, prefix + 4, 0, false);
            model.forward(clean, sequence[prefix + 4], prefix + 4, true);
            assertThat(state.logits()).containsExactly(clean.logits());
            assertThat(ReferenceCase.nmse(state.logits(), ref.logits()[prefix + 4])).isLessThanOrEqualTo(5e-3);
        }
    }

    @Test
    void refusesRowsItCannotComputeOrStore() throws IOException {
        ReferenceCase ref = ReferenceCase.named("stories260K");
        try (GgufFile file = GgufFile.open(ref.model())) {
            Transformer model = open(file, ref);
            ForwardState state = model.newState(100);
            int[] tokens = {1, 2, 3};
            assertThatThrownBy(() -> model.forwardBatch(state, tokens, 0, 3, 0, 4, new float[4 * ref.vocab()]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 3");
            assertThatThrownBy(() -> model.forwardBatch(state, tokens, 0, 3, 0, 0, new float[ref.vocab()]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.forwardBatch(state, tokens, 0, 3, 0, 2, new float[ref.vocab()]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 rows of logits need");
            assertThatThrownBy(() -> model.forwardBatch(state, tokens, 0, 3, 98, 2, new float[2 * ref.vocab()]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the context");
        }
    }
}
