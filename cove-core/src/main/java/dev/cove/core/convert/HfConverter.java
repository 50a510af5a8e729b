package dev.cove.core.convert;

import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.gguf.GgufValueType;
import dev.cove.core.gguf.GgufWriter;
import dev.cove.core.gguf.GgufWriter.TensorPayload;
import dev.cove.core.tensor.Float16;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodec;
import dev.cove.core.tensor.TypeCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts a Hugging Face checkpoint folder ({@code config.json}, {@code tokenizer.json},
 * {@code tokenizer_config.json}, single or sharded {@code *.safetensors}) into a GGUF file that
 * llama.cpp and Cove load, as llama.cpp's {@code convert_hf_to_gguf.py} does: the same
 * architecture names, metadata keys, tensor names and layouts.
 *
 * <p>Architectures ({@link HfFamily}): {@code LlamaForCausalLM} and {@code MistralForCausalLM}
 * as GGUF {@code llama}, {@code Qwen2ForCausalLM} as {@code qwen2}, {@code Qwen3ForCausalLM} as
 * {@code qwen3}, {@code Gemma2ForCausalLM} as {@code gemma2}, {@code Gemma3ForCausalLM} and the
 * text model of {@code Gemma3ForConditionalGeneration} as {@code gemma3}, {@code Phi3ForCausalLM}
 * as {@code phi3}. Only for {@code llama} are the query and key projections permuted from Hugging
 * Face's layout (RoPE rotates the two halves of each head, {@code rotate_half}) to GGUF's (RoPE
 * rotates adjacent pairs); llama.cpp runs the other families with the NeoX rotation, which is
 * Hugging Face's own layout. Gemma's RMSNorm weights w (the model multiplies by 1 + w) are
 * written as 1 + w, as llama.cpp's converter does; Phi-3's fused {@code qkv_proj} and
 * {@code gate_up_proj} (gate rows first) become {@code attn_qkv} and {@code ffn_up} unchanged.
 * Tied embeddings write no {@code output.weight} (Gemma 2 never has one). Llama 3.1's "llama3"
 * RoPE scaling becomes the {@code rope_freqs.weight} tensor, Phi-3's LongRoPE the
 * {@code rope_factors_long.weight} / {@code rope_factors_short.weight} tensors.
 *
 * <p>Everything is read and checked before anything is written: configuration keys, tokenizer,
 * the set of tensors, every shape and dtype. Weights are streamed from the memory-mapped
 * safetensors (F32, F16, BF16) through a small buffer to the output, which is written to a
 * temporary file and renamed into place when complete: a failed conversion leaves no file.
 */
public final class HfConverter {

    /** The type of the 2-D weights in the output ({@code --outtype}). 1-D tensors are always F32. */
    public enum OutType {
        /** As llama.cpp: BF16 for a BF16 checkpoint, else F16. */
        AUTO(null, -1),
        F32(GgmlType.F32, 0),
        F16(GgmlType.F16, 1),
        BF16(GgmlType.BF16, 32),
        Q8_0(GgmlType.Q8_0, 7);

        private final GgmlType type;
        private final int fileType;

        OutType(GgmlType type, int fileType) {
            this.type = type;
            this.fileType = fileType;
        }

