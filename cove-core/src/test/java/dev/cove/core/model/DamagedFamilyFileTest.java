package dev.cove.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incomplete or damaged files of each family are refused at load with one line naming the
 * tensor or key, never an exception trace: copies of the arch-test files with one thing changed.
 */
class DamagedFamilyFileTest {
    @TempDir
    Path dir;

    /** A copy of arch-test file {@code name} without {@code dropTensor} (may be null), after {@code edit} of its metadata. */
    private Path damaged(String name, String dropTensor, String reshapeTensor, Consumer<GgufWriter> edit) {
        Path source = SharedData.require("models/arch-test/" + name + ".gguf");
        Path out = dir.resolve(name + "-damaged.gguf");
        try (GgufFile file = GgufFile.open(source)) {
            GgufWriter w = new GgufWriter().putAll(file.metadata());
            for (GgufTensorInfo t : file.tensors().values()) {
                if (t.name().equals(dropTensor)) {
                    continue;
                }
                long[] shape = t.shape();
                long bytes = t.byteSize();
                if (t.name().equals(reshapeTensor)) {
                    // Half the rows: still a well-formed tensor, but not the shape the config implies.
                    shape = shape.clone();
                    shape[1] /= 2;
                    bytes /= 2;
                }
                w.addTensor(t.name(), t.type(), shape, GgufWriter.TensorPayload.of(file.segment().asSlice(t.fileOffset(), bytes)));
            }
            edit.accept(w);
            w.write(out);
        }
        return out;
    }

    private static void assertRefused(Path file, String... messageParts) {
        assertThatThrownBy(() -> Model.load(file, 1).close())
                .isInstanceOf(CoveException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains(messageParts).doesNotContain("\n");
                });
    }

    @Test
    void qwen3WithoutAQueryNorm() {
        assertRefused(damaged("arch-qwen3-f32", "blk.0.attn_q_norm.weight", null, w -> { }),
                "qwen3 model without blk.0.attn_q_norm.weight");
    }

    @Test
    void qwen2WithoutAKeyBias() {
        assertRefused(damaged("arch-qwen2-q8_0", "blk.1.attn_k.bias", null, w -> { }),
                "qwen2 model without blk.1.attn_k.bias");
    }

    @Test
    void gemma2WithoutAPostNorm() {
        assertRefused(damaged("arch-gemma2-f32", "blk.1.post_ffw_norm.weight", null, w -> { }),
                "gemma2 model without blk.1.post_ffw_norm.weight");
    }

    @Test
    void phi3WithAFusedQkvOfTheWrongShape() {
        assertRefused(damaged("arch-phi3-q8_0", null, "blk.0.attn_qkv.weight", w -> { }),
                "tensor blk.0.attn_qkv.weight has shape [256, 256], expected [256, 512]");
    }

    @Test
    void gemma3WithAnUnknownWindowPattern() {
        assertRefused(damaged("arch-gemma3-f32", null, null,
                        w -> w.put("gemma3.attention.sliding_window_pattern", GgufValue.ofString("every other"))),
                "gemma3.attention.sliding_window_pattern");
    }

    @Test
    void gemma3WithAPatternOfTheWrongLength() {
        assertRefused(damaged("arch-gemma3-f32", null, null,
                        w -> w.put("gemma3.attention.sliding_window_pattern", GgufValue.ofArray(
                                new GgufValue.GgufArray(dev.cove.core.gguf.GgufValueType.BOOL, new byte[] {1, 0, 1})))),
                "gemma3.attention.sliding_window_pattern has 3 entries for 4 layers");
    }

    @Test
    void llamaWithAnUnknownRopeScaling() {
        assertRefused(damaged("arch-llama31-f32", null, null, w -> w.putString("llama.rope.scaling.type", "yarn")),
                "unsupported llama.rope.scaling.type 'yarn'");
    }

    @Test
    void llama31WithRopeFactorsOfTheWrongLength() {
        assertRefused(damaged("arch-llama31-f32", "rope_freqs.weight", null,
                        w -> w.addTensor("rope_freqs.weight", dev.cove.core.tensor.GgmlType.F32, new long[] {16},
                                GgufWriter.TensorPayload.ofFloats(new float[16]))),
                "tensor rope_freqs.weight has 16 elements, expected 32");
    }

    @Test
    void anArchitectureCoveDoesNotRun() {
        assertRefused(damaged("arch-qwen2-f32", null, null, w -> w.putString("general.architecture", "mamba")),
                "unsupported model architecture 'mamba'", "qwen2", "gemma3");
    }

    @Test
    void undamagedCopiesLoad() {
        Model.load(damaged("arch-gemma3-q8_0", null, null, w -> { }), 1).close();
    }
}
