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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or unsupported Qwen3, Gemma 2, Gemma 3 and Phi-3 checkpoints: a one-line
 * {@link ConvertException} naming the tensor or key, and no output file.
 */
class HfFamilyDamagedInputTest {
    @TempDir
    Path tmp;
    Path out;

    private Path write(HfArchFiles.Arch a, Map<String, HfFiles.Weight> w) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("model"));
        HfArchFiles.writeConfig(dir, a);
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, "F32");
        HfFiles.json(dir.resolve("tokenizer.json"), a.family().equals("qwen3")
                ? HfFiles.byteLevelTokenizerJson(HfTokenizer.QWEN2_REGEX, List.of("h e"))
                : a.gemma() ? HfArchFiles.gemmaTokenizerJson() : HfArchFiles.phi3TokenizerJson(a.vocab()));
        out = tmp.resolve("out.gguf");
        return dir;
    }

    /** The checkpoint of {@code a} with config.json changed by {@code change} (a null value removes the key). */
    private Path withConfig(HfArchFiles.Arch a, Map<String, Object> change) throws IOException {
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 41, "F32");
        Map<String, Object> c = new LinkedHashMap<>(a.config());
        change.forEach((k, v) -> {
            if (v == REMOVE) {
                c.remove(k);
            } else {
                c.put(k, v);
            }
        });
        return write(new HfArchFiles.Arch(a.architecture(), a.hidden(), a.ffn(), a.layers(), a.heads(), a.kvHeads(),
                a.headDim(), a.vocab(), a.tied(), c), w);
    }

    static final Object REMOVE = new Object();

    private void assertFails(Path dir, String... fragments) throws IOException {
        var thrown = assertThatThrownBy(() -> HfConverter.convert(dir, out, HfConverter.Options.defaults()))
                .isInstanceOf(ConvertException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
        thrown.satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model");
        }
    }

    static HfArchFiles.Arch qwen3() {
        return HfFamilyConverterTest.qwen3(true);
    }

    static HfArchFiles.Arch gemma2() {
        return HfFamilyConverterTest.gemma2();
    }

    static HfArchFiles.Arch gemma3() {
        return HfFamilyConverterTest.gemma3(Map.of());
    }

    static HfArchFiles.Arch phi3() {
        return HfFamilyConverterTest.phi3(Map.of());
    }

    @Test
    void everyUntouchedCheckpointConverts() throws IOException {
        for (HfArchFiles.Arch a : List.of(qwen3(), gemma2(), gemma3(), phi3())) {
            Path dir = withConfig(a, Map.of());
            HfConverter.convert(dir, out, HfConverter.Options.defaults());
            assertThat(out).exists();
            Files.delete(out);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void gemma3MissingQueryNorm() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(HfArchFiles.weights(gemma3(), 42, "F32"));
        w.remove("model.layers.1.self_attn.q_norm.weight");
        assertFails(write(gemma3(), w), "lacks 1 tensor", "model.layers.1.self_attn.q_norm.weight");
    }

    @Test
    void gemma2MissingPostFeedForwardNorm() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(HfArchFiles.weights(gemma2(), 43, "F32"));
        w.remove("model.layers.0.post_feedforward_layernorm.weight");
        assertFails(write(gemma2(), w), "model.layers.0.post_feedforward_layernorm.weight");
    }

    @Test
    void qwen3QueryNormOfTheWrongSize() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(HfArchFiles.weights(qwen3(), 44, "F32"));
        w.put("model.layers.0.self_attn.q_norm.weight", new HfFiles.Weight(new long[] {8}, new float[8]));
        assertFails(write(qwen3(), w), "model.layers.0.self_attn.q_norm.weight", "[8]", "implies [16]");
    }

    @Test
    void qwen3HasNoBiases() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(HfArchFiles.weights(qwen3(), 45, "F32"));
        w.put("model.layers.0.self_attn.q_proj.bias", new HfFiles.Weight(new long[] {64}, new float[64]));
        assertFails(write(qwen3(), w), "model.layers.0.self_attn.q_proj.bias", "no place in a Qwen3ForCausalLM");
    }

    @Test
    void phi3FusedProjectionOfTheWrongShape() throws IOException {
        // config.json says 4 key/value heads, the checkpoint was made with 2
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(phi3(), 46, "F32");
        Map<String, Object> c = new LinkedHashMap<>(phi3().config());
        c.put("num_key_value_heads", 4);
        assertFails(write(new HfArchFiles.Arch("Phi3ForCausalLM", 32, 48, 2, 4, 4, 8, 300, false, c), w),
                "model.layers.0.self_attn.qkv_proj.weight", "[64, 32]", "implies [96, 32]");
    }

    @Test
    void phi3WithUnfusedProjections() throws IOException {
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(HfArchFiles.weights(phi3(), 47, "F32"));
        w.put("model.layers.0.self_attn.q_proj.weight", new HfFiles.Weight(new long[] {32, 32}, new float[32 * 32]));
        assertFails(write(phi3(), w), "model.layers.0.self_attn.q_proj.weight", "no place in a Phi3ForCausalLM");
    }

    @Test
    void phi3UnsupportedRopeScalingType() throws IOException {
        assertFails(withConfig(phi3(), Map.of("rope_scaling", Map.of("type", "dynamic", "factor", 2.0))),
                "rope_scaling", "rope type \"dynamic\" is not supported for phi3", "longrope");
    }

    @Test
    void phi3LongRopeFactorsOfTheWrongLength() throws IOException {
        assertFails(withConfig(phi3(), Map.of("max_position_embeddings", 4096, "rope_scaling", Map.of("type", "longrope",
                        "long_factor", List.of(1.0, 2.0, 3.0), "short_factor", List.of(1.0, 1.0, 1.0, 1.0)))),
                "rope_scaling", "\"long_factor\" has 3 factors", "need 4");
    }

    @Test
    void phi3LongRopeWithoutShortFactors() throws IOException {
        assertFails(withConfig(phi3(), Map.of("rope_scaling", Map.of("type", "longrope", "long_factor", List.of(1.0, 2.0, 3.0, 4.0)))),
                "rope_scaling", "\"short_factor\" is missing");
    }

    @Test
    void phi3PartialRotaryThatLeavesAnOddCount() throws IOException {
        assertFails(withConfig(phi3(), Map.of("partial_rotary_factor", 0.375)), "partial_rotary_factor", "3 rotary dimensions");
    }

    @Test
    void phi3WithoutOriginalContext() throws IOException {
        // Phi3Config has a default, so a null is the only way to lose it
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("original_max_position_embeddings", null);
        assertFails(withConfig(phi3(), change), "original_max_position_embeddings", "null");
    }

    @Test
    void gemma2WithoutSoftCapping() throws IOException {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("attn_logit_softcapping", null);
        assertFails(withConfig(gemma2(), change), "\"attn_logit_softcapping\" must be a positive number, not null");
    }

    @Test
    void gemma2HasNoRopeScaling() throws IOException {
        assertFails(withConfig(gemma2(), Map.of("rope_scaling", Map.of("rope_type", "linear", "factor", 2.0))),
                "rope type \"linear\" is not supported for gemma2");
    }

    @Test
    void gemma2LayersThatDoNotAlternate() throws IOException {
        assertFails(withConfig(gemma2(), Map.of("layer_types", List.of("full_attention", "sliding_attention"))),
                "\"layer_types\"[0]", "sliding_attention");
    }

    @Test
    void gemma3IrregularLayerTypes() throws IOException {
        assertFails(withConfig(gemma3(), Map.of("layer_types",
                        List.of("sliding_attention", "full_attention", "full_attention", "sliding_attention"))),
                "\"layer_types\"[2]", "would be sliding_attention");
    }

    @Test
    void gemma3LayerTypesOfTheWrongLength() throws IOException {
        assertFails(withConfig(gemma3(), Map.of("layer_types", List.of("sliding_attention", "full_attention"))),
                "\"layer_types\" lists 2 layers", "num_hidden_layers is 4");
    }

    @Test
    void gemma3WithAttentionSoftCapping() throws IOException {
        assertFails(withConfig(gemma3(), Map.of("attn_logit_softcapping", 50.0)), "attn_logit_softcapping", "Gemma 3");
    }

    @Test
    void gemma3UnsupportedRopeType() throws IOException {
        assertFails(withConfig(gemma3(), Map.of("rope_scaling", Map.of("rope_type", "yarn", "factor", 2.0))),
                "rope type \"yarn\" is not supported for gemma3");
    }

    @Test
    void gemma3TextConfigThatIsNotAnObject() throws IOException {
        assertFails(withConfig(gemma3(), Map.of("text_config", List.of(1))), "\"text_config\" must be a JSON object");
    }

    @Test
    void qwen3YarnWithoutOriginalContext() throws IOException {
        assertFails(withConfig(qwen3(), Map.of("rope_scaling", Map.of("rope_type", "yarn", "factor", 4.0))),
                "rope_scaling", "\"original_max_position_embeddings\" is missing");
    }

    @Test
    void ropeScalingFactorWithoutType() throws IOException {
        assertFails(withConfig(qwen3(), Map.of("rope_scaling", Map.of("factor", 4.0))), "rope_scaling", "no \"rope_type\"");
    }

    @Test
    void unknownArchitectureListsTheNewFamilies() throws IOException {
        assertFails(withConfig(qwen3(), Map.of("architectures", List.of("Gemma3nForCausalLM"))), "Gemma3nForCausalLM",
                "not supported", "Gemma2ForCausalLM", "Gemma3ForConditionalGeneration", "Phi3ForCausalLM", "Qwen3ForCausalLM");
    }
}
