package dev.cove.core.convert;

import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of a Hugging Face checkpoint ({@code config.json}) that a GGUF file needs,
 * read once and checked. {@code ggufArchitecture} is the GGUF name of the architecture
 * ({@code llama} for Llama, Mistral and TinyLlama; {@code qwen2}).
 *
 * @param ropeScalingType   "none", "linear" or "llama3"
 * @param ropeScaling       the {@code rope_scaling} object (empty when absent), for the llama3 factors
 */
record HfConfig(
        String hfArchitecture,
        String ggufArchitecture,
        int hiddenSize,
        int intermediateSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        boolean explicitHeadDim,
        int vocabSize,
        int contextLength,
        double rmsNormEps,
        double ropeTheta,
        boolean tiedEmbeddings,
        String ropeScalingType,
        double ropeScalingFactor,
        Map<String, Object> ropeScaling,
        Map<String, Object> raw) {

    /** HF architectures Cove converts, and their GGUF architecture. */
    static final Map<String, String> ARCHITECTURES = Map.of(
            "LlamaForCausalLM", "llama",
            "MistralForCausalLM", "llama",
            "Qwen2ForCausalLM", "qwen2");

    static HfConfig parse(String text, String file) {
        Map<String, Object> c = Json.object(Json.parse(text, file), file, "the file");
        String hfArch;
        Object archs = c.get("architectures");
        if (archs instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) {
            hfArch = s;
        } else if (archs == null) {
            throw new ConvertException(file + ": the key \"architectures\" is missing, so the model's architecture is unknown"
                    + " (Cove converts " + String.join(", ", ARCHITECTURES.keySet().stream().sorted().toList()) + ")");
        } else {
            throw new ConvertException(file + ": \"architectures\" must be a list of names, not " + Json.kind(archs));
        }
        String gguf = ARCHITECTURES.get(hfArch);
        if (gguf == null) {
            throw new ConvertException(file + ": architecture " + hfArch + " is not supported; Cove converts "
                    + String.join(", ", ARCHITECTURES.keySet().stream().sorted().toList()));
        }
        int hidden = positive(c, "hidden_size", file);
        int ffn = positive(c, "intermediate_size", file);
        int layers = positive(c, "num_hidden_layers", file);
        int heads = positive(c, "num_attention_heads", file);
        int kvHeads = c.containsKey("num_key_value_heads") && c.get("num_key_value_heads") != Json.NULL
                ? positive(c, "num_key_value_heads", file) : heads;
        int vocab = positive(c, "vocab_size", file);
        boolean explicitHeadDim = c.get("head_dim") instanceof Long;
        int headDim;
        if (explicitHeadDim) {
            headDim = positive(c, "head_dim", file);
        } else {
            if (hidden % heads != 0) {
                throw new ConvertException(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                        + heads + " and there is no head_dim");
            }
            headDim = hidden / heads;
        }
        if (heads % kvHeads != 0) {
            throw new ConvertException(file + ": num_attention_heads " + heads + " is not a multiple of num_key_value_heads "
                    + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new ConvertException(file + ": the head size " + headDim + " is odd; rotary embeddings need pairs");
        }
        int ctx = c.containsKey("max_position_embeddings") ? positive(c, "max_position_embeddings", file)
                : gguf.equals("qwen2") ? 32768 : 2048;
        double eps = c.containsKey("rms_norm_eps") ? positiveNumber(c, "rms_norm_eps", file) : 1e-6;
        double theta = c.containsKey("rope_theta") ? positiveNumber(c, "rope_theta", file) : 10000.0;
        boolean tied = c.get("tie_word_embeddings") instanceof Boolean b ? b : false;

        String scalingType = "none";
        double factor = 1;
        Map<String, Object> scaling = Map.of();
        Object rs = c.get("rope_scaling");
        if (rs != null && rs != Json.NULL) {
            scaling = Json.object(rs, file, "rope_scaling");
            Object type = scaling.containsKey("rope_type") ? scaling.get("rope_type") : scaling.get("type");
            String t = type instanceof String name ? name : "";
            switch (t) {
                case "linear" -> {
                    scalingType = "linear";
                    factor = positiveNumber(scaling, "factor", file + " rope_scaling");
                }
                case "llama3" -> {
                    scalingType = "llama3";
                    factor = scaling.containsKey("factor") ? positiveNumber(scaling, "factor", file + " rope_scaling") : 8.0;
                }
                case "default", "none" -> scalingType = "none";
                default -> throw new ConvertException(file + ": rope_scaling type \"" + t + "\" is not supported"
                        + " (Cove converts linear and llama3 scaling)");
            }
        }
        return new HfConfig(hfArch, gguf, hidden, ffn, layers, heads, kvHeads, headDim, explicitHeadDim, vocab, ctx, eps, theta,
                tied, scalingType, factor, scaling, c);
    }

    int queryDim() {
        return heads * headDim;
    }

    int kvDim() {
        return kvHeads * headDim;
    }

    /** An integer token id from config.json ({@code bos_token_id} ...), or -1 when absent or not a single integer. */
    int tokenId(String key) {
        return raw.get(key) instanceof Long v && v >= 0 && v <= Integer.MAX_VALUE ? v.intValue() : -1;
    }

    private static int positive(Map<String, Object> c, String key, String file) {
        Object v = c.get(key);
        if (v == null) {
            throw new ConvertException(file + ": the required key \"" + key + "\" is missing");
        }
        if (!(v instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
            throw new ConvertException(file + ": \"" + key + "\" must be a positive integer, not " + Json.kind(v));
        }
        return n.intValue();
    }

    private static double positiveNumber(Map<String, Object> c, String key, String file) {
        Object v = c.get(key);
        if (v == null) {
            throw new ConvertException(file + ": the required key \"" + key + "\" is missing");
        }
        if (!(v instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
            throw new ConvertException(file + ": \"" + key + "\" must be a positive number, not " + Json.kind(v));
        }
        return n.doubleValue();
    }
}
