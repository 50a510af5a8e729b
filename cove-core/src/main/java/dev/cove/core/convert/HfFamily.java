package dev.cove.core.convert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model families {@code cove convert hf} converts: the Hugging Face architecture names of each,
 * its GGUF {@code general.architecture}, and the defaults of its transformers configuration class
 * for keys a {@code config.json} may leave out (llama.cpp's converter reads the configuration
 * through transformers' {@code AutoConfig}, which fills them in; Gemma 3's multimodal
 * {@code text_config} relies on them for its head counts).
 */
enum HfFamily {
    /** Llama 2/3, Mistral, TinyLlama, CodeLlama: q/k rows permuted to GGUF's pair rotation. */
    LLAMA("llama", List.of("LlamaForCausalLM", "MistralForCausalLM"), Map.of()),
    /** Llama block with q/k/v biases; NeoX rotation. */
    QWEN2("qwen2", List.of("Qwen2ForCausalLM"), defaults(
            "max_position_embeddings", 32768L, "rms_norm_eps", 1e-6, "rope_theta", 10000.0)),
    /** Per-head q/k RMS norms, no biases; NeoX rotation. */
    QWEN3("qwen3", List.of("Qwen3ForCausalLM"), defaults(
            "max_position_embeddings", 32768L, "rms_norm_eps", 1e-6, "rope_theta", 10000.0, "head_dim", 128L)),
    /** Gemma 2: (1 + w) norms, post-attention and post-FFN norms, soft-capping, alternating sliding window. */
    GEMMA2("gemma2", List.of("Gemma2ForCausalLM"), defaults(
            "num_attention_heads", 8L, "num_key_value_heads", 4L, "head_dim", 256L, "vocab_size", 256000L,
            "max_position_embeddings", 8192L, "rms_norm_eps", 1e-6, "rope_theta", 10000.0, "tie_word_embeddings", true,
            "sliding_window", 4096L, "attn_logit_softcapping", 50.0, "final_logit_softcapping", 30.0,
            "query_pre_attn_scalar", 256L)),
    /** Gemma 3 (text): Gemma 2's block with q/k norms, no soft-capping, local layers with their own RoPE base. */
    GEMMA3("gemma3", List.of("Gemma3ForCausalLM", "Gemma3ForConditionalGeneration"), defaults(
            "num_attention_heads", 8L, "num_key_value_heads", 4L, "head_dim", 256L, "vocab_size", 262208L,
            "max_position_embeddings", 131072L, "rms_norm_eps", 1e-6, "rope_theta", 1000000.0,
            "rope_local_base_freq", 10000.0, "tie_word_embeddings", true, "sliding_window", 4096L,
            "query_pre_attn_scalar", 256L)),
    /** Phi-3 / Phi-3.5 / Phi-4-mini: fused qkv and gate+up projections, partial rotary, LongRoPE. */
    PHI3("phi3", List.of("Phi3ForCausalLM"), defaults(
            "vocab_size", 32064L, "max_position_embeddings", 4096L, "original_max_position_embeddings", 4096L,
            "rms_norm_eps", 1e-5, "rope_theta", 10000.0, "tie_word_embeddings", false));

    /** {@code general.architecture}. */
    final String gguf;
    final List<String> hfArchitectures;
    /** transformers' defaults of this family's configuration class, applied to keys config.json lacks. */
    final Map<String, Object> defaults;

    HfFamily(String gguf, List<String> hfArchitectures, Map<String, Object> defaults) {
        this.gguf = gguf;
        this.hfArchitectures = hfArchitectures;
        this.defaults = defaults;
    }

    boolean gemma() {
        return this == GEMMA2 || this == GEMMA3;
    }

    /** The family of a Hugging Face architecture name, or null when Cove does not convert it. */
    static HfFamily of(String hfArchitecture) {
        for (HfFamily f : values()) {
            if (f.hfArchitectures.contains(hfArchitecture)) {
                return f;
            }
        }
        return null;
    }

    /** Every architecture name Cove converts, sorted, for messages. */
    static String supportedNames() {
        return String.join(", ", java.util.Arrays.stream(values()).flatMap(f -> f.hfArchitectures.stream()).sorted().toList());
    }

    private static Map<String, Object> defaults(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Map.copyOf(m);
    }
}
