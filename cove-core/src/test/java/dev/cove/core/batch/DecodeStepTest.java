package dev.cove.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.kernel.WorkerPool;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.ModelConfig;
import dev.cove.core.model.ModelWeights;
import dev.cove.core.model.Transformer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sequence's logits from a {@link DecodeStep} are bit for bit the same alone and among 1 to 16
 * others, at any place in the step: on float weights (whose matrix-matrix kernel rounds a tile's
 * tokens differently from the rest and from a lone token) and on quantized ones, from a cold start
 * (the kernels give the same bits interpreted and compiled: KernelDeterminismTest).
 */
class DecodeStepTest {
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
    @ValueSource(strings = {"models/stories260K/stories260K.gguf", "models/small-test/small-f16.gguf",
            "models/small-test/small-q4_0.gguf"})
    void aSequenceGetsTheSameLogitsWhateverSharesItsStep(String path) {
        try (GgufFile file = GgufFile.open(SharedData.require(path))) {
            ModelConfig config = ModelConfig.fromGguf(file.metadata(), 512);
            Transformer model = new Transformer(config, ModelWeights.fromGguf(file, config), pool);
            float[] alone = logitsOf(model, 1, 0);
            for (int count : new int[] {2, 5, 8, 13, 16}) {
                for (int slot : new int[] {0, count - 1}) {
                    float[] together = logitsOf(model, count, slot);
                    assertThat(Arrays.equals(together, alone)).as("%s: %d in the step, at %d: logits differ by up to %s",
                            path, count, slot, maxDifference(together, alone)).isTrue();
                }
            }
        }
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** The logits of one sequence (prompt 1 5 20, then token 33) stepped at {@code slot} of {@code count} sequences. */
    private static float[] logitsOf(Transformer model, int count, int slot) {
        ForwardState[] states = new ForwardState[count];
        int[] tokens = new int[count];
        int[] positions = new int[count];
        for (int i = 0; i < count; i++) {
            states[i] = model.newState(32);
            int[] prompt = i == slot ? new int[] {1, 5, 20} : new int[] {1, 7 + i, 30 + i, 9, 11 * i % 500};
            model.forwardBatch(states[i], prompt, 0, false);
            tokens[i] = i == slot ? 33 : 40 + i;
            positions[i] = prompt.length;
        }
        new DecodeStep(model, count).run(states, tokens, positions, count);
        return Arrays.copyOf(states[slot].logits(), model.config().vocabularySize());
    }
}
