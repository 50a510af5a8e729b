package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cove.core.Model;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.tensor.Float16;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tokenizer.TokenType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cove convert hf} on tiny Qwen3, Gemma 2, Gemma 3 and Phi-3 checkpoints built by
 * {@link HfArchFiles}: the GGUF must have llama.cpp's architecture, metadata keys (in
 * convert_hf_to_gguf.py's order), tensor names, shapes and types, and weights transformed as
 * llama.cpp's converter transforms them (Gemma's norms 1 + w; nothing permuted; Phi-3's fused
 * matrices unchanged). Once Cove's forward pass runs a family, its logits are compared with the
 * independent reference of {@link HfArchFiles#referenceLogits}; until then that part skips.
 */
class HfFamilyConverterTest {
    @TempDir
    Path tmp;

    static final int[] TOKENS = {2, 270, 273, 5, 100, 281, 7, 271, 260, 1, 17, 280, 33, 34, 35, 36, 37, 38, 39, 40};

    private Path checkpoint(String name, HfArchFiles.Arch a, String dtype, Map<String, HfFiles.Weight> w,
                            Map<String, Object> tokenizer, Map<String, Object> tokenizerConfig) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        HfArchFiles.writeConfig(dir, a);
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, dtype);
        HfFiles.json(dir.resolve("tokenizer.json"), tokenizer);
        if (tokenizerConfig != null) {
            HfFiles.json(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
        return dir;
    }

    private static List<String> modelKeys(GgufMetadata md) {
        List<String> keys = new ArrayList<>();
        for (String k : md.keys()) {
            if (!k.startsWith("tokenizer.")) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static float[] floats(GgufFile f, String tensor) {
        return HfConverterTest.floats(f, f.tensor(tensor));
    }

    private static float[] plusOne(float[] w) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] + 1f;
        }
        return out;
    }

    /** Compares Cove's logits on the converted file with the float64 reference on the checkpoint's weights. */
    private static void assertCoveLogitsMatch(Path gguf, HfArchFiles.Arch a, Map<String, HfFiles.Weight> w,
                                                        double maxNmse) {
        Model model = Model.load(gguf, 1);
        double[][] reference = HfArchFiles.referenceLogits(a, w, TOKENS);
        try (model) {
            var forward = model.forwardPass();
            var state = forward.newState(TOKENS.length);
            for (int pos = 0; pos < TOKENS.length; pos++) {
                forward.forward(state, TOKENS[pos], pos, true);
                assertThat(HfFiles.nmse(state.logits(), reference[pos])).as("NMSE of the logits at position %d", pos)
                        .isLessThanOrEqualTo(maxNmse);
            }
        }
    }

    // ------------------------------------------------------------------ Qwen3

    static HfArchFiles.Arch qwen3(boolean tied) {
        // head_dim 16 is not hidden/heads (8): the GGUF must say so
        return HfArchFiles.arch("Qwen3ForCausalLM", 32, 48, 2, 4, 2, 16, 300, tied,
                Map.of("bos_token_id", 261, "eos_token_id", 263));
    }

    @Test
    void qwen3KeysTensorsAndQkNorms() throws IOException {
        HfArchFiles.Arch a = qwen3(true);
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 21, "BF16");
        Path dir = checkpoint("qwen3", a, "BF16", w,
                HfFiles.byteLevelTokenizerJson(HfTokenizer.QWEN2_REGEX, List.of("h e", "l l", "he ll", "hell o", "\u0120 w")),
                HfFiles.byteLevelTokenizerConfig());
        Path out = tmp.resolve("qwen3.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(r.architecture()).isEqualTo("qwen3");
        assertThat(r.weightType()).isEqualTo(GgmlType.BF16);
        assertThat(r.tiedEmbeddings()).isTrue();
        assertThat(r.preTokenizer()).isEqualTo("qwen2");
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            // TextModel.set_gguf_parameters' keys and order; head_dim gives key/value length
            assertThat(modelKeys(md)).containsExactly("general.architecture", "general.type", "general.name",
                    "qwen3.block_count", "qwen3.context_length", "qwen3.embedding_length", "qwen3.feed_forward_length",
                    "qwen3.attention.head_count", "qwen3.attention.head_count_kv", "qwen3.rope.freq_base",
                    "qwen3.attention.layer_norm_rms_epsilon", "qwen3.attention.key_length", "qwen3.attention.value_length",
                    "general.file_type", "general.quantization_version");
            assertThat(md.getInt("qwen3.attention.key_length")).isEqualTo(16);
            assertThat(md.getFloat("qwen3.rope.freq_base")).isEqualTo(1e6f);
            assertThat(md.getLong("general.file_type")).isEqualTo(32);
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(f.tensors().keySet()).containsExactly("token_embd.weight",
                    "blk.0.attn_norm.weight", "blk.0.attn_q.weight", "blk.0.attn_q_norm.weight", "blk.0.attn_k.weight",
                    "blk.0.attn_k_norm.weight", "blk.0.attn_v.weight", "blk.0.attn_output.weight", "blk.0.ffn_norm.weight",
                    "blk.0.ffn_gate.weight", "blk.0.ffn_up.weight", "blk.0.ffn_down.weight",
                    "blk.1.attn_norm.weight", "blk.1.attn_q.weight", "blk.1.attn_q_norm.weight", "blk.1.attn_k.weight",
                    "blk.1.attn_k_norm.weight", "blk.1.attn_v.weight", "blk.1.attn_output.weight", "blk.1.ffn_norm.weight",
                    "blk.1.ffn_gate.weight", "blk.1.ffn_up.weight", "blk.1.ffn_down.weight", "output_norm.weight");
            GgufTensorInfo qNorm = f.tensor("blk.1.attn_q_norm.weight");
            assertThat(qNorm.type()).isEqualTo(GgmlType.F32);
            assertThat(qNorm.shape()).containsExactly(16);
            assertThat(floats(f, "blk.1.attn_q_norm.weight")).containsExactly(w.get("model.layers.1.self_attn.q_norm.weight").values());
            GgufTensorInfo q = f.tensor("blk.0.attn_q.weight");
            assertThat(q.type()).isEqualTo(GgmlType.BF16);
            assertThat(q.shape()).containsExactly(32, 64);
            // no permutation: llama.cpp runs qwen3 with the NeoX rotation, Hugging Face's layout
            assertThat(floats(f, "blk.0.attn_q.weight")).containsExactly(w.get("model.layers.0.self_attn.q_proj.weight").values());
            assertThat(floats(f, "blk.0.attn_k.weight")).containsExactly(w.get("model.layers.0.self_attn.k_proj.weight").values());
        }
    }

    @Test
    void qwen3YarnScalingIsWrittenAsLlamaCppDoes() throws IOException {
        Map<String, Object> yarn = Map.of("rope_type", "yarn", "factor", 4.0, "original_max_position_embeddings", 32768);
        HfArchFiles.Arch base = qwen3(false);
        Map<String, Object> config = new LinkedHashMap<>(base.config());
        config.put("rope_scaling", yarn);
        HfArchFiles.Arch a = new HfArchFiles.Arch(base.architecture(), 32, 48, 2, 4, 2, 16, 300, false, config);
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 22, "F32");
        Path dir = checkpoint("qwen3-yarn", a, "F32", w, HfFiles.byteLevelTokenizerJson(HfTokenizer.QWEN2_REGEX, List.of("h e")),
                null);
        Path out = tmp.resolve("qwen3-yarn.gguf");
        HfConverter.convert(dir, out, HfConverter.Options.defaults());
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            assertThat(md.getString("qwen3.rope.scaling.type")).isEqualTo("yarn");
            assertThat(md.getFloat("qwen3.rope.scaling.factor")).isEqualTo(4f);
            assertThat(md.getInt("qwen3.rope.scaling.original_context_length")).isEqualTo(32768);
            assertThat(f.hasTensor("output.weight")).isTrue();
            assertThat(f.tensor("output.weight").type()).isEqualTo(GgmlType.F16); // F32 source, auto: F16 as llama.cpp
            assertThat(md.getLong("general.file_type")).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ Gemma 2

    static HfArchFiles.Arch gemma2() {
        // head_dim 16 with hidden 32 and 4 heads (not hidden/heads), as real Gemma models have
        return HfArchFiles.arch("Gemma2ForCausalLM", 32, 48, 2, 4, 2, 16, 300, true, Map.of());
    }

    @Test
    void gemma2KeysNormsPlusOneAndNoOutput() throws IOException {
        HfArchFiles.Arch a = gemma2();
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>(HfArchFiles.weights(a, 23, "BF16"));
        // an lm_head in the checkpoint is left out, as llama.cpp's converter does
        w.put("lm_head.weight", w.get("model.embed_tokens.weight"));
        Path dir = checkpoint("gemma2", a, "BF16", w, HfArchFiles.gemmaTokenizerJson(), HfArchFiles.gemmaTokenizerConfig());
        Path out = tmp.resolve("gemma2.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        assertThat(r.architecture()).isEqualTo("gemma2");
        assertThat(r.tiedEmbeddings()).isTrue();
        assertThat(r.notes()).anyMatch(n -> n.contains("lm_head.weight"));
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            // Gemma2Model.set_gguf_parameters: no rope.freq_base (llama.cpp assumes 10000)
            assertThat(modelKeys(md)).containsExactly("general.architecture", "general.type", "general.name",
                    "gemma2.context_length", "gemma2.embedding_length", "gemma2.block_count", "gemma2.feed_forward_length",
                    "gemma2.attention.head_count", "gemma2.attention.head_count_kv",
                    "gemma2.attention.layer_norm_rms_epsilon", "gemma2.attention.key_length",
                    "gemma2.attention.value_length", "general.file_type", "gemma2.attn_logit_softcapping",
                    "gemma2.final_logit_softcapping", "gemma2.attention.sliding_window", "general.quantization_version");
            assertThat(md.getFloat("gemma2.attn_logit_softcapping")).isEqualTo(10f);
            assertThat(md.getFloat("gemma2.final_logit_softcapping")).isEqualTo(5f);
            assertThat(md.getInt("gemma2.attention.sliding_window")).isEqualTo(8);
            assertThat(md.getInt("gemma2.attention.key_length")).isEqualTo(16);
            assertThat(md.getInt("gemma2.attention.head_count")).isEqualTo(4);
            assertThat(f.hasTensor("output.weight")).isFalse();
            assertThat(f.tensors().keySet()).contains("blk.1.attn_norm.weight", "blk.1.post_attention_norm.weight",
                    "blk.1.ffn_norm.weight", "blk.1.post_ffw_norm.weight", "blk.1.ffn_gate.weight", "output_norm.weight");
            assertThat(f.tensors()).hasSize(1 + 2 * 11 + 1);
            // every norm is written as 1 + w
            String[][] norms = {{"blk.1.attn_norm.weight", "model.layers.1.input_layernorm.weight"},
                {"blk.1.post_attention_norm.weight", "model.layers.1.post_attention_layernorm.weight"},
                {"blk.1.ffn_norm.weight", "model.layers.1.pre_feedforward_layernorm.weight"},
                {"blk.1.post_ffw_norm.weight", "model.layers.1.post_feedforward_layernorm.weight"},
                {"output_norm.weight", "model.norm.weight"}};
            for (String[] n : norms) {
                assertThat(floats(f, n[0])).as(n[0]).containsExactly(plusOne(w.get(n[1]).values()));
            }
            // matrices unchanged, the embedding not scaled (llama.cpp multiplies by sqrt(dim) when it runs)
            assertThat(floats(f, "blk.0.attn_q.weight")).containsExactly(w.get("model.layers.0.self_attn.q_proj.weight").values());
            assertThat(floats(f, "token_embd.weight")).containsExactly(w.get("model.embed_tokens.weight").values());
        }
    }

    @Test
    void gemmaTokenizerAsLlamaCppWritesIt() throws IOException {
        HfArchFiles.Arch a = gemma2();
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 24, "F32");
        Path dir = checkpoint("gemma-tok", a, "F32", w, HfArchFiles.gemmaTokenizerJson(), HfArchFiles.gemmaTokenizerConfig());
        Path out = tmp.resolve("gemma-tok.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(r.tokenizerModel()).isEqualTo("llama");
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            assertThat(md.getString("tokenizer.ggml.pre")).isEqualTo("default");
            assertThat(md.getBoolean("tokenizer.ggml.add_space_prefix", true)).isFalse();
            assertThat(md.getLong("tokenizer.ggml.bos_token_id")).isEqualTo(2);
            assertThat(md.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(6); // tokenizer_config's <end_of_turn>
            assertThat(md.getLong("tokenizer.ggml.unknown_token_id")).isEqualTo(3);
            assertThat(md.getLong("tokenizer.ggml.padding_token_id")).isEqualTo(0);
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token", false)).isTrue();
            assertThat(md.getBoolean("tokenizer.ggml.add_eos_token", true)).isFalse();
            assertThat(md.getBoolean("tokenizer.ggml.add_sep_token", true)).isFalse(); // <bos> between pair parts is no separator
            assertThat(md.getString("tokenizer.chat_template")).isEqualTo(HfArchFiles.GEMMA_TEMPLATE);
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            assertThat(tokens).hasSize(300);
            // the special tokens and <mask>, which only looks special: all CONTROL, score -1000
            for (int i = 0; i < 7; i++) {
                assertThat(types[i]).as("type of %s", tokens[i]).isEqualTo(TokenType.CONTROL.code());
                assertThat(scores[i]).isEqualTo(-1000f);
            }
            // a non-special added piece is USER_DEFINED, its U+2581 turned into spaces
            assertThat(tokens[7]).isEqualTo("  ");
            assertThat(types[7]).isEqualTo(TokenType.USER_DEFINED.code());
            assertThat(scores[7]).isEqualTo(-1000f);
            assertThat(tokens[8]).isEqualTo("<0x00>");
            assertThat(types[8]).isEqualTo(TokenType.BYTE.code());
            assertThat(tokens[299]).isEqualTo("[PAD299]");
            assertThat(types[299]).isEqualTo(TokenType.UNUSED.code());
            assertThat(scores[299]).isEqualTo(-10000f);
            // merged pieces score by merge order, above the single characters
            int hello = List.of(tokens).indexOf("\u2581hello");
            int h = List.of(tokens).indexOf("h");
            assertThat(types[hello]).isEqualTo(TokenType.NORMAL.code());
            assertThat(scores[hello]).isGreaterThan(scores[h]);
        }
    }

    // ------------------------------------------------------------------ Gemma 3

    static HfArchFiles.Arch gemma3(Map<String, Object> extra) {
        return HfArchFiles.arch("Gemma3ForCausalLM", 32, 48, 4, 4, 2, 16, 300, true, extra);
    }

    @Test
    void gemma3KeysQkNormsAndLocalRopeBase() throws IOException {
        HfArchFiles.Arch a = gemma3(Map.of("rope_scaling", Map.of("rope_type", "linear", "factor", 8.0)));
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 25, "F16");
        Path dir = checkpoint("gemma3", a, "F16", w, HfArchFiles.gemmaTokenizerJson(), HfArchFiles.gemmaTokenizerConfig());
        Path out = tmp.resolve("gemma3.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(r.architecture()).isEqualTo("gemma3");
        assertThat(r.weightType()).isEqualTo(GgmlType.F16);
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            assertThat(modelKeys(md)).containsExactly("general.architecture", "general.type", "general.name",
                    "gemma3.block_count", "gemma3.context_length", "gemma3.embedding_length", "gemma3.feed_forward_length",
                    "gemma3.attention.head_count", "gemma3.attention.head_count_kv", "gemma3.rope.scaling.type",
                    "gemma3.rope.scaling.factor", "gemma3.rope.freq_base", "gemma3.rope.freq_base_swa",
                    "gemma3.attention.layer_norm_rms_epsilon", "gemma3.attention.key_length", "gemma3.attention.value_length",
                    "general.file_type", "gemma3.attention.sliding_window", "gemma3.attention.sliding_window_pattern",
                    "general.quantization_version");
            assertThat(md.getFloat("gemma3.rope.freq_base")).isEqualTo(1e6f);
            assertThat(md.getFloat("gemma3.rope.freq_base_swa")).isEqualTo(1e4f);
            assertThat(md.getString("gemma3.rope.scaling.type")).isEqualTo("linear");
            assertThat(md.getFloat("gemma3.rope.scaling.factor")).isEqualTo(8f);
            assertThat(md.getInt("gemma3.attention.sliding_window")).isEqualTo(8);
            assertThat(md.getInt("gemma3.attention.sliding_window_pattern")).isEqualTo(2);
            assertThat(md.contains("gemma3.final_logit_softcapping")).isFalse();
            assertThat(f.hasTensor("output.weight")).isFalse();
            assertThat(f.tensors().keySet()).containsSequence("blk.2.attn_norm.weight", "blk.2.attn_q.weight",
                    "blk.2.attn_q_norm.weight", "blk.2.attn_k.weight", "blk.2.attn_k_norm.weight", "blk.2.attn_v.weight",
                    "blk.2.attn_output.weight", "blk.2.post_attention_norm.weight", "blk.2.ffn_norm.weight",
                    "blk.2.ffn_gate.weight", "blk.2.ffn_up.weight", "blk.2.ffn_down.weight", "blk.2.post_ffw_norm.weight");
            // from an F16 checkpoint llama.cpp adds 1 in float16: the sums are rounded to float16
            float[] qn = w.get("model.layers.2.self_attn.q_norm.weight").values();
            float[] expected = new float[qn.length];
            for (int i = 0; i < qn.length; i++) {
                expected[i] = Float16.toFloat(Float16.fromFloat(qn[i] + 1f));
            }
            assertThat(floats(f, "blk.2.attn_q_norm.weight")).containsExactly(expected);
            assertThat(f.tensor("blk.2.attn_q_norm.weight").type()).isEqualTo(GgmlType.F32);
            float[] kn = floats(f, "blk.3.attn_k_norm.weight");
            float[] src = w.get("model.layers.3.self_attn.k_norm.weight").values();
            for (int i = 0; i < kn.length; i++) {
                assertThat(kn[i]).isCloseTo(src[i] + 1f, within(1e-3f));
            }
        }
    }

    @Test
    void gemma3DefaultPatternAndLayerTypes() throws IOException {
        // pattern 6 (every Gemma 3): llama.cpp's default, so no key, as llama.cpp's converter writes it
        List<String> types = List.of("sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention",
                "sliding_attention", "full_attention", "sliding_attention");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("sliding_window_pattern", null);
        extra.put("layer_types", types);
        extra.put("num_hidden_layers", 7);
        extra.put("final_logit_softcapping", 30.0);
        HfArchFiles.Arch a = HfArchFiles.arch("Gemma3ForCausalLM", 32, 48, 7, 4, 2, 16, 300, true, extra);
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 26, "F32");
        Path dir = checkpoint("gemma3-6", a, "F32", w, HfArchFiles.gemmaTokenizerJson(), HfArchFiles.gemmaTokenizerConfig());
        Path out = tmp.resolve("gemma3-6.gguf");
        HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            assertThat(md.contains("gemma3.attention.sliding_window_pattern")).isFalse();
            assertThat(md.getInt("gemma3.attention.sliding_window")).isEqualTo(8);
            assertThat(md.getFloat("gemma3.final_logit_softcapping")).isEqualTo(30f);
            assertThat(floats(f, "blk.6.attn_q_norm.weight")).containsExactly(
                    plusOne(w.get("model.layers.6.self_attn.q_norm.weight").values()));
        }
    }

    @Test
    void gemma3MultimodalCheckpointGivesItsTextModel() throws IOException {
        // Gemma3ForConditionalGeneration: text_config with transformers' defaults left out, language_model prefix,
        // vision tower and projector tensors
        Map<String, Object> textConfig = new LinkedHashMap<>();
        textConfig.put("hidden_size", 32);
        textConfig.put("intermediate_size", 48);
        textConfig.put("num_hidden_layers", 2);
        textConfig.put("num_attention_heads", 4);
        textConfig.put("num_key_value_heads", 2);
        textConfig.put("head_dim", 16);
        textConfig.put("vocab_size", 300);
        textConfig.put("query_pre_attn_scalar", 16);
        textConfig.put("sliding_window", 8);
        textConfig.put("model_type", "gemma3_text");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", List.of("Gemma3ForConditionalGeneration"));
        config.put("model_type", "gemma3");
        config.put("text_config", textConfig);
        config.put("vision_config", Map.of("hidden_size", 16, "model_type", "siglip_vision_model"));
        config.put("eos_token_id", List.of(1, 6));
        config.put("image_token_index", 299);
        HfArchFiles.Arch a = new HfArchFiles.Arch("Gemma3ForConditionalGeneration", 32, 48, 2, 4, 2, 16, 300, true, config);
        Map<String, HfFiles.Weight> text = HfArchFiles.weights(a, 27, "BF16");
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>();
        w.put("vision_tower.vision_model.embeddings.patch_embedding.weight", new HfFiles.Weight(new long[] {16, 3}, new float[48]));
        w.put("multi_modal_projector.mm_soft_emb_norm.weight", new HfFiles.Weight(new long[] {16}, new float[16]));
        text.forEach((k, v) -> w.put("language_model." + k, v));
        Path dir = checkpoint("gemma3-mm", a, "BF16", w, HfArchFiles.gemmaTokenizerJson(), HfArchFiles.gemmaTokenizerConfig());
        Path out = tmp.resolve("gemma3-mm.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(r.hfArchitecture()).isEqualTo("Gemma3ForConditionalGeneration");
        assertThat(r.architecture()).isEqualTo("gemma3");
        assertThat(r.notes()).anyMatch(n -> n.contains("2 tensors of the vision tower"));
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            // transformers' Gemma3TextConfig defaults fill what text_config leaves out
            assertThat(md.getInt("gemma3.context_length")).isEqualTo(131072);
            assertThat(md.getFloat("gemma3.rope.freq_base")).isEqualTo(1e6f);
            assertThat(md.getFloat("gemma3.rope.freq_base_swa")).isEqualTo(1e4f);
            assertThat(md.getFloat("gemma3.attention.layer_norm_rms_epsilon")).isEqualTo(1e-6f);
            assertThat(md.contains("gemma3.attention.sliding_window_pattern")).isFalse(); // default 6
            assertThat(f.tensors()).hasSize(1 + 2 * 13 + 1);
            assertThat(f.tensors().keySet()).noneMatch(n -> n.contains("vision") || n.contains("mm_"));
            assertThat(floats(f, "output_norm.weight")).containsExactly(plusOne(text.get("model.norm.weight").values()));
        }
    }

    // ------------------------------------------------------------------ Phi-3

    static final int PHI3_EOS = 3 + 256 + HfFiles.SPM_MERGED.size() + HfFiles.SPM_CHARS.size(); // <|endoftext|>

    static HfArchFiles.Arch phi3(Map<String, Object> extra) {
        Map<String, Object> e = new LinkedHashMap<>(Map.of("eos_token_id", PHI3_EOS, "pad_token_id", PHI3_EOS));
        e.putAll(extra);
        return HfArchFiles.arch("Phi3ForCausalLM", 32, 48, 2, 4, 2, 8, 300, false, e);
    }

    @Test
    void phi3FusedTensorsPartialRotaryAndLongRope() throws IOException {
        float[] longF = {1f, 1.5f, 2f, 4f};
        float[] shortF = {1f, 1.1f, 1.2f, 1.3f};
        Map<String, Object> rope = Map.of("type", "longrope", "long_factor", List.of(1.0, 1.5, 2.0, 4.0),
                "short_factor", List.of(1.0, 1.1, 1.2, 1.3));
        HfArchFiles.Arch a = phi3(Map.of("partial_rotary_factor", 1.0, "max_position_embeddings", 2048, "rope_scaling", rope));
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 28, "BF16");
        Path dir = checkpoint("phi3", a, "BF16", w, HfArchFiles.phi3TokenizerJson(300), HfArchFiles.phi3TokenizerConfig());
        Path out = tmp.resolve("phi3.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(r.architecture()).isEqualTo("phi3");
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            assertThat(modelKeys(md)).containsExactly("general.architecture", "general.type", "general.name",
                    "phi3.context_length", "phi3.rope.scaling.original_context_length", "phi3.embedding_length",
                    "phi3.feed_forward_length", "phi3.block_count", "phi3.attention.head_count",
                    "phi3.attention.head_count_kv", "phi3.attention.layer_norm_rms_epsilon", "phi3.rope.dimension_count",
                    "phi3.rope.freq_base", "general.file_type", "phi3.attention.sliding_window",
                    "phi3.rope.scaling.attn_factor", "general.quantization_version");
            assertThat(md.getInt("phi3.context_length")).isEqualTo(2048);
            assertThat(md.getInt("phi3.rope.scaling.original_context_length")).isEqualTo(512);
            assertThat(md.getInt("phi3.rope.dimension_count")).isEqualTo(8);
            assertThat(md.getInt("phi3.attention.sliding_window")).isEqualTo(2047);
            assertThat(md.getFloat("phi3.rope.scaling.attn_factor"))
                    .isEqualTo((float) Math.sqrt(1 + Math.log(4) / Math.log(512)));
            assertThat(f.tensors().keySet()).containsExactly("token_embd.weight", "rope_factors_long.weight",
                    "rope_factors_short.weight", "blk.0.attn_norm.weight", "blk.0.attn_qkv.weight", "blk.0.attn_output.weight",
                    "blk.0.ffn_norm.weight", "blk.0.ffn_up.weight", "blk.0.ffn_down.weight", "blk.1.attn_norm.weight",
                    "blk.1.attn_qkv.weight", "blk.1.attn_output.weight", "blk.1.ffn_norm.weight", "blk.1.ffn_up.weight",
                    "blk.1.ffn_down.weight", "output_norm.weight", "output.weight");
            assertThat(floats(f, "rope_factors_long.weight")).containsExactly(longF);
            assertThat(floats(f, "rope_factors_short.weight")).containsExactly(shortF);
            assertThat(f.tensor("rope_factors_long.weight").type()).isEqualTo(GgmlType.F32);
            // fused q, k, v rows and gate-then-up rows, unchanged
            assertThat(f.tensor("blk.0.attn_qkv.weight").shape()).containsExactly(32, 32 + 2 * 16);
            assertThat(floats(f, "blk.0.attn_qkv.weight")).containsExactly(w.get("model.layers.0.self_attn.qkv_proj.weight").values());
            assertThat(f.tensor("blk.1.ffn_up.weight").shape()).containsExactly(32, 96);
            assertThat(floats(f, "blk.1.ffn_up.weight")).containsExactly(w.get("model.layers.1.mlp.gate_up_proj.weight").values());
            assertThat(floats(f, "blk.1.ffn_norm.weight")).containsExactly(
                    w.get("model.layers.1.post_attention_layernorm.weight").values());
        }
    }

    @Test
    void phi3PartialRotaryWithoutScaling() throws IOException {
        HfArchFiles.Arch a = phi3(Map.of("partial_rotary_factor", 0.5));
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 29, "F32");
        Path dir = checkpoint("phi3-plain", a, "F32", w, HfArchFiles.phi3TokenizerJson(300), HfArchFiles.phi3TokenizerConfig());
        Path out = tmp.resolve("phi3-plain.gguf");
        HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            assertThat(md.getInt("phi3.rope.dimension_count")).isEqualTo(4); // int(0.5 * 32) / 4
            assertThat(md.contains("phi3.rope.scaling.attn_factor")).isFalse();
            assertThat(f.hasTensor("rope_factors_long.weight")).isFalse();
            // the tokenizer as Phi3MiniModel.set_vocab writes it from tokenizer.json's added tokens
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(md.contains("tokenizer.ggml.add_space_prefix")).isFalse(); // prepends a space: llama.cpp's default
            assertThat(types[0]).isEqualTo(TokenType.CONTROL.code()); // <unk>: special added token
            assertThat(types[1]).isEqualTo(TokenType.CONTROL.code());
            assertThat(types[2]).isEqualTo(TokenType.USER_DEFINED.code()); // </s>: added, not special
            assertThat(tokens[PHI3_EOS]).isEqualTo("<|endoftext|>");
            assertThat(types[PHI3_EOS]).isEqualTo(TokenType.CONTROL.code());
            assertThat(scores[PHI3_EOS]).isEqualTo(-1000f);
            assertThat(md.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(PHI3_EOS);
            assertThat(md.getLong("tokenizer.ggml.unknown_token_id")).isEqualTo(0);
            assertThat(md.getString("tokenizer.chat_template")).isEqualTo(HfArchFiles.PHI3_TEMPLATE);
        }
    }

    // ------------------------------------------------------------------ Cove's forward pass

    /**
     * The converted file in Cove's forward pass against the reference (which matches llama.cpp on
     * these files, see {@link HfLlamaCppCheck}); skips while Cove does not run the family.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "gemma2", "gemma3", "gemma3-linear", "gemma3-final-softcap", "phi3", "phi3-longrope"})
    void coveRunsTheConvertedFileLikeTheReference(String family) throws IOException {
        HfArchFiles.Arch a = HfLlamaCppCheck.arch(family);
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 32, "F32");
        Map<String, Object> tokenizer;
        Map<String, Object> tokenizerConfig;
        if (family.startsWith("qwen3")) {
            tokenizer = HfFiles.byteLevelTokenizerJson(HfTokenizer.QWEN2_REGEX, HfLlamaCppCheck.QWEN3_MERGES);
            tokenizerConfig = HfFiles.byteLevelTokenizerConfig();
        } else if (family.startsWith("gemma")) {
            tokenizer = HfArchFiles.gemmaTokenizerJson();
            tokenizerConfig = HfArchFiles.gemmaTokenizerConfig();
        } else {
            tokenizer = HfArchFiles.phi3TokenizerJson(a.vocab());
            tokenizerConfig = HfArchFiles.phi3TokenizerConfig();
        }
        Path dir = checkpoint(family, a, "F32", w, tokenizer, tokenizerConfig);
        Path out = tmp.resolve(family + ".gguf");
        HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        // Gemma: llama.cpp's own GELU rounds to float16 (NMSE about 4e-7 on these files); an exact one does better
        assertCoveLogitsMatch(out, a, w, a.gemma() ? 2e-6 : 1e-9);
    }
}
