package dev.cove.core.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that cannot be quantized: a message, and no output file (not even a temporary one). */
class QuantizerDamagedInputTest {
    @TempDir
    Path tmp;

    private void assertNothingWritten(String... allowed) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(allowed);
        }
    }

    @Test
    void truncatedInput() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedData.require("models/small-test/small-f32.gguf"));
        Path in = Files.write(tmp.resolve("in.gguf"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Quantizer.quantize(in, tmp.resolve("out.gguf"), Quantizer.Options.of(FileType.Q4_0)))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("truncated");
        assertNothingWritten("in.gguf");
    }

    @Test
    void quantizedInputNeedsAllowRequantize() throws IOException {
        Path in = SharedData.require("models/small-test/small-q8_0.gguf");
        assertThatThrownBy(() -> Quantizer.quantize(in, tmp.resolve("out.gguf"), Quantizer.Options.of(FileType.Q4_0)))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("already quantized")
                .hasMessageContaining("--allow-requantize");
        assertNothingWritten();
        Quantizer.Result r = Quantizer.quantize(in, tmp.resolve("out.gguf"),
                Quantizer.Options.of(FileType.Q4_0).withAllowRequantize(true).withThreads(1));
        assertThat(r.warnings()).anyMatch(w -> w.contains("re-quantizing"));
        try (GgufFile f = GgufFile.open(tmp.resolve("out.gguf"))) {
            assertThat(f.metadata().getLong("general.file_type")).isEqualTo(2);
        }
    }

    @Test
    void outputMustNotBeTheInput() throws IOException {
        Path in = Files.copy(SharedData.require("models/small-test/small-f32.gguf"), tmp.resolve("in.gguf"));
        assertThatThrownBy(() -> Quantizer.quantize(in, in, Quantizer.Options.of(FileType.Q4_0)))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("overwrite the input");
    }

    @Test
    void vocabularyOnlyFileHasNothingToQuantize() throws IOException {
        Path in = SharedData.require("vocab/ggml-vocab-gpt-2.gguf");
        assertThatThrownBy(() -> Quantizer.quantize(in, tmp.resolve("out.gguf"), Quantizer.Options.of(FileType.Q4_0)))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("no tensors");
        assertNothingWritten();
    }

    @Test
    void notAGgufFile() throws IOException {
        Path in = Files.writeString(tmp.resolve("in.gguf"), "this is not a model");
        assertThatThrownBy(() -> Quantizer.quantize(in, tmp.resolve("out.gguf"), Quantizer.Options.of(FileType.Q4_0)))
                .isInstanceOf(QuantizeException.class).hasMessageContaining("in.gguf");
        assertNothingWritten("in.gguf");
    }
}