        public static OutType parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown output type '" + s + "'; choose auto, f32, f16, bf16 or q8_0");
            }
        }
    }

    /**
     * @param outType     type of the 2-D weights
     * @param name        {@code general.name}; null for the folder's name
     * @param preTokenizer {@code tokenizer.ggml.pre} for a byte-level tokenizer whose pre-tokenizer Cove does not recognise; null to recognise it
     */
    public record Options(OutType outType, String name, String preTokenizer) {
        public Options {
            if (outType == null) {
                outType = OutType.AUTO;
            }
        }

        public static Options defaults() {
            return new Options(OutType.AUTO, null, null);
        }

        public Options withOutType(OutType t) {
            return new Options(t, name, preTokenizer);
        }

        public Options withName(String n) {
            return new Options(outType, n, preTokenizer);
        }

        public Options withPreTokenizer(String p) {
            return new Options(outType, name, p);
        }
    }

    /** What a conversion wrote. */
    public record Result(Path output, String hfArchitecture, String architecture, int layers, int embeddingLength, int heads,
                         int kvHeads, int vocabularySize, GgmlType weightType, int tensorCount, long parameters, long fileSize,
                         String tokenizerModel, String preTokenizer, boolean tiedEmbeddings, boolean chatTemplate,
                         List<String> notes) {
    }

    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    /** Largest chunk of elements converted at once. */
    private static final int CHUNK_ELEMENTS = 1 << 18;

    private enum Layout { PLAIN, PERMUTE_Q, PERMUTE_K }

    /** One output tensor: where it comes from and how. {@code source} is null for generated tensors. */
    private record Planned(String name, Safetensors.Tensor source, long[] ggufShape, GgmlType type, Layout layout,
                           float shift, float[] generated) {
    }

    private HfConverter() {
    }

    /**
     * Converts the checkpoint in {@code dir} into {@code output}, replacing it if it exists.
     *
     * @throws ConvertException when an input is missing, damaged, unsupported or inconsistent, or the output cannot be written
     */
    public static Result convert(Path dir, Path output, Options options) {
        if (!Files.isDirectory(dir)) {
            throw new ConvertException(dir + ": not a folder; give the folder of the Hugging Face checkpoint"
                    + " (config.json, tokenizer.json, *.safetensors)");
        }
        checkOutput(output, dir);
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ConvertException(dir + ": config.json is missing: not a Hugging Face checkpoint folder");
        }
        HfConfig config = HfConfig.parse(HfCheckpoint.readText(configFile), "config.json");
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new ConvertException(dir + ": tokenizer.json is missing (Cove converts the tokenizer from tokenizer.json;"
                    + " a checkpoint with only tokenizer.model or vocab.json must be saved with a fast tokenizer first)");
        }
        Path tcFile = dir.resolve("tokenizer_config.json");
        Path jinja = dir.resolve("chat_template.jinja");
        Path templateJson = dir.resolve("chat_template.json");
        HfTokenizer tok = HfTokenizer.read(HfCheckpoint.readText(tokenizerFile),
                Files.isRegularFile(tcFile) ? HfCheckpoint.readText(tcFile) : null,
                Files.isRegularFile(jinja) ? HfCheckpoint.readText(jinja) : null,
                Files.isRegularFile(templateJson) ? HfCheckpoint.readText(templateJson) : null, config, options.preTokenizer());

        List<String> notes = new ArrayList<>();
        attentionScaleNote(config, notes);
        try (HfCheckpoint ckpt = HfCheckpoint.open(dir)) {
            GgmlType weightType = weightType(options.outType(), ckpt);
            List<Planned> plan = plan(config, ckpt, weightType, notes);
            int fileType = options.outType() == OutType.AUTO ? (weightType == GgmlType.BF16 ? 32 : 1) : options.outType().fileType;
            String name = options.name() != null ? options.name() : dir.toAbsolutePath().normalize().getFileName().toString();

            GgufWriter w = new GgufWriter();
            metadata(w, config, tok, name, fileType);
            long parameters = 0;
            for (Planned p : plan) {
                w.addTensor(p.name(), p.type(), p.ggufShape(), payload(p, config));
                long n = 1;
                for (long d : p.ggufShape()) {
                    n *= d;
                }
                parameters += n;
            }
            try {
                w.write(output);
            } catch (UncheckedIOException e) {
                throw new ConvertException(e.getMessage(), e);
            }
            boolean tied = plan.stream().noneMatch(p -> p.name().equals("output.weight"));
            long size;
            try {
                size = Files.size(output);
            } catch (IOException e) {
                throw new ConvertException(output + ": " + e.getMessage(), e);
            }
            return new Result(output, config.hfArchitecture(), config.ggufArchitecture(), config.layers(), config.hiddenSize(),
                    config.heads(), config.kvHeads(), config.vocabSize(), weightType, plan.size(), parameters, size, tok.model(),
                    tok.pre(), tied, !tok.chatTemplates().isEmpty(), List.copyOf(notes));
        }
    }

    /**
     * Gemma scales attention scores by 1/sqrt(query_pre_attn_scalar). GGUF has no key for it:
     * llama.cpp assumes 1/sqrt(head size), except for the 27B models (46 layers for Gemma 2, 62
     * for Gemma 3), where it uses 1/sqrt(hidden size / heads). Say so when a checkpoint differs.
     */
    private static void attentionScaleNote(HfConfig c, List<String> notes) {
        if (!c.family().gemma()) {
            return;
        }
        boolean big = c.layers() == (c.family() == HfFamily.GEMMA2 ? 46 : 62);
        double assumed = big ? (double) (c.hiddenSize() / c.heads()) : c.headDim();
        if (c.queryPreAttnScalar() != assumed) {
            notes.add("query_pre_attn_scalar is " + c.queryPreAttnScalar() + " but llama.cpp (and a runtime that follows it)"
                    + " scales attention by 1/sqrt(" + assumed + "): the model's outputs will differ from Hugging Face's");
        }
    }

    private static GgmlType weightType(OutType out, HfCheckpoint ckpt) {
        if (out != OutType.AUTO) {
            return out.type;
        }
        for (Safetensors.Tensor t : ckpt.tensors().values()) {
            if (t.shape().length >= 2) {
                if (t.dtype() == Safetensors.Dtype.BF16) {
                    return GgmlType.BF16;
                }
                if (t.dtype() == Safetensors.Dtype.F16) {
                    return GgmlType.F16;
                }
                break;
            }
        }
        return GgmlType.F16;
    }

    /** How one Hugging Face tensor becomes a GGUF tensor: its name, expected shape, layout and norm shift. */
    private record Rule(String gguf, boolean matrix, long rows, long cols, Layout layout, float shift, boolean required) {
    }

    /**
     * The tensors of one layer of a family, by Hugging Face name after {@code model.layers.N.}, in
     * the order they are written. Gemma's norms hold w where the model computes x·(1 + w): llama.cpp
     * stores 1 + w (shift 1). Only llama's q and k are permuted; the other families run with the
     * NeoX rotation, which is Hugging Face's own layout.
     */
    private static Map<String, Rule> layerRules(HfConfig c) {
        HfFamily f = c.family();
        long h = c.hiddenSize();
        long q = c.queryDim();
        long kv = c.kvDim();
        long ffn = c.intermediateSize();
        long hd = c.headDim();
        float shift = f.gemma() ? 1f : 0f;
        boolean llama = f == HfFamily.LLAMA;
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("input_layernorm.weight", new Rule("attn_norm.weight", false, h, 0, Layout.PLAIN, shift, true));
        if (f == HfFamily.PHI3) {
            r.put("self_attn.qkv_proj.weight", new Rule("attn_qkv.weight", true, q + 2 * kv, h, Layout.PLAIN, 0, true));
        } else {
            boolean biases = f == HfFamily.QWEN2;
            boolean optionalBiases = llama;
            r.put("self_attn.q_proj.weight", new Rule("attn_q.weight", true, q, h, llama ? Layout.PERMUTE_Q : Layout.PLAIN, 0, true));
            if (biases || optionalBiases) {
                r.put("self_attn.q_proj.bias", new Rule("attn_q.bias", false, q, 0, llama ? Layout.PERMUTE_Q : Layout.PLAIN, 0,
                        biases));
            }
            if (f == HfFamily.QWEN3 || f == HfFamily.GEMMA3) {
                r.put("self_attn.q_norm.weight", new Rule("attn_q_norm.weight", false, hd, 0, Layout.PLAIN, shift, true));
            }
            r.put("self_attn.k_proj.weight", new Rule("attn_k.weight", true, kv, h, llama ? Layout.PERMUTE_K : Layout.PLAIN, 0, true));
            if (biases || optionalBiases) {
                r.put("self_attn.k_proj.bias", new Rule("attn_k.bias", false, kv, 0, llama ? Layout.PERMUTE_K : Layout.PLAIN, 0,
                        biases));
            }
            if (f == HfFamily.QWEN3 || f == HfFamily.GEMMA3) {
                r.put("self_attn.k_norm.weight", new Rule("attn_k_norm.weight", false, hd, 0, Layout.PLAIN, shift, true));
            }
            r.put("self_attn.v_proj.weight", new Rule("attn_v.weight", true, kv, h, Layout.PLAIN, 0, true));
            if (biases || optionalBiases) {
                r.put("self_attn.v_proj.bias", new Rule("attn_v.bias", false, kv, 0, Layout.PLAIN, 0, biases));
            }
        }
        r.put("self_attn.o_proj.weight", new Rule("attn_output.weight", true, h, q, Layout.PLAIN, 0, true));
        if (f.gemma()) {
            r.put("post_attention_layernorm.weight", new Rule("post_attention_norm.weight", false, h, 0, Layout.PLAIN, shift, true));
            r.put("pre_feedforward_layernorm.weight", new Rule("ffn_norm.weight", false, h, 0, Layout.PLAIN, shift, true));
        } else {
            r.put("post_attention_layernorm.weight", new Rule("ffn_norm.weight", false, h, 0, Layout.PLAIN, 0, true));
        }
        if (f == HfFamily.PHI3) {
            // gate then up in one matrix, as llama.cpp's phi3 reads it
            r.put("mlp.gate_up_proj.weight", new Rule("ffn_up.weight", true, 2 * ffn, h, Layout.PLAIN, 0, true));
        } else {
            r.put("mlp.gate_proj.weight", new Rule("ffn_gate.weight", true, ffn, h, Layout.PLAIN, 0, true));
            r.put("mlp.up_proj.weight", new Rule("ffn_up.weight", true, ffn, h, Layout.PLAIN, 0, true));
        }
        r.put("mlp.down_proj.weight", new Rule("ffn_down.weight", true, h, ffn, Layout.PLAIN, 0, true));
        if (f.gemma()) {
            r.put("post_feedforward_layernorm.weight", new Rule("post_ffw_norm.weight", false, h, 0, Layout.PLAIN, shift, true));
        }
        return r;
    }

    /** Tensors of a multimodal checkpoint that belong to the vision tower (Gemma 3 converts the text model only). */
    private static boolean visionTensor(String name) {
        return name.startsWith("vision_tower.") || name.startsWith("multi_modal_projector.")
                || name.startsWith("model.vision_tower.") || name.startsWith("model.multi_modal_projector.")
                || name.startsWith("vision_model.") || name.startsWith("model.vision_model.");
    }

    /** Maps every checkpoint tensor to its GGUF tensor and checks names, shapes and dtypes. */
    private static List<Planned> plan(HfConfig c, HfCheckpoint ckpt, GgmlType weightType, List<String> notes) {
        HfFamily family = c.family();
        long hidden = c.hiddenSize();
        long vocab = c.vocabSize();
        float shift = family.gemma() ? 1f : 0f;
        Map<String, Rule> rules = layerRules(c);
        Map<String, Planned> global = new LinkedHashMap<>();
        List<Map<String, Planned>> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new LinkedHashMap<>());
        }
        int vision = 0;
        boolean skippedHead = false;
        for (Safetensors.Tensor s : ckpt.tensors().values()) {
            // as llama.cpp: a multimodal checkpoint's "language_model." prefix is dropped
            String n = s.name().replace("language_model.", "");
            if (family == HfFamily.GEMMA3 && visionTensor(n)) {
                vision++;
                continue;
            }
            Matcher m = LAYER.matcher(n);
            if (m.matches()) {
                int layer;
                try {
                    layer = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    throw new ConvertException(s.file() + ": tensor " + s.name() + " names an impossible layer");
                }
                if (layer >= c.layers()) {
                    throw new ConvertException(s.file() + ": tensor " + s.name() + " belongs to layer " + layer + " but config.json"
                            + " says num_hidden_layers is " + c.layers());
                }
                if (m.group(2).equals("self_attn.rotary_emb.inv_freq")) {
                    continue; // recomputed from rope_theta
                }
                Rule rule = rules.get(m.group(2));
                if (rule == null) {
                    throw unknown(s, c);
                }
                String name = "blk." + layer + "." + rule.gguf();
                if (layers.get(layer).put(name, planned(name, s, rule, weightType)) != null) {
                    throw new ConvertException(s.file() + ": tensor " + s.name() + " appears twice in the checkpoint");
                }
                continue;
            }
            Planned p = switch (n) {
                case "model.embed_tokens.weight" -> planned("token_embd.weight", s,
                        new Rule("token_embd.weight", true, vocab, hidden, Layout.PLAIN, 0, true), weightType);
                case "model.norm.weight" -> planned("output_norm.weight", s,
                        new Rule("output_norm.weight", false, hidden, 0, Layout.PLAIN, shift, true), weightType);
                case "lm_head.weight" -> {
                    if (family == HfFamily.GEMMA2) {
                        skippedHead = true; // llama.cpp's converter skips it: Gemma 2's output is the embedding
                        yield null;
                    }
                    yield planned("output.weight", s, new Rule("output.weight", true, vocab, hidden, Layout.PLAIN, 0, true),
                            weightType);
                }
                default -> throw unknown(s, c);
            };
            if (p != null && global.put(p.name(), p) != null) {
                throw new ConvertException(s.file() + ": tensor " + s.name() + " appears twice in the checkpoint");
            }
        }
        if (vision > 0) {
            notes.add("left out the " + vision + " tensors of the vision tower and projector: the GGUF holds the text model");
        }
        if (skippedHead) {
            notes.add("left out lm_head.weight as llama.cpp does: Gemma 2 computes its output with the token embedding");
        }
        // every expected tensor is there
        List<String> missing = new ArrayList<>();
        if (!global.containsKey("token_embd.weight")) {
            missing.add("model.embed_tokens.weight");
        }
        if (!global.containsKey("output_norm.weight")) {
            missing.add("model.norm.weight");
        }
        boolean hasOutput = global.containsKey("output.weight");
        if (!hasOutput && !c.tiedEmbeddings() && family != HfFamily.GEMMA2) {
            missing.add("lm_head.weight (config.json says tie_word_embeddings is false)");
        }
        for (int i = 0; i < c.layers(); i++) {
            for (Map.Entry<String, Rule> e : rules.entrySet()) {
                if (e.getValue().required() && !layers.get(i).containsKey("blk." + i + "." + e.getValue().gguf())) {
                    missing.add("model.layers." + i + "." + e.getKey());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new ConvertException("the checkpoint lacks " + missing.size() + " tensor(s) the model needs: "
                    + (missing.size() <= 6 ? String.join(", ", missing)
                    : String.join(", ", missing.subList(0, 6)) + " and " + (missing.size() - 6) + " more"));
        }
        if (hasOutput && c.tiedEmbeddings()) {
            notes.add("config.json says the embeddings are tied but the checkpoint has lm_head.weight: written as output.weight");
        }

        List<Planned> out = new ArrayList<>();
        out.add(global.get("token_embd.weight"));
        if (c.ropeScaling() instanceof HfConfig.RopeScaling.Llama3 l3) {
            out.add(new Planned("rope_freqs.weight", null, new long[] {c.headDim() / 2}, GgmlType.F32, Layout.PLAIN, 0,
                    llama3RopeFactors(l3, c.ropeTheta(), c.headDim())));
        }
        if (c.ropeScaling() instanceof HfConfig.RopeScaling.LongRope lr) {
            out.add(new Planned("rope_factors_long.weight", null, new long[] {lr.longFactors().length}, GgmlType.F32,
                    Layout.PLAIN, 0, lr.longFactors()));
            out.add(new Planned("rope_factors_short.weight", null, new long[] {lr.shortFactors().length}, GgmlType.F32,
                    Layout.PLAIN, 0, lr.shortFactors()));
        }
        for (int i = 0; i < c.layers(); i++) {
            for (Rule rule : rules.values()) {
                Planned p = layers.get(i).get("blk." + i + "." + rule.gguf());
                if (p != null) {
                    out.add(p);
                }
            }
        }
        out.add(global.get("output_norm.weight"));
        if (hasOutput) {
            out.add(global.get("output.weight"));
        }
        return out;
    }

    private static ConvertException unknown(Safetensors.Tensor s, HfConfig c) {
        return new ConvertException(s.file() + ": tensor " + s.name() + " has no place in a " + c.hfArchitecture()
                + " model; Cove does not know how to convert it");
    }

    private static void checkDtype(Safetensors.Tensor s) {
        if (s.dtype() == null || !s.dtype().convertible()) {
            throw new ConvertException(s.file() + ": tensor " + s.name() + " has dtype " + s.dtypeName()
                    + ", which Cove cannot convert (F32, F16 and BF16 can be)");
        }
    }

    /** Checks the tensor against its rule: 2-D matrices in the weight type, 1-D vectors in F32. */
    private static Planned planned(String name, Safetensors.Tensor s, Rule rule, GgmlType weightType) {
        checkDtype(s);
        long[] shape = s.shape();
        if (rule.matrix()) {
            if (shape.length != 2 || shape[0] != rule.rows() || shape[1] != rule.cols()) {
                throw new ConvertException(s.file() + ": tensor " + s.name() + " has shape " + s.shapeText() + " but config.json"
                        + " implies [" + rule.rows() + ", " + rule.cols() + "]");
            }
            GgmlType t = weightType;
            if (rule.cols() % t.blockSize() != 0) {
                t = GgmlType.F16; // as llama.cpp: rows that are not whole Q8_0 blocks stay F16
            }
            return new Planned(name, s, new long[] {rule.cols(), rule.rows()}, t, rule.layout(), 0, null);
        }
        if (shape.length != 1 || shape[0] != rule.rows()) {
            throw new ConvertException(s.file() + ": tensor " + s.name() + " has shape " + s.shapeText() + " but config.json"
                    + " implies [" + rule.rows() + "]");
        }
        return new Planned(name, s, new long[] {rule.rows()}, GgmlType.F32, rule.layout(), rule.shift(), null);
    }

    /** llama.cpp's {@code generate_extra_tensors} for rope_type "llama3" (Llama 3.1 and later). */
    static float[] llama3RopeFactors(HfConfig.RopeScaling.Llama3 rs, double base, int dim) {
        double factor = rs.factor();
        double low = rs.lowFreqFactor();
        double high = rs.highFreqFactor();
        double oldContext = rs.originalContext();
        double lowWavelen = oldContext / low;
        double highWavelen = oldContext / high;
        float[] factors = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            float freq = (float) (1.0 / Math.pow(base, (float) (2 * i) / dim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - low) / (high - low);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    /**
     * Metadata in the order and with the types llama.cpp's converter writes for each family
     * (conversion/base.py TextModel.set_gguf_parameters and the family's own set_gguf_parameters).
     */
    private static void metadata(GgufWriter w, HfConfig c, HfTokenizer tok, String name, int fileType) {
        String a = c.ggufArchitecture() + ".";
        w.putString("general.architecture", c.ggufArchitecture());
        w.putString("general.type", "model");
        w.putString("general.name", name);
        switch (c.family()) {
            case LLAMA -> {
                textModelParameters(w, c, a, fileType);
                w.putUInt32(a + "vocab_size", c.vocabSize());
                w.putUInt32(a + "rope.dimension_count", c.headDim());
            }
            case QWEN2, QWEN3 -> textModelParameters(w, c, a, fileType);
            case GEMMA2 -> {
                w.putUInt32(a + "context_length", c.contextLength());
                w.putUInt32(a + "embedding_length", c.hiddenSize());
                w.putUInt32(a + "block_count", c.layers());
                w.putUInt32(a + "feed_forward_length", c.intermediateSize());
                w.putUInt32(a + "attention.head_count", c.heads());
                w.putUInt32(a + "attention.head_count_kv", c.kvHeads());
                w.putFloat32(a + "attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
                w.putUInt32(a + "attention.key_length", c.headDim());
                w.putUInt32(a + "attention.value_length", c.headDim());
                w.putUInt32("general.file_type", fileType);
                w.putFloat32(a + "attn_logit_softcapping", (float) c.attnLogitSoftcap());
                w.putFloat32(a + "final_logit_softcapping", (float) c.finalLogitSoftcap());
                w.putUInt32(a + "attention.sliding_window", c.slidingWindow());
                if (c.ropeTheta() != 10000.0) {
                    // llama.cpp's converter drops rope_theta for gemma2 (its loader assumes 10000): kept when it differs
                    w.putFloat32(a + "rope.freq_base", (float) c.ropeTheta());
                }
            }
            case GEMMA3 -> {
                textModelParameters(w, c, a, fileType);
                // Gemma3Model.set_gguf_parameters rewrites some keys (same values, same places) and adds its own
                w.putUInt32(a + "context_length", c.contextLength());
                w.putUInt32(a + "attention.head_count", c.heads());
                w.putFloat32(a + "attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
                w.putUInt32(a + "attention.key_length", c.headDim());
                w.putUInt32(a + "attention.value_length", c.headDim());
                w.putFloat32(a + "rope.freq_base", (float) c.ropeTheta());
                if (!Double.isNaN(c.finalLogitSoftcap())) {
                    w.putFloat32(a + "final_logit_softcapping", (float) c.finalLogitSoftcap());
                }
                if (c.slidingWindowPattern() != 1) {
                    w.putUInt32(a + "attention.sliding_window", c.slidingWindow());
                }
                w.putUInt32(a + "attention.head_count_kv", c.kvHeads());
                if (c.slidingWindowPattern() != HfConfig.GEMMA3_DEFAULT_PATTERN) {
                    // llama.cpp's converter leaves this out (every Gemma 3 has pattern 6, llama.cpp's default);
                    // its loader reads the key, so a checkpoint with another pattern still runs right
                    w.putUInt32(a + "attention.sliding_window_pattern", c.slidingWindowPattern());
                }
            }
            case PHI3 -> {
                w.putUInt32(a + "context_length", c.contextLength());
                w.putUInt32(a + "rope.scaling.original_context_length", c.originalContext());
                w.putUInt32(a + "embedding_length", c.hiddenSize());
                w.putUInt32(a + "feed_forward_length", c.intermediateSize());
                w.putUInt32(a + "block_count", c.layers());
                w.putUInt32(a + "attention.head_count", c.heads());
                w.putUInt32(a + "attention.head_count_kv", c.kvHeads());
                w.putFloat32(a + "attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
                w.putUInt32(a + "rope.dimension_count", c.ropeDimensions());
                w.putFloat32(a + "rope.freq_base", (float) c.ropeTheta());
                w.putUInt32("general.file_type", fileType);
                w.putUInt32(a + "attention.sliding_window", c.slidingWindow());
                if (c.ropeScaling() instanceof HfConfig.RopeScaling.LongRope lr) {
                    w.putFloat32(a + "rope.scaling.attn_factor", (float) lr.attnFactor());
                }
            }
        }
        w.putUInt32("general.quantization_version", 2);
        tokenizerMetadata(w, tok);
    }

    /** conversion/base.py TextModel.set_gguf_parameters, for the keys these families have. */
    private static void textModelParameters(GgufWriter w, HfConfig c, String a, int fileType) {
        w.putUInt32(a + "block_count", c.layers());
        w.putUInt32(a + "context_length", c.contextLength());
        w.putUInt32(a + "embedding_length", c.hiddenSize());
        w.putUInt32(a + "feed_forward_length", c.intermediateSize());
        w.putUInt32(a + "attention.head_count", c.heads());
        w.putUInt32(a + "attention.head_count_kv", c.kvHeads());
        switch (c.ropeScaling()) {
            case HfConfig.RopeScaling.Linear l -> {
                w.putString(a + "rope.scaling.type", "linear");
                w.putFloat32(a + "rope.scaling.factor", (float) l.factor());
            }
            case HfConfig.RopeScaling.Yarn y -> {
                w.putString(a + "rope.scaling.type", "yarn");
                w.putFloat32(a + "rope.scaling.factor", (float) y.factor());
                w.putUInt32(a + "rope.scaling.original_context_length", y.originalContext());
                putIfSet(w, a + "rope.scaling.yarn_ext_factor", y.extFactor());
                putIfSet(w, a + "rope.scaling.yarn_attn_factor", y.attnFactor());
                putIfSet(w, a + "rope.scaling.yarn_beta_fast", y.betaFast());
                putIfSet(w, a + "rope.scaling.yarn_beta_slow", y.betaSlow());
            }
            default -> {
            }
        }
        w.putFloat32(a + "rope.freq_base", (float) c.ropeTheta());
        if (!Double.isNaN(c.ropeThetaSwa())) {
            w.putFloat32(a + "rope.freq_base_swa", (float) c.ropeThetaSwa());
        }
        w.putFloat32(a + "attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        if (c.explicitHeadDim()) {
            w.putUInt32(a + "attention.key_length", c.headDim());
            w.putUInt32(a + "attention.value_length", c.headDim());
        }
        w.putUInt32("general.file_type", fileType);
    }

    private static void putIfSet(GgufWriter w, String key, double v) {
        if (!Double.isNaN(v)) {
            w.putFloat32(key, (float) v);
        }
    }

    private static void tokenizerMetadata(GgufWriter w, HfTokenizer tok) {
        w.putString("tokenizer.ggml.model", tok.model());
        w.putString("tokenizer.ggml.pre", tok.pre());
        w.putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(tok.tokens()));
        if (tok.scores() != null) {
            w.putArray("tokenizer.ggml.scores", GgufArray.ofFloats(tok.scores()));
        }
        w.putArray("tokenizer.ggml.token_type", GgufArray.ofInt32s(tok.types()));
        if (tok.addSpacePrefix() != null) {
            w.putBool("tokenizer.ggml.add_space_prefix", tok.addSpacePrefix());
        }
        if (tok.merges() != null && tok.merges().length > 0) {
            w.putArray("tokenizer.ggml.merges", GgufArray.ofStrings(tok.merges()));
        }
        tok.specialIds().forEach((typ, id) -> w.putUInt32(HfTokenizer.SPECIAL_KEYS.get(typ), id));
        tok.addFlags().forEach((typ, v) -> w.putBool("tokenizer.ggml.add_" + typ + "_token", v));
        List<String> others = new ArrayList<>();
        for (HfTokenizer.NamedTemplate t : tok.chatTemplates()) {
            if (t.name().equals("default")) {
                w.putString("tokenizer.chat_template", t.template());
            } else {
                w.putString("tokenizer.chat_template." + t.name(), t.template());
                others.add(t.name());
            }
        }
        if (!others.isEmpty()) {
            w.put("tokenizer.chat_templates", GgufValue.ofArray(new GgufArray(GgufValueType.STRING, others.toArray(String[]::new))));
        }
    }

    /** Streams one tensor: a plain copy when nothing changes, else rows converted chunk by chunk. */
    private static TensorPayload payload(Planned p, HfConfig c) {
        if (p.generated() != null) {
            return TensorPayload.ofFloats(p.generated());
        }
        Safetensors.Tensor s = p.source();
        boolean sameBytes = p.layout() == Layout.PLAIN && p.shift() == 0
                && ((s.dtype() == Safetensors.Dtype.F32 && p.type() == GgmlType.F32)
                || (s.dtype() == Safetensors.Dtype.F16 && p.type() == GgmlType.F16)
                || (s.dtype() == Safetensors.Dtype.BF16 && p.type() == GgmlType.BF16));
        if (sameBytes) {
            return out -> {
                MemorySegment bytes = s.data();
                for (long at = 0; at < bytes.byteSize(); at += 1L << 30) {
                    ByteBuffer b = bytes.asSlice(at, Math.min(1L << 30, bytes.byteSize() - at)).asByteBuffer();
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                }
            };
        }
        long[] shape = p.ggufShape();
        int rowLength = Math.toIntExact(shape[0]);
        long rows = shape.length > 1 ? shape[1] : 1;
        int headRows = c.headDim();
        TypeCodec codec = TypeCodecs.of(p.type());
        return out -> {
            int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowLength);
            if (p.layout() != Layout.PLAIN && shape.length > 1) {
                // whole heads per chunk, so a chunk's rows are a permutation of its own source rows
                rowsPerChunk = Math.max(headRows, rowsPerChunk / headRows * headRows);
            }
            float[] values = new float[Math.toIntExact(Math.min(rowsPerChunk, rows) * rowLength)];
            byte[] bytes = new byte[Math.toIntExact(p.type().byteSize(values.length))];
            MemorySegment dst = MemorySegment.ofArray(bytes);
            for (long first = 0; first < rows; first += rowsPerChunk) {
                int n = (int) Math.min(rowsPerChunk, rows - first);
                if (p.layout() == Layout.PLAIN) {
                    s.readFloats(first * rowLength, values, 0, n * rowLength);
                } else if (shape.length == 1) {
                    // a permuted bias: one row of q or k values, permuted element-wise
                    float[] raw = new float[rowLength];
                    s.readFloats(0, raw, 0, rowLength);
                    for (int r = 0; r < rowLength; r++) {
                        values[r] = raw[(int) sourceRow(r, headRows)];
                    }
                } else {
                    for (int r = 0; r < n; r++) {
                        long src = sourceRow(first + r, headRows);
                        s.readFloats(src * rowLength, values, r * rowLength, rowLength);
                    }
                }
                int count = n * rowLength;
                if (p.shift() != 0) {
                    shift(values, count, p.shift(), s.dtype());
                }
                codec.quantize(values, 0, dst, 0, count);
                ByteBuffer b = ByteBuffer.wrap(bytes, 0, Math.toIntExact(p.type().byteSize(count)));
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        };
    }

    /**
     * Gemma's norm weights w become 1 + w, computed as llama.cpp's converter computes it: in
     * float32 for F32 and BF16 sources, in float16 (rounded to the nearest float16) for F16 ones.
     */
    static void shift(float[] values, int count, float shift, Safetensors.Dtype source) {
        for (int i = 0; i < count; i++) {
            float v = values[i] + shift;
            values[i] = source == Safetensors.Dtype.F16 ? Float16.toFloat(Float16.fromFloat(v)) : v;
        }
    }

    /**
     * The Hugging Face row that becomes GGUF row {@code row} of a q or k projection: llama.cpp's
     * {@code permute}, {@code reshape(heads, 2, hd/2, ...).swapaxes(1, 2)}: within each head,
     * output row {@code 2i + j} is input row {@code j * hd/2 + i}.
     */
    static long sourceRow(long row, int headDim) {
        long head = row / headDim;
        int w = (int) (row % headDim);
        int i = w / 2;
        int j = w % 2;
        return head * headDim + (long) j * (headDim / 2) + i;
    }

    private static void checkOutput(Path output, Path dir) {
        if (Files.isDirectory(output)) {
            throw new ConvertException(output + ": is a folder; give the name of the GGUF file to write");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ConvertException(output + ": the folder " + parent + " does not exist");
        }
        if (output.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())
                && output.getFileName().toString().endsWith(".safetensors")) {
            throw new ConvertException(output + ": the output would overwrite a file of the checkpoint; choose another name");
        }
    }
}
