package dev.cove.core.generate.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A draft model whose vocabulary is not the target's is refused with a message saying so, before any work. */
class DraftVocabularyTest {
    @TempDir
    Path dir;

    /** small-f32 with its vocabulary cut to {@code size} tokens, and token {@code renamed} (if >= 0) renamed. */
    private Path variant(String name, int size, int renamed) {
        Path out = dir.resolve(name + ".gguf");
        try (GgufFile file = GgufFile.open(SharedData.require("models/small-test/small-f32.gguf"))) {
            GgufWriter w = new GgufWriter().putAll(file.metadata());
            String[] tokens = Arrays.copyOf(file.metadata().getStringArray("tokenizer.ggml.tokens"), size);
            if (renamed >= 0) {
                tokens[renamed] = tokens[renamed] + "renamed";
            }
            w.putArray("tokenizer.ggml.tokens", GgufValue.GgufArray.ofStrings(tokens));
            w.putArray("tokenizer.ggml.scores", GgufValue.GgufArray.ofFloats(
                    Arrays.copyOf(file.metadata().getFloatArray("tokenizer.ggml.scores"), size)));
            w.putArray("tokenizer.ggml.token_type", GgufValue.GgufArray.ofInt32s(
                    Arrays.copyOf(file.metadata().getIntArray("tokenizer.ggml.token_type"), size)));
            for (GgufTensorInfo t : file.tensors().values()) {
                long[] shape = t.shape();
                long bytes = t.byteSize();
                if (shape.length == 2 && shape[1] != size && (t.name().equals("token_embd.weight")
                        || t.name().equals("output.weight"))) {
                    bytes = bytes / shape[1] * size; // F32 rows: the first `size` of them
                    shape = new long[] {shape[0], size};
                }
                w.addTensor(t.name(), t.type(), shape,
                        GgufWriter.TensorPayload.of(file.segment().asSlice(t.fileOffset(), bytes)));
            }
            w.write(out);
        }
        return out;
    }

    @Test
    void aDraftModelWithADifferentVocabularyIsRefused() {
        try (Model target = Model.load(SharedData.require("models/small-test/small-f32.gguf"), 1);
                Model shorter = Model.load(variant("shorter", 500, -1), 1);
                Model renamed = Model.load(variant("renamed", 512, 300), 1)) {
            GenerationOptions options = GenerationOptions.defaults();
            assertThatThrownBy(() -> target.newSession(options.draftModel(shorter, 4)))
                    .isInstanceOf(CoveException.class)
                    .hasMessageContaining("vocabulary of 500 tokens but the model has 512")
                    .hasMessageContaining("shorter.gguf")
                    .hasMessageContaining("must have the same vocabulary");
            assertThatThrownBy(() -> target.newSession(options.draftModel(renamed, 4)))
                    .isInstanceOf(CoveException.class)
                    .hasMessageContaining("token 300 differs")
                    .hasMessageContaining("renamed.gguf");
            // The same file as its own draft is accepted.
            assertThat(target.newSession(options.draftModel(target, 4))).isNotNull();
        }
    }

    @Test
    void draftLengthsOutsideWhatOnePassVerifiesAreRefused() {
        assertThatThrownBy(() -> Speculation.promptLookup(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to " + Speculation.LIMIT);
        assertThatThrownBy(() -> Speculation.promptLookup(Speculation.LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Speculation.PromptLookup(8, 2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n-gram");
    }
}
