package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.WorkerPool;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Transformer#forwardDecode} gives every sequence the logits of stepping it alone, for
 * sequences at different positions of their own caches; and {@link Transformer#hiddenStates}
 * gives the final hidden state of feeding each token alone.
 */
class MultiSequenceDecodeTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    /** Token i of sequence s: the reference sequence, shifted differently for each sequence. */
    private static int token(int[] sequence, int s, int i) {
        return sequence[(i + 7 * s) % sequence.length];
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "small-q4_0", "small-f16", "arch-qwen2-q8_0", "arch-qwen3-f32",
            "arch-gemma2-q8_0", "arch-gemma3-f32", "arch-phi3-q8_0", "arch-llama31-f32"})
    void oneStepOfManySequencesGivesTheLogitsOfEachAlone(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            int[] sequence = ref.sequence();
            int[] promptLengths = {1, 9, 30, 70, 4}; // 70: more than one prompt chunk
            int n = promptLengths.length;
            int steps = 4;
            int context = 70 + steps + 1;
            ForwardState[] together = new ForwardState[n];
            ForwardState[] alone = new ForwardState[n];
            int[] positions = new int[n];
            for (int s = 0; s < n; s++) {
                int[] prompt = new int[promptLengths[s]];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = token(sequence, s, i);
                }
                together[s] = model.newState(context);
                alone[s] = model.newState(context);
                model.forwardBatch(together[s], prompt, 0, false);
                model.forwardBatch(alone[s], prompt, 0, false);
                positions[s] = prompt.length;
            }
            DecodeBatch batch = model.newDecodeBatch(n);
            int[] tokens = new int[n];
            for (int step = 0; step < steps; step++) {
                // Fewer sequences in some steps, in another order: the batch is not tied to its rows.
                int count = step == 2 ? n - 2 : n;
                ForwardState[] states = new ForwardState[count];
                int[] stepPositions = new int[count];
                int[] order = new int[count];
                for (int i = 0; i < count; i++) {
                    order[i] = step % 2 == 0 ? i : count - 1 - i;
                    int s = order[i];
                    states[i] = together[s];
                    stepPositions[i] = positions[s];
                    tokens[i] = token(sequence, s, positions[s]);
                }
                model.forwardDecode(batch, states, tokens, stepPositions, count, true);
                for (int i = 0; i < count; i++) {
                    int s = order[i];
                    model.forward(alone[s], tokens[i], positions[s], true);
                    double nmse = ReferenceCase.nmse(together[s].logits(), alone[s].logits());
                    assertThat(nmse).as("%s step %d sequence %d at %d NMSE", name, step, s, positions[s])
                            .isLessThan(1e-8);
                    positions[s]++;
                }
            }
            // Single-sequence generation continues from the batched caches as from the sequential ones.
            for (int s = 0; s < n; s++) {
                model.forward(together[s], 3, positions[s], true);
                model.forward(alone[s], 3, positions[s], true);
                assertThat(ReferenceCase.nmse(together[s].logits(), alone[s].logits())).isLessThan(1e-8);
            }
            ForwardState[] twice = {together[0], together[0]};
            assertThatThrownBy(() -> model.forwardDecode(batch, twice, new int[] {1, 2}, new int[] {10, 11}, 2, true))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "small-q4_0", "arch-gemma2-f32", "arch-phi3-q8_0"})
    void hiddenStatesAreThoseOfFeedingEachTokenAlone(String name) throws IOException {
        ReferenceCase ref = ReferenceCase.named(name);
        try (GgufFile file = GgufFile.open(ref.model())) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), ref.vocab());
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            int dim = config.embeddingLength();
            int[] tokens = new int[TokenBatch.PROMPT_CAPACITY + 5];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = token(ref.sequence(), 0, i);
            }
            float[] hidden = model.hiddenStates(model.newState(tokens.length), tokens, 0);
            ForwardState alone = model.newState(tokens.length);
            float[] expected = new float[dim];
            float[] actual = new float[dim];
            for (int i = 0; i < tokens.length; i++) {
                model.forward(alone, tokens[i], i, false);
                model.hiddenState(alone, expected);
                System.arraycopy(hidden, i * dim, actual, 0, dim);
                assertThat(ReferenceCase.nmse(actual, expected)).as("%s token %d", name, i).isLessThan(1e-8);
            }
        }
    }
}
