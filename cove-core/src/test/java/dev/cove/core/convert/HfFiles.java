package dev.cove.core.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.tensor.BFloat16;
import dev.cove.core.tensor.Float16;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds tiny Hugging Face checkpoints for the converter tests: seeded random weights written as
 * safetensors (F32, F16 or BF16, single or sharded), config.json, tokenizer.json and
 * tokenizer_config.json, and computes logits straight from those weights with an independent
 * float64 forward pass in Hugging Face's own layout (rotate_half RoPE).
 */
final class HfFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A tiny model's shape. */
    record Shape(String architecture, int hidden, int ffn, int layers, int heads, int kvHeads, int vocab, boolean tied,
                 double ropeTheta, double eps) {
        int headDim() {
            return hidden / heads;
        }

        boolean qwen2() {
            return architecture.equals("Qwen2ForCausalLM");
        }
    }

    /** Weights by Hugging Face name: shape and values (already rounded to the stored dtype). */
    record Weight(long[] shape, float[] values) {
    }

    /** Seeded random weights for every tensor a model of this shape has. */
    static Map<String, Weight> weights(Shape s, long seed, String dtype) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Weight> w = new LinkedHashMap<>();
        int hd = s.headDim();
        put(w, "model.embed_tokens.weight", r, dtype, 1.0, s.vocab(), s.hidden());
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            norm(w, p + "input_layernorm.weight", r, dtype, s.hidden());
            put(w, p + "self_attn.q_proj.weight", r, dtype, 0.5, s.heads() * hd, s.hidden());
            put(w, p + "self_attn.k_proj.weight", r, dtype, 0.5, s.kvHeads() * hd, s.hidden());
            put(w, p + "self_attn.v_proj.weight", r, dtype, 0.5, s.kvHeads() * hd, s.hidden());
            if (s.qwen2()) {
                put(w, p + "self_attn.q_proj.bias", r, dtype, 0.2, s.heads() * hd);
                put(w, p + "self_attn.k_proj.bias", r, dtype, 0.2, s.kvHeads() * hd);
                put(w, p + "self_attn.v_proj.bias", r, dtype, 0.2, s.kvHeads() * hd);
            }
            put(w, p + "self_attn.o_proj.weight", r, dtype, 0.5, s.hidden(), s.heads() * hd);
            norm(w, p + "post_attention_layernorm.weight", r, dtype, s.hidden());
            put(w, p + "mlp.gate_proj.weight", r, dtype, 0.5, s.ffn(), s.hidden());
            put(w, p + "mlp.up_proj.weight", r, dtype, 0.5, s.ffn(), s.hidden());
            put(w, p + "mlp.down_proj.weight", r, dtype, 0.5, s.hidden(), s.ffn());
        }
        norm(w, "model.norm.weight", r, dtype, s.hidden());
        if (!s.tied()) {
            put(w, "lm_head.weight", r, dtype, 0.5, s.vocab(), s.hidden());
        }
        return w;
    }

    private static void put(Map<String, Weight> w, String name, SplittableRandom r, String dtype, double scale, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = round((float) ((r.nextDouble() * 2 - 1) * scale), dtype);
        }
        w.put(name, new Weight(shape, v));
    }

    private static void norm(Map<String, Weight> w, String name, SplittableRandom r, String dtype, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = round((float) (0.8 + 0.4 * r.nextDouble()), dtype);
        }
        w.put(name, new Weight(new long[] {n}, v));
    }

    static float round(float f, String dtype) {
        return switch (dtype) {
            case "F16" -> Float16.toFloat(Float16.fromFloat(f));
            case "BF16" -> BFloat16.toFloat(BFloat16.fromFloat(f));
            default -> f;
        };
    }

    /** Writes the tensors as one safetensors file with the given dtype. */
    static void safetensors(Path file, Map<String, Weight> tensors, String dtype) throws IOException {
        int size = dtype.equals("F32") ? 4 : 2;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (Map.Entry<String, Weight> e : tensors.entrySet()) {
            long bytes = (long) e.getValue().values().length * size;
            header.put(e.getKey(), Map.of("dtype", dtype, "shape", e.getValue().shape(), "data_offsets", List.of(offset, offset + bytes)));
            offset += bytes;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded);
        b.put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        for (Weight w : tensors.values()) {
            for (float f : w.values()) {
                switch (dtype) {
                    case "F32" -> b.putFloat(f);
                    case "F16" -> b.putShort(Float16.fromFloat(f));
                    case "BF16" -> b.putShort(BFloat16.fromFloat(f));
                    default -> throw new IllegalArgumentException(dtype);
                }
            }
        }
        Files.write(file, b.array());
    }

    /** Writes the tensors in {@code shards} files with an index, as save_pretrained does for large models. */
    static void shardedSafetensors(Path dir, Map<String, Weight> tensors, String dtype, int shards) throws IOException {
        List<Map<String, Weight>> parts = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            parts.add(new LinkedHashMap<>());
        }
        int i = 0;
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, Weight> e : tensors.entrySet()) {
            int shard = i++ * shards / tensors.size();
            parts.get(shard).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), shardName(shard, shards));
        }
        for (int s = 0; s < shards; s++) {
            safetensors(dir.resolve(shardName(s, shards)), parts.get(s), dtype);
        }
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(),
                Map.of("metadata", Map.of("total_size", 0), "weight_map", weightMap));
    }

    static String shardName(int s, int shards) {
        return String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
    }

    static void config(Path dir, Shape s, Map<String, Object> extra) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of(s.architecture()));
        c.put("model_type", s.qwen2() ? "qwen2" : "llama");
        c.put("hidden_size", s.hidden());
        c.put("intermediate_size", s.ffn());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("num_key_value_heads", s.kvHeads());
        c.put("vocab_size", s.vocab());
        c.put("max_position_embeddings", 64);
        c.put("rms_norm_eps", s.eps());
        c.put("rope_theta", s.ropeTheta());
        c.put("tie_word_embeddings", s.tied());
        c.put("torch_dtype", "float32");
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.putAll(extra);
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
    }

    // ------------------------------------------------------------------ tokenizers

    /** The pieces of the synthetic SentencePiece-style vocabulary after the 3 specials and 256 bytes, in merge order. */
    static final List<String> SPM_CHARS = List.of("\u2581", "a", "d", "e", "h", "l", "o", "r", "t", "w");
    static final List<String> SPM_MERGED = List.of("\u2581h", "he", "ll", "\u2581w", "or", "ld", "\u2581he", "llo", "\u2581hello",
            "\u2581wor", "\u2581world", "\u2581t", "\u2581the");

    /** A Llama 2-style tokenizer.json: BPE with byte fallback, {@code <unk> <s> </s>}, 256 byte tokens, a few pieces. */
    static Map<String, Object> spmTokenizerJson() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), 3 + b);
        }
        List<String> merged = new ArrayList<>(SPM_MERGED);
        // ids: merged pieces first (SentencePiece sorts by score), then the single characters
        for (String p : merged) {
            vocab.put(p, vocab.size());
        }
        for (String c : SPM_CHARS) {
            vocab.put(c, vocab.size());
        }
        return spmTokenizerJson(vocab, spmMerges(vocab, merged));
    }

    /**
     * The merges of {@code merged} pieces as transformers' SentencePieceExtractor lists them: every
     * split of each piece into two pieces of {@code vocab}, in piece order, then by the ids of the halves.
     */
    static List<String> spmMerges(Map<String, Integer> vocab, List<String> merged) {
        List<String> merges = new ArrayList<>();
        for (String piece : merged) {
            List<String[]> local = new ArrayList<>();
            for (int i = 1; i < piece.length(); i++) {
                String l = piece.substring(0, i);
                String r = piece.substring(i);
                if (vocab.containsKey(l) && vocab.containsKey(r)) {
                    local.add(new String[] {l, r});
                }
            }
            local.sort(java.util.Comparator.comparing((String[] m) -> vocab.get(m[0])).thenComparing(m -> vocab.get(m[1])));
            for (String[] m : local) {
                merges.add(m[0] + " " + m[1]);
            }
        }
        return merges;
    }

    static Map<String, Object> spmTokenizerJson(Map<String, Integer> vocab, List<String> merges) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<unk>");
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.put("vocab", vocab);
        model.put("merges", merges);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("version", "1.0");
        t.put("truncation", null);
        t.put("padding", null);
        t.put("added_tokens", List.of(added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")));
        t.put("normalizer", Map.of("type", "Sequence", "normalizers", List.of(
                Map.of("type", "Prepend", "prepend", "\u2581"),
                Map.of("type", "Replace", "pattern", Map.of("String", " "), "content", "\u2581"))));
        t.put("pre_tokenizer", null);
        t.put("post_processor", Map.of("type", "TemplateProcessing",
                "single", List.of(Map.of("SpecialToken", Map.of("id", "<s>", "type_id", 0)), Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                "pair", List.of(), "special_tokens", Map.of()));
        t.put("decoder", Map.of("type", "Sequence", "decoders", List.of(
                Map.of("type", "Replace", "pattern", Map.of("String", "\u2581"), "content", " "),
                Map.of("type", "ByteFallback"), Map.of("type", "Fuse"), Map.of("type", "Strip", "content", " ", "start", 1, "stop", 0))));
        t.put("model", model);
        return t;
    }

    static Map<String, Object> added(int id, String content) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("content", content);
        a.put("single_word", false);
        a.put("lstrip", false);
        a.put("rstrip", false);
        a.put("normalized", false);
        a.put("special", true);
        return a;
    }

    static final String CHAT_TEMPLATE = "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token }}{% endfor %}";

    static Map<String, Object> spmTokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("bos_token", Map.of("content", "<s>", "lstrip", false, "normalized", false, "rstrip", false, "single_word", false));
        c.put("eos_token", "</s>");
        c.put("unk_token", "<unk>");
        c.put("pad_token", null);
        c.put("chat_template", CHAT_TEMPLATE);
        c.put("tokenizer_class", "LlamaTokenizer");
        return c;
    }

    /** GPT-2's byte-to-character map (bytes_to_unicode). */
    static char[] byteChars() {
        char[] map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    /** A Llama 3-style byte-level tokenizer.json: 256 byte tokens, a few merges, three special tokens after them. */
    static Map<String, Object> byteLevelTokenizerJson(String regex, List<String> merged) {
        char[] bc = byteChars();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(bc[b]), b);
        }
        List<Object> merges = new ArrayList<>();
        for (String m : merged) { // "left right" in byte characters
            String[] parts = m.split(" ");
            merges.add(List.of(parts[0], parts[1]));
            vocab.put(parts[0] + parts[1], vocab.size());
        }
        int base = vocab.size();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", true);
        model.put("vocab", vocab);
        model.put("merges", merges);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("version", "1.0");
        t.put("added_tokens", List.of(added(base, "<|begin_of_text|>"), added(base + 1, "<|end_of_text|>"),
                added(base + 2, "<|eot_id|>")));
        t.put("normalizer", null);
        t.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(
                Map.of("type", "Split", "pattern", Map.of("Regex", regex), "behavior", "Isolated", "invert", false),
                Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", false))));
        t.put("post_processor", Map.of("type", "Sequence", "processors", List.of(
                Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", false, "use_regex", true),
                Map.of("type", "TemplateProcessing",
                        "single", List.of(Map.of("SpecialToken", Map.of("id", "<|begin_of_text|>", "type_id", 0)),
                                Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                        "pair", List.of(), "special_tokens", Map.of()))));
        t.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        t.put("model", model);
        return t;
    }

    static Map<String, Object> byteLevelTokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bos_token", "<|begin_of_text|>");
        c.put("eos_token", "<|eot_id|>");
        c.put("chat_template", CHAT_TEMPLATE);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        return c;
    }

    static void json(Path file, Object value) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ reference forward pass

    /**
     * Logits after each token, computed in float64 straight from the Hugging Face weights in their
     * own layout: RMSNorm, q/k/v projections (+ biases), rotate_half RoPE, grouped-query causal
     * attention, output projection, SwiGLU, tied or untied head.
     */
    static double[][] referenceLogits(Shape s, Map<String, Weight> w, int[] tokens) {
        int d = s.hidden();
        int hd = s.headDim();
        int kvDim = s.kvHeads() * hd;
        int group = s.heads() / s.kvHeads();
        double[][][] keys = new double[s.layers()][tokens.length][];
        double[][][] values = new double[s.layers()][tokens.length][];
        double[][] out = new double[tokens.length][];
        for (int pos = 0; pos < tokens.length; pos++) {
            double[] x = new double[d];
            float[] emb = w.get("model.embed_tokens.weight").values();
            for (int i = 0; i < d; i++) {
                x[i] = emb[tokens[pos] * d + i];
            }
            for (int l = 0; l < s.layers(); l++) {
                String p = "model.layers." + l + ".";
                double[] h = rmsNorm(x, w.get(p + "input_layernorm.weight").values(), s.eps());
                double[] q = matVec(w.get(p + "self_attn.q_proj.weight"), h);
                double[] k = matVec(w.get(p + "self_attn.k_proj.weight"), h);
                double[] v = matVec(w.get(p + "self_attn.v_proj.weight"), h);
                if (s.qwen2()) {
                    addBias(q, w.get(p + "self_attn.q_proj.bias"));
                    addBias(k, w.get(p + "self_attn.k_proj.bias"));
                    addBias(v, w.get(p + "self_attn.v_proj.bias"));
                }
                rotateHalf(q, s.heads(), hd, pos, s.ropeTheta());
                rotateHalf(k, s.kvHeads(), hd, pos, s.ropeTheta());
                keys[l][pos] = k;
                values[l][pos] = v;
                double[] attn = new double[s.heads() * hd];
                for (int head = 0; head < s.heads(); head++) {
                    int kvHead = head / group;
                    double[] scores = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= pos; t++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += q[head * hd + i] * keys[l][t][kvHead * hd + i];
                        }
                        scores[t] = dot / Math.sqrt(hd);
                        max = Math.max(max, scores[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= pos; t++) {
                        scores[t] = Math.exp(scores[t] - max);
                        sum += scores[t];
                    }
                    for (int t = 0; t <= pos; t++) {
                        for (int i = 0; i < hd; i++) {
                            attn[head * hd + i] += scores[t] / sum * values[l][t][kvHead * hd + i];
                        }
                    }
                }
                add(x, matVec(w.get(p + "self_attn.o_proj.weight"), attn));
                h = rmsNorm(x, w.get(p + "post_attention_layernorm.weight").values(), s.eps());
                double[] gate = matVec(w.get(p + "mlp.gate_proj.weight"), h);
                double[] up = matVec(w.get(p + "mlp.up_proj.weight"), h);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(x, matVec(w.get(p + "mlp.down_proj.weight"), gate));
            }
            double[] h = rmsNorm(x, w.get("model.norm.weight").values(), s.eps());
            out[pos] = matVec(w.get(s.tied() ? "model.embed_tokens.weight" : "lm_head.weight"), h);
        }
        return out;
    }

    private static double[] rmsNorm(double[] x, float[] weight, double eps) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    private static double[] matVec(Weight m, double[] x) {
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

    private static void addBias(double[] x, Weight b) {
        for (int i = 0; i < x.length; i++) {
            x[i] += b.values()[i];
        }
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    /** Hugging Face's apply_rotary_pos_emb: x * cos + rotate_half(x) * sin, rotating dims i and i + hd/2 together. */
    private static void rotateHalf(double[] x, int heads, int hd, int pos, double theta) {
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double angle = pos * Math.pow(theta, -2.0 * i / hd);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double a = x[h * hd + i];
                double b = x[h * hd + i + half];
                x[h * hd + i] = a * cos - b * sin;
                x[h * hd + i + half] = b * cos + a * sin;
            }
        }
    }

    /** NMSE after subtracting each row's mean, as shared/README.md defines it. */
    static double nmse(float[] actual, double[] reference) {
        double ma = 0;
        double mr = 0;
        for (int i = 0; i < reference.length; i++) {
            ma += actual[i];
            mr += reference[i];
        }
        ma /= reference.length;
        mr /= reference.length;
        double num = 0;
        double den = 0;
        for (int i = 0; i < reference.length; i++) {
            double a = actual[i] - ma;
            double r = reference[i] - mr;
            num += (a - r) * (a - r);
            den += r * r;
        }
        return num / den;
    }

    private HfFiles() {
    }
}
