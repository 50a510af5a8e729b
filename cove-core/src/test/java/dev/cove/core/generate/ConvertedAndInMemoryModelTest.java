package dev.cove.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.convert.Llama2cConverter;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.sample.SamplingOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same greedy story from the shipped GGUF, from Cove's llama2.c conversion, and from memory. */
class ConvertedAndInMemoryModelTest {

    private static String greedyStory(Model model) {
        Session s = model.newSession(GenerationOptions.defaults().sampling(SamplingOptions.greedy()).maxTokens(120));
        return s.generate(new int[] {model.tokenizer().vocabulary().bos()}, t -> { }).text();
    }

    @Test
    void convertedLlama2cCheckpointTellsTheSameStory(@TempDir Path dir) {
        Path shipped = SharedData.require("models/stories260K/stories260K.gguf");
        Path converted = dir.resolve("converted.gguf");
        Llama2cConverter.convert(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin"), converted);
        String expected;
        try (Model model = Model.load(shipped, 2)) {
            expected = greedyStory(model);
        }
        try (Model model = Model.load(converted, 2)) {
            assertThat(greedyStory(model)).isEqualTo(expected).startsWith(" Once upon a time");
        }
    }

    @Test
    void modelLoadsFromMemoryWithoutAFile() throws IOException {
        Path shipped = SharedData.require("models/stories260K/stories260K.gguf");
        byte[] bytes = Files.readAllBytes(shipped);
        Arena arena = Arena.ofShared();
        MemorySegment image = arena.allocate(bytes.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, image, 0, bytes.length);
        String fromFile;
        try (Model model = Model.load(shipped, 2)) {
            fromFile = greedyStory(model);
        }
        try (Model model = Model.load(GgufFile.fromSegment(image, "in-memory.gguf", arena), 2)) {
            assertThat(greedyStory(model)).isEqualTo(fromFile);
        }
    }
}
