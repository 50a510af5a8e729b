package dev.cove.core.convert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of a Hugging Face checkpoint ({@code config.json}) that a GGUF file needs,
 * read once and checked. A multimodal configuration's {@code text_config} is merged into the top
 * level and the family's transformers defaults fill absent keys, as llama.cpp's converter sees
 * the configuration.
 *
 * @param headDim            the size of one attention head
 * @param explicitHeadDim    whether the GGUF gets {@code attention.key_length} / {@code value_length}
 * @param ropeThetaSwa       the RoPE base of sliding-window layers (Gemma 3's {@code rope_local_base_freq}); NaN when none
 * @param ropeDimensions     how many dimensions of a head RoPE rotates (Phi-3's {@code partial_rotary_factor})
 * @param originalContext    Phi-3's {@code original_max_position_embeddings}; 0 for other families
 * @param slidingWindow      the attention window of local layers; 0 when none (Phi-3 writes 0)
 * @param slidingWindowPattern Gemma 3: every n-th layer is global; 0 for other families
 * @param attnLogitSoftcap   Gemma 2's {@code attn_logit_softcapping}; NaN when none
 * @param finalLogitSoftcap  {@code final_logit_softcapping}; NaN when none
 * @param queryPreAttnScalar Gemma's {@code query_pre_attn_scalar} (attention scale 1/sqrt of it); NaN for other families
 * @param raw                config.json as written (before text_config is merged and defaults applied)
 */
record HfConfig(
        HfFamily family,
        String hfArchitecture,
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
        double ropeThetaSwa,
        int ropeDimensions,
        boolean tiedEmbeddings,
        RopeScaling ropeScaling,
        int originalContext,
        int slidingWindow,
        int slidingWindowPattern,
        double attnLogitSoftcap,
        double finalLogitSoftcap,
        double queryPreAttnScalar,
        Map<String, Object> raw) {

    /** Gemma 3's local/global pattern llama.cpp assumes when the GGUF does not say. */
    static final int GEMMA3_DEFAULT_PATTERN = 6;

    /** How RoPE positions are scaled ({@code rope_scaling} / {@code rope_parameters}). */
    sealed interface RopeScaling {
        /** No scaling. */
        record None() implements RopeScaling {
        }

        /** Positions divided by {@code factor}. */
        record Linear(double factor) implements RopeScaling {
        }

        /** Llama 3.1: per-frequency divisors, written as the {@code rope_freqs} tensor. */
        record Llama3(double factor, double lowFreqFactor, double highFreqFactor, double originalContext)
                implements RopeScaling {
        }

        /** YaRN; the optional parameters are NaN when config.json does not give them. */
        record Yarn(double factor, int originalContext, double extFactor, double attnFactor, double betaFast,
                    double betaSlow) implements RopeScaling {
        }

        /** Phi-3's LongRoPE ("longrope", formerly "su"; "yarn" with factor lists): per-frequency factors. */
        record LongRope(String type, float[] longFactors, float[] shortFactors, double attnFactor) implements RopeScaling {
        }
    }

    static HfConfig parse(String text, String file) {
        Map<String, Object> top = Json.object(Json.parse(text, file), file, "the file");
        String hfArch;
        Object archs = top.get("architectures");
        if (archs instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) {
            hfArch = s;
        } else if (archs == null) {
            throw new ConvertException(file + ": the key \"architectures\" is missing, so the model's architecture is unknown"
                    + " (Cove converts " + HfFamily.supportedNames() + ")");
        } else {
            throw new ConvertException(file + ": \"architectures\" must be a list of names, not " + Json.kind(archs));
        }
        HfFamily family = HfFamily.of(hfArch);
        if (family == null) {
            throw new ConvertException(file + ": architecture " + hfArch + " is not supported; Cove converts "
                    + HfFamily.supportedNames());
        }
        // as llama.cpp: a multimodal model's text_config moves to the top level, then transformers' defaults
        Map<String, Object> c = new LinkedHashMap<>(top);
        Object textConfig = top.get("text_config");
        if (textConfig != null && textConfig != Json.NULL) {
            c.putAll(Json.object(textConfig, file, "\"text_config\""));
        }
        family.defaults.forEach(c::putIfAbsent);

        int hidden = positive(c, "hidden_size", file);
        int ffn = positive(c, "intermediate_size", file);
        int layers = positive(c, "num_hidden_layers", file);
        int heads = positive(c, "num_attention_heads", file);
        int kvHeads = present(c, "num_key_value_heads") ? positive(c, "num_key_value_heads", file) : heads;
        int vocab = positive(c, "vocab_size", file);
        boolean explicitHeadDim = family != HfFamily.PHI3 && c.get("head_dim") instanceof Long;
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
        int ctx = present(c, "max_position_embeddings") ? positive(c, "max_position_embeddings", file) : 2048;
        double eps = present(c, "rms_norm_eps") ? positiveNumber(c, "rms_norm_eps", file) : 1e-6;
        boolean tied = c.get("tie_word_embeddings") instanceof Boolean b ? b : false;

        // RoPE: rope_parameters (transformers 5) or rope_scaling + rope_theta; Gemma 3 splits full and sliding layers
        Map<String, Object> rope = Map.of();
        String ropeKey = present(c, "rope_parameters") ? "rope_parameters" : "rope_scaling";
        if (present(c, ropeKey)) {
            rope = Json.object(c.get(ropeKey), file, ropeKey);
        }
        Map<String, Object> fullRope = rope;
        Map<String, Object> slidingRope = null;
        if (rope.containsKey("full_attention") || rope.containsKey("sliding_attention")) {
            fullRope = rope.containsKey("full_attention")
                    ? Json.object(rope.get("full_attention"), file, ropeKey + ".full_attention") : Map.of();
            slidingRope = rope.containsKey("sliding_attention")
                    ? Json.object(rope.get("sliding_attention"), file, ropeKey + ".sliding_attention") : null;
        }
        String ropeWhere = file + " " + ropeKey;
        double theta = fullRope.containsKey("rope_theta") ? positiveNumber(fullRope, "rope_theta", ropeWhere)
                : present(c, "rope_theta") ? positiveNumber(c, "rope_theta", file) : 10000.0;
        int ropeDims = headDim;
        int originalContext = 0;
        if (family == HfFamily.PHI3) {
            double partial = present(fullRope, "partial_rotary_factor") ? positiveNumber(fullRope, "partial_rotary_factor", ropeWhere)
                    : present(c, "partial_rotary_factor") ? positiveNumber(c, "partial_rotary_factor", file) : 1.0;
            ropeDims = (int) (partial * hidden) / heads; // llama.cpp: int(rot_pct * n_embd) // n_head
            if (ropeDims <= 0 || ropeDims > headDim || ropeDims % 2 != 0) {
                throw new ConvertException(file + ": partial_rotary_factor " + partial + " gives " + ropeDims
                        + " rotary dimensions per head of " + headDim + "; they must be even and at most the head size");
            }
            originalContext = present(fullRope, "original_max_position_embeddings")
                    ? positive(fullRope, "original_max_position_embeddings", ropeWhere)
                    : positive(c, "original_max_position_embeddings", file);
        }
        RopeScaling scaling = ropeScaling(family, fullRope, ropeWhere, c, file, ctx, originalContext, ropeDims);

        double thetaSwa = Double.NaN;
        if (family == HfFamily.GEMMA3) {
            if (slidingRope != null) {
                thetaSwa = positiveNumber(slidingRope, "rope_theta", ropeWhere + ".sliding_attention");
                RopeScaling local = ropeScaling(family, slidingRope, ropeWhere + ".sliding_attention", c, file, ctx, 0, ropeDims);
                if (!(local instanceof RopeScaling.None)) {
                    throw new ConvertException(ropeWhere + ".sliding_attention: RoPE scaling of the local layers is not"
                            + " supported (llama.cpp scales only the global layers)");
                }
            } else {
                thetaSwa = positiveNumber(c, "rope_local_base_freq", file);
            }
        }

        int window = 0;
        int pattern = 0;
        double attnCap = Double.NaN;
        double finalCap = Double.NaN;
        double qScalar = Double.NaN;
        switch (family) {
            case GEMMA2 -> {
                window = positive(c, "sliding_window", file);
                slidingPattern(c, file, layers, 2, 2); // llama.cpp's gemma2 alternates: layer 0 local, layer 1 global
                attnCap = positiveNumber(c, "attn_logit_softcapping", file);
                finalCap = positiveNumber(c, "final_logit_softcapping", file);
                qScalar = positiveNumber(c, "query_pre_attn_scalar", file);
            }
            case GEMMA3 -> {
                pattern = slidingPattern(c, file, layers, GEMMA3_DEFAULT_PATTERN, 0);
                if (pattern != 1) {
                    window = positive(c, "sliding_window", file);
                }
                if (present(c, "attn_logit_softcapping")) {
                    throw new ConvertException(file + ": attn_logit_softcapping is set, but Gemma 3 has no attention"
                            + " soft-capping (llama.cpp's converter refuses it too)");
                }
                if (present(c, "final_logit_softcapping")) {
                    finalCap = positiveNumber(c, "final_logit_softcapping", file);
                }
                qScalar = positiveNumber(c, "query_pre_attn_scalar", file);
            }
            case PHI3 -> window = present(c, "sliding_window") ? positive(c, "sliding_window", file) : 0;
            default -> {
            }
        }
        return new HfConfig(family, hfArch, hidden, ffn, layers, heads, kvHeads, headDim, explicitHeadDim, vocab, ctx, eps,
                theta, thetaSwa, ropeDims, tied, scaling, originalContext, window, pattern, attnCap, finalCap, qScalar, top);
    }

    private static RopeScaling ropeScaling(HfFamily family, Map<String, Object> rs, String where, Map<String, Object> c,
                                           String file, int ctx, int originalContext, int ropeDims) {
        Object type = rs.containsKey("rope_type") ? rs.get("rope_type") : rs.get("type");
        String t = type instanceof String name ? name : type == null || type == Json.NULL ? "default" : Json.kind(type);
        List<String> allowed = switch (family) {
            case LLAMA -> List.of("linear", "llama3", "yarn");
            case QWEN2, QWEN3 -> List.of("linear", "yarn");
            case GEMMA2 -> List.of();
            case GEMMA3 -> List.of("linear");
            case PHI3 -> List.of("longrope", "su", "yarn");
        };
        if ((type == null || type == Json.NULL) && present(rs, "factor")) {
            throw new ConvertException(where + ": the scaling has a factor but no \"rope_type\" (or \"type\")");
        }
        if (t.equals("default") || t.equals("none")) {
            return new RopeScaling.None();
        }
        if (!allowed.contains(t)) {
            throw new ConvertException(where + ": rope type \"" + t + "\" is not supported for " + family.gguf
                    + (allowed.isEmpty() ? " (it has no RoPE scaling)" : " (Cove converts " + String.join(", ", allowed) + ")"));
        }
        if (family == HfFamily.PHI3) {
            return longRope(t, rs, where, ctx, originalContext, ropeDims);
        }
        return switch (t) {
            case "linear" -> new RopeScaling.Linear(positiveNumber(rs, "factor", where));
            case "llama3" -> new RopeScaling.Llama3(
                    present(rs, "factor") ? positiveNumber(rs, "factor", where) : 8.0,
                    present(rs, "low_freq_factor") ? positiveNumber(rs, "low_freq_factor", where) : 1.0,
                    present(rs, "high_freq_factor") ? positiveNumber(rs, "high_freq_factor", where) : 4.0,
                    present(rs, "original_max_position_embeddings") ? positiveNumber(rs, "original_max_position_embeddings", where)
                            : present(c, "original_max_position_embeddings")
                            ? positiveNumber(c, "original_max_position_embeddings", file) : 8192);
            case "yarn" -> new RopeScaling.Yarn(positiveNumber(rs, "factor", where),
                    positive(rs, "original_max_position_embeddings", where),
                    optionalNumber(rs, "extrapolation_factor", where),
                    present(rs, "attention_factor") ? optionalNumber(rs, "attention_factor", where)
                            : optionalNumber(rs, "attn_factor", where),
                    optionalNumber(rs, "beta_fast", where), optionalNumber(rs, "beta_slow", where));
            default -> throw new IllegalStateException(t);
        };
    }

    /** llama.cpp's Phi3MiniModel.generate_extra_tensors: factor lists and the attention factor. */
    private static RopeScaling longRope(String type, Map<String, Object> rs, String where, int ctx, int originalContext,
                                        int ropeDims) {
        if (!present(rs, "long_factor")) {
            if (type.equals("yarn")) {
                return new RopeScaling.None(); // llama.cpp writes nothing for a Phi-3 YaRN without factor lists
            }
            throw new ConvertException(where + ": the " + type + " scaling has no long_factor list");
        }
        float[] longF = factors(rs, "long_factor", where, ropeDims / 2);
        float[] shortF = factors(rs, "short_factor", where, ropeDims / 2);
        double scale = (double) ctx / originalContext;
        double attn;
        if (scale <= 1.0) {
            attn = 1.0;
        } else if (type.equals("yarn")) {
            attn = 0.1 * Math.log(scale) + 1.0;
        } else {
            attn = Math.sqrt(1 + Math.log(scale) / Math.log(originalContext));
        }
        return new RopeScaling.LongRope(type, longF, shortF, attn);
    }

    private static float[] factors(Map<String, Object> rs, String key, String where, int expected) {
        if (!present(rs, key)) {
            throw new ConvertException(where + ": the required list \"" + key + "\" is missing");
        }
        List<Object> list = Json.array(rs.get(key), where, "\"" + key + "\"");
        if (list.size() != expected) {
            throw new ConvertException(where + ": \"" + key + "\" has " + list.size() + " factors but the rotary"
                    + " dimensions need " + expected + " (half of " + 2 * expected + ")");
        }
        float[] out = new float[expected];
        for (int i = 0; i < expected; i++) {
            if (!(list.get(i) instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
                throw new ConvertException(where + ": \"" + key + "\"[" + i + "] must be a positive number, not "
                        + Json.kind(list.get(i)));
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    /**
     * The local/global period: {@code sliding_window_pattern}, or derived from {@code layer_types}
     * (n - 1 "sliding_attention" layers then one "full_attention", repeated), else {@code fallback};
     * {@code required} (when not 0) is the only period the family has.
     */
    private static int slidingPattern(Map<String, Object> c, String file, int layers, int fallback, int required) {
        if (present(c, "layer_types")) {
            List<Object> types = Json.array(c.get("layer_types"), file, "\"layer_types\"");
            if (types.size() != layers) {
                throw new ConvertException(file + ": \"layer_types\" lists " + types.size() + " layers but num_hidden_layers is "
                        + layers);
            }
            int firstFull = types.indexOf("full_attention");
            int period = required > 0 ? required : firstFull < 0 ? Math.max(layers + 1, fallback) : firstFull + 1;
            for (int i = 0; i < layers; i++) {
                String expected = (i + 1) % period == 0 ? "full_attention" : "sliding_attention";
                if (!expected.equals(types.get(i))) {
                    throw new ConvertException(file + ": \"layer_types\"[" + i + "] is " + Json.kind(types.get(i))
                            + "; Cove converts a repeating pattern of local layers each followed by one global layer"
                            + " (layer " + i + " would be " + expected + ")");
                }
            }
            return period;
        }
        if (present(c, "sliding_window_pattern")) {
            return positive(c, "sliding_window_pattern", file);
        }
        return fallback;
    }

    String ggufArchitecture() {
        return family.gguf;
    }

    int queryDim() {
        return heads * headDim;
    }

    int kvDim() {
        return kvHeads * headDim;
    }

    /**
     * An integer token id from config.json ({@code bos_token_id} ...), at the top level or else in
     * {@code text_config} as gguf-py reads it; -1 when absent or not a single integer.
     */
    int tokenId(String key) {
        Object v = raw.get(key);
        if ((v == null || v == Json.NULL) && raw.get("text_config") instanceof Map<?, ?> tc) {
            v = tc.get(key);
        }
        return v instanceof Long id && id >= 0 && id <= Integer.MAX_VALUE ? id.intValue() : -1;
    }

    /** Present and not null. */
    private static boolean present(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v != null && v != Json.NULL;
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

    private static double optionalNumber(Map<String, Object> c, String key, String file) {
        return present(c, key) ? positiveNumber(c, key, file) : Double.NaN;
    }
}
