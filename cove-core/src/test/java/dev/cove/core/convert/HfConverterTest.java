package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.Model;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodecs;
import dev.cove.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cove convert hf} on tiny checkpoints built by {@link HfFiles}: the converted GGUF must
 * give the logits computed straight from the safetensors weights by an independent forward pass
 * in Hugging Face's layout (NMSE at most 1e-6 for F32 output), and carry the tokenizer, special
 * tokens and chat template.
 */
class HfConverterTest {
    /** GQA (4 query heads, 2 key/value heads), untied, head size 8. */
    static final HfFiles.Shape LLAMA = new HfFiles.Shape("LlamaForCausalLM", 32, 48, 2, 4, 2, 290, false, 10000.0, 1e-5);
    static final int[] TOKENS = {1, 270, 273, 5, 100, 281, 282, 271, 260, 2, 17, 289};

    @TempDir
    Path tmp;

    private Path checkpoint(String name, HfFiles.Shape shape, String dtype, Map<String, HfFiles.Weight> weights, int shards)
            throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        HfFiles.config(dir, shape, Map.of());
        if (shards <= 1) {
            HfFiles.safetensors(dir.resolve("model.safetensors"), weights, dtype);
        } else {
            HfFiles.shardedSafetensors(dir, weights, dtype, shards);
        }
        if (shape.architecture().equals("LlamaForCausalLM") && shape.vocab() < 1000) {
            HfFiles.json(dir.resolve("tokenizer.json"), HfFiles.spmTokenizerJson());
            HfFiles.json(dir.resolve("tokenizer_config.json"), HfFiles.spmTokenizerConfig());
        }
        return dir;
    }

    private static void assertLogitsMatch(Path gguf, HfFiles.Shape shape, Map<String, HfFiles.Weight> weights, double maxNmse) {
        double[][] reference = HfFiles.referenceLogits(shape, weights, TOKENS);
        try (Model model = Model.load(gguf, 1)) {
            Transformer forward = model.forwardPass();
            ForwardState state = forward.newState(TOKENS.length);
            for (int pos = 0; pos < TOKENS.length; pos++) {
                forward.forward(state, TOKENS[pos], pos, true);
                double nmse = HfFiles.nmse(state.logits(), reference[pos]);
                assertThat(nmse).as("NMSE of the logits at position %d", pos).isLessThanOrEqualTo(maxNmse);
            }
        }
    }

    @Test
    void llamaRoundTripPreservesLogitsInF32() throws IOException {
        Map<String, HfFiles.Weight> w = HfFiles.weights(LLAMA, 1, "F32");
        Path dir = checkpoint("llama", LLAMA, "F32", w, 1);
        Path out = tmp.resolve("llama.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        assertThat(r.architecture()).isEqualTo("llama");
        assertThat(r.tiedEmbeddings()).isFalse();
        assertThat(r.weightType()).isEqualTo(GgmlType.F32);
        assertLogitsMatch(out, LLAMA, w, 1e-6);
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(f.metadata().getLong("general.file_type")).isZero();
            assertThat(f.metadata().getInt("llama.attention.head_count_kv")).isEqualTo(2);
            assertThat(f.metadata().getInt("llama.rope.dimension_count")).isEqualTo(8);
            assertThat(f.hasTensor("output.weight")).isTrue();
        }
    }

    /** The permutation is what makes the logits right: without it GGUF's pair rotation would scramble q and k. */
    @Test
    void queryAndKeyRowsAreInterleavedPerHead() {
        // head size 8: GGUF rows 0..7 of a head come from HF rows 0,4,1,5,2,6,3,7
        long[] expected = {0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13};
        for (int r = 0; r < expected.length; r++) {
            assertThat(HfConverter.sourceRow(r, 8)).as("row %d", r).isEqualTo(expected[r]);
        }
    }

    @Test
    void tokenizerSpecialTokensAndChatTemplateAreCarried() throws IOException {
        Map<String, HfFiles.Weight> w = HfFiles.weights(LLAMA, 2, "F32");
        Path dir = checkpoint("llama-tok", LLAMA, "F32", w, 1);
        Path out = tmp.resolve("tok.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults());
        assertThat(r.chatTemplate()).isTrue();
        assertThat(r.tokenizerModel()).isEqualTo("llama");
        try (GgufFile f = GgufFile.open(out)) {
            var md = f.metadata();
            assertThat(md.getString("tokenizer.chat_template")).isEqualTo(HfFiles.CHAT_TEMPLATE);
            assertThat(md.getLong("tokenizer.ggml.bos_token_id")).isEqualTo(1);
            assertThat(md.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(2);
            assertThat(md.getLong("tokenizer.ggml.unknown_token_id")).isEqualTo(0);
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token", false)).isTrue();
            assertThat(md.getBoolean("tokenizer.ggml.add_eos_token", true)).isFalse();
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(290);
            assertThat(tokens[289]).isEqualTo("[PAD289]"); // config's vocab_size is larger than the tokenizer
            Tokenizer t = Tokenizer.fromGguf(md);
            int hello = t.vocabulary().tokenId("\u2581hello");
            int world = t.vocabulary().tokenId("\u2581world");
            // as Hugging Face's BPE: "▁hello▁world" merges to two tokens
            assertThat(t.encode("hello world", false, false)).containsExactly(hello, world);
            assertThat(t.encode("hello world", true, false)).containsExactly(1, hello, world);
            // byte fallback for characters outside the vocabulary
            assertThat(t.encode("hi!", false, false)).contains(3 + '!');
            assertThat(t.decode(t.encode("the world", true, false))).isEqualTo("the world");
        }
    }

    @Test
    void tiedEmbeddingsBf16ShardedCheckpoint() throws IOException {
        HfFiles.Shape tied = new HfFiles.Shape("MistralForCausalLM", 32, 40, 3, 4, 1, 290, true, 1e6, 1e-6);
        Map<String, HfFiles.Weight> w = HfFiles.weights(tied, 3, "BF16");
        Path dir = Files.createDirectory(tmp.resolve("mistral"));
        HfFiles.config(dir, tied, Map.of());
        HfFiles.shardedSafetensors(dir, w, "BF16", 3);
        HfFiles.json(dir.resolve("tokenizer.json"), HfFiles.spmTokenizerJson());
        Path out = tmp.resolve("mistral.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        assertThat(r.tiedEmbeddings()).isTrue();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.hasTensor("output.weight")).isFalse();
            assertThat(f.metadata().getFloat("llama.rope.freq_base")).isEqualTo(1e6f);
        }
        assertLogitsMatch(out, tied, w, 1e-6);

        // AUTO keeps a BF16 checkpoint in BF16, exactly
        Path auto = tmp.resolve("mistral-auto.gguf");
        HfConverter.Result a = HfConverter.convert(dir, auto, HfConverter.Options.defaults());
        assertThat(a.weightType()).isEqualTo(GgmlType.BF16);
        assertLogitsMatch(auto, tied, w, 1e-6);
    }

    @Test
    void f16AndQ8_0Outputs() throws IOException {
        Map<String, HfFiles.Weight> w = HfFiles.weights(LLAMA, 4, "F16");
        Path dir = checkpoint("llama16", LLAMA, "F16", w, 1);
        Path f16 = tmp.resolve("f16.gguf");
        assertThat(HfConverter.convert(dir, f16, HfConverter.Options.defaults()).weightType()).isEqualTo(GgmlType.F16);
        assertLogitsMatch(f16, LLAMA, w, 1e-6); // F16 weights stored as F16: exact
        Path q8 = tmp.resolve("q8.gguf");
        HfConverter.convert(dir, q8, HfConverter.Options.defaults().withOutType(HfConverter.OutType.Q8_0));
        try (GgufFile f = GgufFile.open(q8)) {
            assertThat(f.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.tensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.F16); // 48 columns: not whole blocks
            assertThat(f.tensor("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
            assertThat(f.metadata().getLong("general.file_type")).isEqualTo(7);
        }
        // Q8_0 matrices run with 8-bit activations (as in llama.cpp): the tolerance of the
        // quantized reference files, not of exact float arithmetic.
        assertLogitsMatch(q8, LLAMA, w, 5e-3);
    }

    @Test
    void byteLevelTokenizerLikeLlama3() throws IOException {
        HfFiles.Shape shape = new HfFiles.Shape("LlamaForCausalLM", 32, 48, 2, 4, 2, 300, true, 500000.0, 1e-5);
        Map<String, HfFiles.Weight> w = HfFiles.weights(shape, 5, "F32");
        Path dir = Files.createDirectory(tmp.resolve("llama3"));
        HfFiles.config(dir, shape, Map.of("bos_token_id", 261, "eos_token_id", java.util.List.of(262, 263)));
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, "F32");
        HfFiles.json(dir.resolve("tokenizer.json"), HfFiles.byteLevelTokenizerJson(HfTokenizer.LLAMA3_REGEX,
                java.util.List.of("h e", "l l", "he ll", "hell o", "\u0120 w")));
        HfFiles.json(dir.resolve("tokenizer_config.json"), HfFiles.byteLevelTokenizerConfig());
        Path out = tmp.resolve("llama3.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        assertThat(r.tokenizerModel()).isEqualTo("gpt2");
        assertThat(r.preTokenizer()).isEqualTo("llama-bpe");
        try (GgufFile f = GgufFile.open(out)) {
            var md = f.metadata();
            assertThat(md.getStringArray("tokenizer.ggml.merges")).startsWith("h e", "l l", "he ll");
            assertThat(md.getLong("tokenizer.ggml.bos_token_id")).isEqualTo(261);
            assertThat(md.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(263);
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token", false)).isTrue();
            assertThat(md.getIntArray("tokenizer.ggml.token_type")[261]).isEqualTo(3);
            Tokenizer t = Tokenizer.fromGguf(md);
            int hello = t.vocabulary().tokenId("hello");
            assertThat(t.encode("hello", true, false)).containsExactly(261, hello);
            assertThat(t.decode(t.encode("hello wörld", false, false))).isEqualTo("hello wörld");
        }
        assertLogitsMatch(out, shape, w, 1e-6);
    }

    @Test
    void qwen2KeepsItsLayoutAndBiases() throws IOException {
        HfFiles.Shape shape = new HfFiles.Shape("Qwen2ForCausalLM", 32, 48, 2, 4, 2, 300, true, 1e6, 1e-6);
        Map<String, HfFiles.Weight> w = HfFiles.weights(shape, 6, "F32");
        Path dir = Files.createDirectory(tmp.resolve("qwen2"));
        HfFiles.config(dir, shape, Map.of());
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, "F32");
        HfFiles.json(dir.resolve("tokenizer.json"), HfFiles.byteLevelTokenizerJson(HfTokenizer.QWEN2_REGEX, java.util.List.of("h e")));
        Path out = tmp.resolve("qwen2.gguf");
        HfConverter.Result r = HfConverter.convert(dir, out, HfConverter.Options.defaults().withOutType(HfConverter.OutType.F32));
        assertThat(r.architecture()).isEqualTo("qwen2");
        assertThat(r.preTokenizer()).isEqualTo("qwen2");
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getInt("qwen2.block_count")).isEqualTo(2);
            GgufTensorInfo bias = f.tensor("blk.1.attn_q.bias");
            assertThat(bias.type()).isEqualTo(GgmlType.F32);
            assertThat(floats(f, bias)).containsExactly(w.get("model.layers.1.self_attn.q_proj.bias").values());
            // no permutation for Qwen2 (llama.cpp rotates with the NeoX layout)
            assertThat(floats(f, f.tensor("blk.0.attn_k.weight"))).containsExactly(w.get("model.layers.0.self_attn.k_proj.weight").values());
        }
        // And Cove runs what it converted, as the float64 reference does.
        try (Model model = Model.load(out, 1)) {
            assertThat(model.config().family().attentionBiases()).isTrue();
            assertThat(model.newSession(dev.cove.core.generate.GenerationOptions.defaults().maxTokens(4)).generate("h", t -> { })
                    .generatedTokens()).isPositive();
        }
        assertLogitsMatch(out, shape, w, 1e-6);
    }

    static float[] floats(GgufFile f, GgufTensorInfo t) {
        float[] v = new float[Math.toIntExact(t.elementCount())];
        TypeCodecs.of(t.type()).dequantize(f.segment(), t.fileOffset(), v, 0, v.length);
        return v;
    }
}
