package dev.cove.core.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tiny Hugging Face checkpoints of the Qwen3, Gemma 2, Gemma 3 and Phi-3 families for the
 * converter tests (seeded random weights, config.json, tokenizers in each family's style), and an
 * independent float64 forward pass that follows the transformers modelling code of each family
 * in Hugging Face's own layout: for checking a converted file against llama.cpp by hand, and
 * against Cove once its forward pass runs these families.
 */
final class HfArchFiles {

    /**
     * A tiny model: {@code config} is the whole config.json (built by {@link #config}).
     */
    record Arch(String architecture, int hidden, int ffn, int layers, int heads, int kvHeads, int headDim, int vocab,
                boolean tied, Map<String, Object> config) {

        String family() {
            return switch (architecture) {
                case "Qwen3ForCausalLM" -> "qwen3";
                case "Gemma2ForCausalLM" -> "gemma2";
                case "Gemma3ForCausalLM", "Gemma3ForConditionalGeneration" -> "gemma3";
                case "Phi3ForCausalLM" -> "phi3";
                default -> throw new IllegalArgumentException(architecture);
            };
        }

        boolean gemma() {
            return family().startsWith("gemma");
        }

        double number(String key) {
            return ((Number) config.get(key)).doubleValue();
        }

        boolean has(String key) {
            return config.get(key) != null;
        }
    }

    /** config.json for a tiny model of {@code architecture}; {@code extra} adds or replaces keys. */
    static Arch arch(String architecture, int hidden, int ffn, int layers, int heads, int kvHeads, int headDim, int vocab,
                     boolean tied, Map<String, Object> extra) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of(architecture));
        c.put("hidden_size", hidden);
        c.put("intermediate_size", ffn);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        c.put("vocab_size", vocab);
        c.put("max_position_embeddings", 512);
        c.put("tie_word_embeddings", tied);
        c.put("torch_dtype", "bfloat16");
        switch (architecture) {
            case "Qwen3ForCausalLM" -> {
                c.put("model_type", "qwen3");
                c.put("head_dim", headDim);
                c.put("rms_norm_eps", 1e-6);
                c.put("rope_theta", 1000000.0);
                c.put("hidden_act", "silu");
                c.put("bos_token_id", 256);
                c.put("eos_token_id", 257);
            }
            case "Gemma2ForCausalLM" -> {
                c.put("model_type", "gemma2");
                c.put("head_dim", headDim);
                c.put("rms_norm_eps", 1e-6);
                c.put("rope_theta", 10000.0);
                c.put("hidden_activation", "gelu_pytorch_tanh");
                c.put("query_pre_attn_scalar", headDim);
                c.put("sliding_window", 8);
                c.put("attn_logit_softcapping", 10.0);
                c.put("final_logit_softcapping", 5.0);
                c.put("pad_token_id", 0);
                c.put("eos_token_id", 1);
                c.put("bos_token_id", 2);
            }
            case "Gemma3ForCausalLM" -> {
                c.put("model_type", "gemma3_text");
                c.put("head_dim", headDim);
                c.put("rms_norm_eps", 1e-6);
                c.put("rope_theta", 1000000.0);
                c.put("rope_local_base_freq", 10000.0);
                c.put("hidden_activation", "gelu_pytorch_tanh");
                c.put("query_pre_attn_scalar", headDim);
                c.put("sliding_window", 8);
                c.put("sliding_window_pattern", 2);
                c.put("final_logit_softcapping", null);
                c.put("attn_logit_softcapping", null);
                c.put("rope_scaling", null);
                c.put("pad_token_id", 0);
                c.put("eos_token_id", List.of(1, 5));
                c.put("bos_token_id", 2);
            }
            case "Phi3ForCausalLM" -> {
                c.put("model_type", "phi3");
                c.put("rms_norm_eps", 1e-5);
                c.put("rope_theta", 10000.0);
                c.put("hidden_act", "silu");
                c.put("original_max_position_embeddings", 512);
                c.put("sliding_window", 2047);
                c.put("rope_scaling", null);
                c.put("bos_token_id", 1);
                c.put("eos_token_id", 2); // real Phi-3: <|endoftext|>, given by the tests that add it
                c.put("pad_token_id", 2);
            }
            default -> throw new IllegalArgumentException(architecture);
        }
        c.putAll(extra);
        return new Arch(architecture, hidden, ffn, layers, heads, kvHeads, headDim, vocab, tied, c);
    }

    static void writeConfig(Path dir, Arch a) throws IOException {
        HfFiles.json(dir.resolve("config.json"), a.config());
    }

    /** Seeded random weights for every tensor of the family, by Hugging Face name, rounded to {@code dtype}. */
    static Map<String, HfFiles.Weight> weights(Arch a, long seed, String dtype) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, HfFiles.Weight> w = new LinkedHashMap<>();
        int q = a.heads() * a.headDim();
        int kv = a.kvHeads() * a.headDim();
        String f = a.family();
        // Gemma's embedding enters multiplied by sqrt(hidden) and its norms are 1 + w: keep both small
        put(w, "model.embed_tokens.weight", r, dtype, a.gemma() ? 0.1 : 1.0, 0, a.vocab(), a.hidden());
        for (int l = 0; l < a.layers(); l++) {
            String p = "model.layers." + l + ".";
            norm(w, p + "input_layernorm.weight", r, dtype, a, a.hidden());
            if (f.equals("phi3")) {
                put(w, p + "self_attn.qkv_proj.weight", r, dtype, 0.5, 0, q + 2 * kv, a.hidden());
            } else {
                put(w, p + "self_attn.q_proj.weight", r, dtype, 0.5, 0, q, a.hidden());
                put(w, p + "self_attn.k_proj.weight", r, dtype, 0.5, 0, kv, a.hidden());
                put(w, p + "self_attn.v_proj.weight", r, dtype, 0.5, 0, kv, a.hidden());
            }
            if (f.equals("qwen3") || f.equals("gemma3")) {
                norm(w, p + "self_attn.q_norm.weight", r, dtype, a, a.headDim());
                norm(w, p + "self_attn.k_norm.weight", r, dtype, a, a.headDim());
            }
            put(w, p + "self_attn.o_proj.weight", r, dtype, 0.5, 0, a.hidden(), q);
            norm(w, p + "post_attention_layernorm.weight", r, dtype, a, a.hidden());
            if (a.gemma()) {
                norm(w, p + "pre_feedforward_layernorm.weight", r, dtype, a, a.hidden());
                norm(w, p + "post_feedforward_layernorm.weight", r, dtype, a, a.hidden());
            }
            if (f.equals("phi3")) {
                put(w, p + "mlp.gate_up_proj.weight", r, dtype, 0.5, 0, 2 * a.ffn(), a.hidden());
            } else {
                put(w, p + "mlp.gate_proj.weight", r, dtype, 0.5, 0, a.ffn(), a.hidden());
                put(w, p + "mlp.up_proj.weight", r, dtype, 0.5, 0, a.ffn(), a.hidden());
            }
            put(w, p + "mlp.down_proj.weight", r, dtype, 0.5, 0, a.hidden(), a.ffn());
        }
        norm(w, "model.norm.weight", r, dtype, a, a.hidden());
        if (!a.tied()) {
            put(w, "lm_head.weight", r, dtype, 0.5, 0, a.vocab(), a.hidden());
        }
        return w;
    }

    private static void put(Map<String, HfFiles.Weight> w, String name, SplittableRandom r, String dtype, double scale,
                            double offset, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = HfFiles.round((float) (offset + (r.nextDouble() * 2 - 1) * scale), dtype);
        }
        w.put(name, new HfFiles.Weight(shape, v));
    }

    /** Norm weights: about 1 (Gemma: about 0, since its models multiply by 1 + w). */
    private static void norm(Map<String, HfFiles.Weight> w, String name, SplittableRandom r, String dtype, Arch a, int n) {
        put(w, name, r, dtype, 0.2, a.gemma() ? 0.0 : 1.0, n);
    }

    // ------------------------------------------------------------------ tokenizers

    /**
     * A Gemma-style tokenizer.json: {@code <pad> <eos> <bos> <unk> <mask> <start_of_turn>
     * <end_of_turn>}, a user-defined {@code ▁▁} piece, 256 byte pieces and a few merged pieces; no
     * space is prepended (Gemma's normalizer only replaces spaces with U+2581).
     */
    static Map<String, Object> gemmaTokenizerJson() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : List.of("<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>", "\u2581\u2581")) {
            vocab.put(s, vocab.size());
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), vocab.size());
        }
        List<String> merges = spmPieces(vocab);
        Map<String, Object> t = HfFiles.spmTokenizerJson(vocab, merges);
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            added.add(HfFiles.added(i, List.of("<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>")
                    .get(i)));
        }
        Map<String, Object> spaces = new LinkedHashMap<>(HfFiles.added(7, "\u2581\u2581"));
        spaces.put("special", false);
        added.add(spaces);
        t.put("added_tokens", added);
        t.put("normalizer", Map.of("type", "Replace", "pattern", Map.of("String", " "), "content", "\u2581"));
        t.put("post_processor", Map.of("type", "TemplateProcessing",
                "single", List.of(Map.of("SpecialToken", Map.of("id", "<bos>", "type_id", 0)),
                        Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                "pair", List.of(Map.of("SpecialToken", Map.of("id", "<bos>", "type_id", 0)),
                        Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
                        Map.of("SpecialToken", Map.of("id", "<bos>", "type_id", 1)),
                        Map.of("Sequence", Map.of("id", "B", "type_id", 1))),
                "special_tokens", Map.of()));
        t.put("decoder", Map.of("type", "Sequence", "decoders", List.of(
                Map.of("type", "Replace", "pattern", Map.of("String", "\u2581"), "content", " "),
                Map.of("type", "ByteFallback"), Map.of("type", "Fuse"))));
        ((Map<String, Object>) t.get("model")).put("unk_token", "<unk>");
        return t;
    }

    static final String GEMMA_TEMPLATE = "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + message['role']"
            + " + '\\n' + message['content'] + '<end_of_turn>\\n' }}{% endfor %}";

    static Map<String, Object> gemmaTokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        Map<String, Object> decoder = new LinkedHashMap<>();
        List<String> names = List.of("<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>");
        for (int i = 0; i < names.size(); i++) {
            // as in Gemma's own file <mask> is not special; it looks special, so llama.cpp still makes it CONTROL
            boolean special = i != 4;
            decoder.put(String.valueOf(i), Map.of("content", names.get(i), "lstrip", false, "normalized", false,
                    "rstrip", false, "single_word", false, "special", special));
        }
        decoder.put("7", Map.of("content", "\u2581\u2581", "lstrip", false, "normalized", false, "rstrip", false,
                "single_word", false, "special", false));
        c.put("added_tokens_decoder", decoder);
        c.put("bos_token", "<bos>");
        c.put("eos_token", "<end_of_turn>");
        c.put("pad_token", "<pad>");
        c.put("unk_token", "<unk>");
        c.put("chat_template", GEMMA_TEMPLATE);
        c.put("tokenizer_class", "GemmaTokenizer");
        return c;
    }

    /**
     * A Phi-3-style tokenizer.json: Llama 2's {@code <unk> <s> </s>}, byte pieces, merged pieces,
     * then the chat tokens as added tokens ({@code </s>} not special, as in Phi-3's own file).
     */
    static Map<String, Object> phi3TokenizerJson(int vocabSize) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : List.of("<unk>", "<s>", "</s>")) {
            vocab.put(s, vocab.size());
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), vocab.size());
        }
        List<String> merges = spmPieces(vocab);
        Map<String, Object> t = HfFiles.spmTokenizerJson(vocab, merges);
        List<Object> added = new ArrayList<>(List.of(HfFiles.added(0, "<unk>"), HfFiles.added(1, "<s>")));
        Map<String, Object> eos = new LinkedHashMap<>(HfFiles.added(2, "</s>"));
        eos.put("special", false);
        added.add(eos);
        int id = vocab.size();
        for (String s : List.of("<|endoftext|>", "<|assistant|>", "<|system|>", "<|end|>", "<|user|>")) {
            added.add(HfFiles.added(id++, s));
        }
        if (id > vocabSize) {
            throw new IllegalArgumentException("vocab_size " + vocabSize + " is below " + id);
        }
        t.put("added_tokens", added);
        return t;
    }

    static final String PHI3_TEMPLATE = "{% for message in messages %}{{'<|' + message['role'] + '|>' + '\\n' + message['content']"
            + " + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

    static Map<String, Object> phi3TokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("add_bos_token", false);
        c.put("add_eos_token", false);
        c.put("bos_token", "<s>");
        c.put("eos_token", "<|endoftext|>");
        c.put("pad_token", "<|endoftext|>");
        c.put("unk_token", "<unk>");
        c.put("chat_template", PHI3_TEMPLATE);
        c.put("tokenizer_class", "LlamaTokenizer");
        return c;
    }

    /** Adds the synthetic SentencePiece pieces of {@link HfFiles} to {@code vocab} and returns their merges. */
    private static List<String> spmPieces(Map<String, Integer> vocab) {
        for (String p : HfFiles.SPM_MERGED) {
            vocab.put(p, vocab.size());
        }
        for (String c : HfFiles.SPM_CHARS) {
            vocab.put(c, vocab.size());
        }
        return HfFiles.spmMerges(vocab, HfFiles.SPM_MERGED);
    }

    // ------------------------------------------------------------------ reference forward pass

    /**
     * Logits after each token, in float64, following transformers' Qwen3, Gemma2, Gemma3 and Phi3
     * modelling code on the Hugging Face weights: RMSNorm (Gemma: x·(1 + w), with q/k norms per
     * head for Qwen3 and Gemma 3), rotate_half RoPE (Phi-3: on the first partial_rotary_factor of
     * each head, with LongRoPE's short factors and attention factor), grouped-query causal
     * attention (Gemma: scaled by query_pre_attn_scalar, soft-capped, with a sliding window on
     * local layers, and Gemma 3's local RoPE base), SwiGLU (Gemma: GELU-tanh gated; Phi-3: gate
     * and up in one matrix), Gemma's embedding scale and post-attention/post-FFN norms, tied or
     * untied head, Gemma 2's final soft-cap.
     */
    static double[][] referenceLogits(Arch a, Map<String, HfFiles.Weight> w, int[] tokens) {
        String f = a.family();
        boolean gemma = a.gemma();
        int d = a.hidden();
        int hd = a.headDim();
        int q = a.heads() * hd;
        int kvDim = a.kvHeads() * hd;
        int group = a.heads() / a.kvHeads();
        double eps = a.number("rms_norm_eps");
        double normShift = gemma ? 1 : 0;
        double theta = a.number("rope_theta");
        double localTheta = f.equals("gemma3") ? a.number("rope_local_base_freq") : theta;
        double linear = 1;
        if (f.equals("gemma3") && a.config().get("rope_scaling") instanceof Map<?, ?> rs) {
            linear = ((Number) rs.get("factor")).doubleValue();
        }
        int ropeDims = hd;
        double[] shortFactors = null;
        double attnFactor = 1;
        if (f.equals("phi3")) {
            double partial = a.has("partial_rotary_factor") ? a.number("partial_rotary_factor") : 1.0;
            ropeDims = (int) (partial * d) / a.heads();
            if (a.config().get("rope_scaling") instanceof Map<?, ?> rs && rs.get("short_factor") instanceof List<?> sf) {
                shortFactors = sf.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
                double scale = a.number("max_position_embeddings") / a.number("original_max_position_embeddings");
                double orig = a.number("original_max_position_embeddings");
                attnFactor = scale <= 1 ? 1 : Math.sqrt(1 + Math.log(scale) / Math.log(orig));
            }
        }
        double attnScale = gemma ? 1 / Math.sqrt(a.number("query_pre_attn_scalar")) : 1 / Math.sqrt(hd);
        double attnCap = f.equals("gemma2") ? a.number("attn_logit_softcapping") : 0;
        double finalCap = a.has("final_logit_softcapping") ? a.number("final_logit_softcapping") : 0;
        int window = gemma ? (int) a.number("sliding_window") : Integer.MAX_VALUE;
        int pattern = f.equals("gemma2") ? 2 : f.equals("gemma3") ? (int) a.number("sliding_window_pattern") : 0;

        double[][][] keys = new double[a.layers()][tokens.length][];
        double[][][] values = new double[a.layers()][tokens.length][];
        double[][] out = new double[tokens.length][];
        for (int pos = 0; pos < tokens.length; pos++) {
            double[] x = new double[d];
            float[] emb = w.get("model.embed_tokens.weight").values();
            double embScale = gemma ? (float) Math.sqrt(d) : 1;
            for (int i = 0; i < d; i++) {
                x[i] = emb[tokens[pos] * d + i] * embScale;
            }
            for (int l = 0; l < a.layers(); l++) {
                String p = "model.layers." + l + ".";
                boolean local = pattern > 0 && (l + 1) % pattern != 0;
                double[] h = rmsNorm(x, 0, d, w.get(p + "input_layernorm.weight").values(), eps, normShift);
                double[] qv;
                double[] k;
                double[] v;
                if (f.equals("phi3")) {
                    double[] qkv = matVec(w.get(p + "self_attn.qkv_proj.weight"), h);
                    qv = java.util.Arrays.copyOfRange(qkv, 0, q);
                    k = java.util.Arrays.copyOfRange(qkv, q, q + kvDim);
                    v = java.util.Arrays.copyOfRange(qkv, q + kvDim, q + 2 * kvDim);
                } else {
                    qv = matVec(w.get(p + "self_attn.q_proj.weight"), h);
                    k = matVec(w.get(p + "self_attn.k_proj.weight"), h);
                    v = matVec(w.get(p + "self_attn.v_proj.weight"), h);
                }
                if (f.equals("qwen3") || f.equals("gemma3")) {
                    float[] qn = w.get(p + "self_attn.q_norm.weight").values();
                    float[] kn = w.get(p + "self_attn.k_norm.weight").values();
                    for (int head = 0; head < a.heads(); head++) {
                        System.arraycopy(rmsNorm(qv, head * hd, hd, qn, eps, normShift), 0, qv, head * hd, hd);
                    }
                    for (int head = 0; head < a.kvHeads(); head++) {
                        System.arraycopy(rmsNorm(k, head * hd, hd, kn, eps, normShift), 0, k, head * hd, hd);
                    }
                }
                double base = local ? localTheta : theta;
                double posScale = local ? 1 : linear;
                rotateHalf(qv, a.heads(), hd, ropeDims, pos / posScale, base, shortFactors, attnFactor);
                rotateHalf(k, a.kvHeads(), hd, ropeDims, pos / posScale, base, shortFactors, attnFactor);
                keys[l][pos] = k;
                values[l][pos] = v;
                double[] attn = new double[q];
                int first = local ? Math.max(0, pos - window + 1) : 0;
                for (int head = 0; head < a.heads(); head++) {
                    int kvHead = head / group;
                    double[] scores = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = first; t <= pos; t++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += qv[head * hd + i] * keys[l][t][kvHead * hd + i];
                        }
                        double s = dot * attnScale;
                        if (attnCap > 0) {
                            s = Math.tanh(s / attnCap) * attnCap;
                        }
                        scores[t] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int t = first; t <= pos; t++) {
                        scores[t] = Math.exp(scores[t] - max);
                        sum += scores[t];
                    }
                    for (int t = first; t <= pos; t++) {
                        for (int i = 0; i < hd; i++) {
                            attn[head * hd + i] += scores[t] / sum * values[l][t][kvHead * hd + i];
                        }
                    }
                }
                double[] o = matVec(w.get(p + "self_attn.o_proj.weight"), attn);
                if (gemma) {
                    o = rmsNorm(o, 0, d, w.get(p + "post_attention_layernorm.weight").values(), eps, normShift);
                    add(x, o);
                    h = rmsNorm(x, 0, d, w.get(p + "pre_feedforward_layernorm.weight").values(), eps, normShift);
                } else {
                    add(x, o);
                    h = rmsNorm(x, 0, d, w.get(p + "post_attention_layernorm.weight").values(), eps, normShift);
                }
                double[] gate;
                double[] up;
                if (f.equals("phi3")) {
                    double[] gu = matVec(w.get(p + "mlp.gate_up_proj.weight"), h);
                    gate = java.util.Arrays.copyOfRange(gu, 0, a.ffn());
                    up = java.util.Arrays.copyOfRange(gu, a.ffn(), 2 * a.ffn());
                } else {
                    gate = matVec(w.get(p + "mlp.gate_proj.weight"), h);
                    up = matVec(w.get(p + "mlp.up_proj.weight"), h);
                }
                for (int i = 0; i < gate.length; i++) {
                    double g = gate[i];
                    double act = gemma ? 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)))
                            : g / (1 + Math.exp(-g));
                    gate[i] = act * up[i];
                }
                double[] down = matVec(w.get(p + "mlp.down_proj.weight"), gate);
                if (gemma) {
                    down = rmsNorm(down, 0, d, w.get(p + "post_feedforward_layernorm.weight").values(), eps, normShift);
                }
                add(x, down);
            }
            double[] h = rmsNorm(x, 0, d, w.get("model.norm.weight").values(), eps, normShift);
            double[] logits = matVec(w.get(a.tied() ? "model.embed_tokens.weight" : "lm_head.weight"), h);
            if (finalCap > 0) {
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = Math.tanh(logits[i] / finalCap) * finalCap;
                }
            }
            out[pos] = logits;
        }
        return out;
    }

    private static double[] rmsNorm(double[] x, int from, int n, float[] weight, double eps, double shift) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += x[from + i] * x[from + i];
        }
        double scale = 1 / Math.sqrt(ss / n + eps);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[from + i] * scale * (shift + weight[i]);
        }
        return out;
    }

    private static double[] matVec(HfFiles.Weight m, double[] x) {
        int rows = Math.toIntExact(m.shape()[0]);
        int cols = Math.toIntExact(m.shape()[1]);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += m.values()[r * cols + c] * x[c];
            }
            out[r] = sum;
        }
        return out;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    /**
     * transformers' apply_rotary_pos_emb on the first {@code dims} of each head: dims i and
     * i + dims/2 rotate together by pos / (base^(2i/dims) · factor_i), cos and sin times
     * {@code mscale} (LongRoPE's attention factor).
     */
    private static void rotateHalf(double[] x, int heads, int hd, int dims, double pos, double base, double[] factors,
                                   double mscale) {
        int half = dims / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1 / (Math.pow(base, 2.0 * i / dims) * (factors == null ? 1 : factors[i]));
                double angle = pos * invFreq;
                double cos = Math.cos(angle) * mscale;
                double sin = Math.sin(angle) * mscale;
                double u = x[h * hd + i];
                double v = x[h * hd + i + half];
                x[h * hd + i] = u * cos - v * sin;
                x[h * hd + i + half] = v * cos + u * sin;
            }
        }
    }

    private HfArchFiles() {
    }
}
