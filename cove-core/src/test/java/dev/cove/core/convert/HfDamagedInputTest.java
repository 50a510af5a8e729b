package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged or unsupported checkpoints: a clear {@link ConvertException} and no output file, not even a temporary one. */
class HfDamagedInputTest {
    static final HfFiles.Shape SHAPE = new HfFiles.Shape("LlamaForCausalLM", 16, 24, 1, 2, 1, 290, false, 10000, 1e-5);

    @TempDir
    Path tmp;
    Path dir;
    Path out;
    Map<String, HfFiles.Weight> weights;

    @BeforeEach
    void checkpoint() throws IOException {
        dir = Files.createDirectory(tmp.resolve("model"));
        weights = HfFiles.weights(SHAPE, 11, "F32");
        HfFiles.config(dir, SHAPE, Map.of());
        HfFiles.safetensors(dir.resolve("model.safetensors"), weights, "F32");
        HfFiles.json(dir.resolve("tokenizer.json"), HfFiles.spmTokenizerJson());
        out = tmp.resolve("out.gguf");
    }

    private void assertFails(String... fragments) throws IOException {
        var thrown = assertThatThrownBy(() -> HfConverter.convert(dir, out, HfConverter.Options.defaults()))
                .isInstanceOf(ConvertException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model");
        }
    }

    @Test
    void theUntouchedCheckpointConverts() {
        HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(out).exists();
    }

    @Test
    void missingConfigKey() throws IOException {
        Map<String, Object> c = HfFiles.JSON.readValue(dir.resolve("config.json").toFile(), Map.class);
        c.remove("num_attention_heads");
        HfFiles.json(dir.resolve("config.json"), c);
        assertFails("config.json", "num_attention_heads", "missing");
    }

    @Test
    void unknownArchitecture() throws IOException {
        HfFiles.config(dir, SHAPE, Map.of("architectures", List.of("GPTNeoXForCausalLM")));
        assertFails("GPTNeoXForCausalLM", "not supported", "LlamaForCausalLM");
    }

    @Test
    void shapeMismatch() throws IOException {
        HfFiles.config(dir, SHAPE, Map.of("intermediate_size", 32));
        assertFails("mlp.gate_proj.weight", "[24, 16]", "[32, 16]");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path st = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertFails("model.safetensors", "truncated");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path st = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(bytes, 200));
        assertFails("model.safetensors", "truncated");
    }

    @Test
    void unknownDtype() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(weights);
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, "F32");
        // rewrite one tensor's dtype in the header: F32 data of the same byte size declared as I32
        Path st = dir.resolve("model.safetensors");
        String text = new String(Files.readAllBytes(st), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"model.layers.0.mlp.up_proj.weight\"");
        int dtype = text.indexOf("\"F32\"", at);
        text = text.substring(0, dtype) + "\"I32\"" + text.substring(dtype + 5);
        Files.write(st, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFails("model.layers.0.mlp.up_proj.weight", "dtype I32", "F32, F16 and BF16");
    }

    @Test
    void unheardOfDtype() throws IOException {
        Path st = dir.resolve("model.safetensors");
        String text = new String(Files.readAllBytes(st), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"model.norm.weight\"");
        int dtype = text.indexOf("\"F32\"", at);
        text = text.substring(0, dtype) + "\"Q99\"" + text.substring(dtype + 5);
        Files.write(st, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFails("model.norm.weight", "dtype Q99");
    }

    @Test
    void missingTensor() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(weights);
        w.remove("model.layers.0.self_attn.v_proj.weight");
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, "F32");
        assertFails("model.layers.0.self_attn.v_proj.weight");
    }

    @Test
    void missingShard() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        HfFiles.shardedSafetensors(dir, weights, "F32", 2);
        Files.delete(dir.resolve(HfFiles.shardName(1, 2)));
        assertFails(HfFiles.shardName(1, 2), "missing");
    }

    @Test
    void invalidJson() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 16,");
        assertFails("config.json", "invalid JSON", "line 1");
    }

    @Test
    void missingTokenizer() throws IOException {
        Files.delete(dir.resolve("tokenizer.json"));
        assertFails("tokenizer.json is missing");
    }

    @Test
    void unsupportedTokenizerModel() throws IOException {
        Map<String, Object> tj = HfFiles.spmTokenizerJson();
        ((Map<String, Object>) tj.get("model")).put("type", "Unigram");
        HfFiles.json(dir.resolve("tokenizer.json"), tj);
        assertFails("Unigram");
    }

    @Test
    void pickleWeightsAreRefusedWithAReason() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[16]);
        assertFails("pickle");
    }

    @Test
    void deeplyNestedJsonIsRejectedWithoutStackOverflow() throws IOException {
        Files.writeString(dir.resolve("config.json"), "[".repeat(100_000));
        assertFails("config.json", "nesting");
    }
}
