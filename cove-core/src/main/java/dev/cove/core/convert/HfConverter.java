package dev.cove.core.convert;

import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.gguf.GgufValueType;
import dev.cove.core.gguf.GgufWriter;
import dev.cove.core.gguf.GgufWriter.TensorPayload;
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
 * <p>Architectures: {@code LlamaForCausalLM} and {@code MistralForCausalLM} (Llama 2/3, Mistral,
 * TinyLlama, CodeLlama) as GGUF {@code llama}, and {@code Qwen2ForCausalLM} as {@code qwen2}. For
 * {@code llama} the query and key projections are permuted from Hugging Face's layout (RoPE
 * rotates the two halves of each head, {@code rotate_half}) to GGUF's (RoPE rotates adjacent
 * pairs); Qwen2 keeps its layout (llama.cpp runs it with the NeoX rotation) and has q/k/v biases.
 * Tied embeddings write no {@code output.weight}. Llama 3.1's "llama3" RoPE scaling becomes the
 * {@code rope_freqs.weight} tensor.
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
                           float[] generated) {
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
        HfTokenizer tok = HfTokenizer.read(HfCheckpoint.readText(tokenizerFile),
                Files.isRegularFile(tcFile) ? HfCheckpoint.readText(tcFile) : null,
                Files.isRegularFile(jinja) ? HfCheckpoint.readText(jinja) : null, config, options.preTokenizer());

        List<String> notes = new ArrayList<>();
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

    /** Maps every checkpoint tensor to its GGUF tensor and checks names, shapes and dtypes. */
    private static List<Planned> plan(HfConfig c, HfCheckpoint ckpt, GgmlType weightType, List<String> notes) {
        boolean llama = c.ggufArchitecture().equals("llama");
        long hidden = c.hiddenSize();
        long q = c.queryDim();
        long kv = c.kvDim();
        long ffn = c.intermediateSize();
        long vocab = c.vocabSize();
        Map<String, Safetensors.Tensor> t = ckpt.tensors();
        List<Planned> global = new ArrayList<>();
        List<List<Planned>> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new ArrayList<>());
        }
        for (Safetensors.Tensor s : t.values()) {
            String n = s.name();
            Matcher m = LAYER.matcher(n);
            if (m.matches()) {
                int layer;
                try {
                    layer = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    throw new ConvertException(s.file() + ": tensor " + n + " names an impossible layer");
                }
                if (layer >= c.layers()) {
                    throw new ConvertException(s.file() + ": tensor " + n + " belongs to layer " + layer + " but config.json"
                            + " says num_hidden_layers is " + c.layers());
                }
                String p = "blk." + layer + ".";
                Planned planned = switch (m.group(2)) {
                    case "input_layernorm.weight" -> vector(p + "attn_norm.weight", s, hidden);
                    case "post_attention_layernorm.weight" -> vector(p + "ffn_norm.weight", s, hidden);
                    case "self_attn.q_proj.weight" -> matrix(p + "attn_q.weight", s, q, hidden, weightType,
                            llama ? Layout.PERMUTE_Q : Layout.PLAIN);
                    case "self_attn.k_proj.weight" -> matrix(p + "attn_k.weight", s, kv, hidden, weightType,
                            llama ? Layout.PERMUTE_K : Layout.PLAIN);
                    case "self_attn.v_proj.weight" -> matrix(p + "attn_v.weight", s, kv, hidden, weightType, Layout.PLAIN);
                    case "self_attn.o_proj.weight" -> matrix(p + "attn_output.weight", s, hidden, q, weightType, Layout.PLAIN);
                    case "mlp.gate_proj.weight" -> matrix(p + "ffn_gate.weight", s, ffn, hidden, weightType, Layout.PLAIN);
                    case "mlp.up_proj.weight" -> matrix(p + "ffn_up.weight", s, ffn, hidden, weightType, Layout.PLAIN);
                    case "mlp.down_proj.weight" -> matrix(p + "ffn_down.weight", s, hidden, ffn, weightType, Layout.PLAIN);
                    case "self_attn.q_proj.bias" -> bias(p + "attn_q.bias", s, q, llama ? Layout.PERMUTE_Q : Layout.PLAIN);
                    case "self_attn.k_proj.bias" -> bias(p + "attn_k.bias", s, kv, llama ? Layout.PERMUTE_K : Layout.PLAIN);
                    case "self_attn.v_proj.bias" -> bias(p + "attn_v.bias", s, kv, Layout.PLAIN);
                    case "self_attn.rotary_emb.inv_freq" -> null; // recomputed from rope_theta
                    default -> throw unknown(s, c);
                };
                if (planned != null) {
                    layers.get(layer).add(planned);
                }
                continue;
            }
            switch (n) {
                case "model.embed_tokens.weight" -> global.add(0, matrix("token_embd.weight", s, vocab, hidden, weightType,
                        Layout.PLAIN));
                case "model.norm.weight" -> global.add(vector("output_norm.weight", s, hidden));
                case "lm_head.weight" -> global.add(matrix("output.weight", s, vocab, hidden, weightType, Layout.PLAIN));
                default -> throw unknown(s, c);
            }
        }
        // every expected tensor is there
        List<String> missing = new ArrayList<>();
        require(global, "token_embd.weight", "model.embed_tokens.weight", missing);
        require(global, "output_norm.weight", "model.norm.weight", missing);
        boolean hasOutput = global.stream().anyMatch(p -> p.name().equals("output.weight"));
        if (!hasOutput && !c.tiedEmbeddings()) {
            missing.add("lm_head.weight (config.json says tie_word_embeddings is false)");
        }
        String[][] perLayer = {
            {"attn_norm.weight", "input_layernorm.weight"}, {"attn_q.weight", "self_attn.q_proj.weight"},
            {"attn_k.weight", "self_attn.k_proj.weight"}, {"attn_v.weight", "self_attn.v_proj.weight"},
            {"attn_output.weight", "self_attn.o_proj.weight"}, {"ffn_norm.weight", "post_attention_layernorm.weight"},
            {"ffn_gate.weight", "mlp.gate_proj.weight"}, {"ffn_up.weight", "mlp.up_proj.weight"},
            {"ffn_down.weight", "mlp.down_proj.weight"}};
        String[][] biases = {{"attn_q.bias", "self_attn.q_proj.bias"}, {"attn_k.bias", "self_attn.k_proj.bias"},
            {"attn_v.bias", "self_attn.v_proj.bias"}};
        for (int i = 0; i < c.layers(); i++) {
            for (String[] e : perLayer) {
                require(layers.get(i), "blk." + i + "." + e[0], "model.layers." + i + "." + e[1], missing);
            }
            if (c.ggufArchitecture().equals("qwen2")) {
                for (String[] e : biases) {
                    require(layers.get(i), "blk." + i + "." + e[0], "model.layers." + i + "." + e[1], missing);
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
        out.add(global.stream().filter(p -> p.name().equals("token_embd.weight")).findFirst().orElseThrow());
        if (c.ropeScalingType().equals("llama3")) {
            out.add(new Planned("rope_freqs.weight", null, new long[] {c.headDim() / 2}, GgmlType.F32, Layout.PLAIN,
                    llama3RopeFactors(c)));
        }
        String[] order = {"attn_norm.weight", "attn_q.weight", "attn_q.bias", "attn_k.weight", "attn_k.bias", "attn_v.weight",
            "attn_v.bias", "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"};
        for (int i = 0; i < c.layers(); i++) {
            for (String suffix : order) {
                String name = "blk." + i + "." + suffix;
                layers.get(i).stream().filter(p -> p.name().equals(name)).findFirst().ifPresent(out::add);
            }
        }
        global.stream().filter(p -> p.name().equals("output_norm.weight")).findFirst().ifPresent(out::add);
        global.stream().filter(p -> p.name().equals("output.weight")).findFirst().ifPresent(out::add);
        return out;
    }

    private static void require(List<Planned> list, String gguf, String hf, List<String> missing) {
        if (list.stream().noneMatch(p -> p.name().equals(gguf))) {
            missing.add(hf);
        }
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

    private static Planned matrix(String name, Safetensors.Tensor s, long rows, long cols, GgmlType type, Layout layout) {
        checkDtype(s);
        long[] shape = s.shape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
            throw new ConvertException(s.file() + ": tensor " + s.name() + " has shape " + s.shapeText() + " but config.json"
                    + " implies [" + rows + ", " + cols + "]");
        }
        GgmlType t = type;
        if (cols % t.blockSize() != 0) {
            t = GgmlType.F16; // as llama.cpp: rows that are not whole Q8_0 blocks stay F16
        }
        return new Planned(name, s, new long[] {cols, rows}, t, layout, null);
    }

    private static Planned vector(String name, Safetensors.Tensor s, long length) {
        return bias(name, s, length, Layout.PLAIN);
    }

    private static Planned bias(String name, Safetensors.Tensor s, long length, Layout layout) {
        checkDtype(s);
        long[] shape = s.shape();
        if (shape.length != 1 || shape[0] != length) {
            throw new ConvertException(s.file() + ": tensor " + s.name() + " has shape " + s.shapeText() + " but config.json"
                    + " implies [" + length + "]");
        }
        return new Planned(name, s, new long[] {length}, GgmlType.F32, layout, null);
    }

    /** llama.cpp's {@code generate_extra_tensors} for rope_type "llama3" (Llama 3.1 and later). */
    static float[] llama3RopeFactors(HfConfig c) {
        Map<String, Object> rs = c.ropeScaling();
        double base = c.ropeTheta();
        int dim = c.headDim();
        double factor = c.ropeScalingFactor();
        double low = rs.get("low_freq_factor") instanceof Number n ? n.doubleValue() : 1.0;
        double high = rs.get("high_freq_factor") instanceof Number n ? n.doubleValue() : 4.0;
        double oldContext = rs.get("original_max_position_embeddings") instanceof Number n ? n.doubleValue()
                : c.raw().get("original_max_position_embeddings") instanceof Number m ? m.doubleValue() : 8192;
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

    /** Metadata in the order and with the types llama.cpp's converter writes. */
    private static void metadata(GgufWriter w, HfConfig c, HfTokenizer tok, String name, int fileType) {
        String a = c.ggufArchitecture() + ".";
        w.putString("general.architecture", c.ggufArchitecture());
        w.putString("general.type", "model");
        w.putString("general.name", name);
        w.putUInt32(a + "block_count", c.layers());
        w.putUInt32(a + "context_length", c.contextLength());
        w.putUInt32(a + "embedding_length", c.hiddenSize());
        w.putUInt32(a + "feed_forward_length", c.intermediateSize());
        w.putUInt32(a + "attention.head_count", c.heads());
        w.putUInt32(a + "attention.head_count_kv", c.kvHeads());
        w.putFloat32(a + "rope.freq_base", (float) c.ropeTheta());
        w.putFloat32(a + "attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        if (c.explicitHeadDim()) {
            w.putUInt32(a + "attention.key_length", c.headDim());
            w.putUInt32(a + "attention.value_length", c.headDim());
        }
        w.putUInt32("general.file_type", fileType);
        if (c.ggufArchitecture().equals("llama")) {
            w.putUInt32(a + "vocab_size", c.vocabSize());
            w.putUInt32(a + "rope.dimension_count", c.headDim());
        }
        if (c.ropeScalingType().equals("linear")) {
            w.putString(a + "rope.scaling.type", "linear");
            w.putFloat32(a + "rope.scaling.factor", (float) c.ropeScalingFactor());
        }
        w.putUInt32("general.quantization_version", 2);
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
        boolean sameBytes = p.layout() == Layout.PLAIN
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
                codec.quantize(values, 0, dst, 0, count);
                ByteBuffer b = ByteBuffer.wrap(bytes, 0, Math.toIntExact(p.type().byteSize(count)));
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        };
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
