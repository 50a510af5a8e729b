package dev.cove.core.model;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufMetadata;

/**
 * The rotary position embedding parameters of a model, from GGUF metadata.
 *
 * @param layout          how a head's dimensions are paired
 * @param dimensions      leading dimensions of each head that rotate ({@code rope.dimension_count}); the rest pass through
 * @param freqBase        base of the frequencies ({@code rope.freq_base})
 * @param freqScale       linear scaling: every angle times this (1 / {@code rope.scaling.factor})
 * @param localFreqBase   the base of sliding-window layers (Gemma 3's {@code rope.freq_base_swa})
 * @param localFreqScale  the linear scaling of sliding-window layers
 * @param magnitude       cos and sin are multiplied by it ({@code rope.scaling.attn_factor}, Phi-3 LongRoPE)
 * @param originalContext the context the model was trained at ({@code rope.scaling.original_context_length}):
 *                        LongRoPE uses its long factors for sessions longer than that
 */
public record RopeConfig(
        Architecture.RopeLayout layout,
        int dimensions,
        float freqBase,
        float freqScale,
        float localFreqBase,
        float localFreqScale,
        float magnitude,
        int originalContext) {

    static RopeConfig fromGguf(GgufMetadata m, Architecture family, int headDim) {
        String p = family.name() + ".";
        int dims = m.getInt(p + "rope.dimension_count", headDim);
        if (dims <= 0 || dims > headDim || dims % 2 != 0) {
            throw new CoveException("invalid " + p + "rope.dimension_count " + dims + " for head size " + headDim);
        }
        float base = m.getFloat(p + "rope.freq_base", 10000f);
        float scale = 1f;
        String scaling = m.getString(p + "rope.scaling.type", "none");
        switch (scaling) {
            case "none" -> { }
            case "linear" -> {
                float factor = m.getFloat(p + "rope.scaling.factor", 1f);
                scale = factor > 0 ? 1f / factor : 1f;
            }
            // Llama 3.1's scaling is carried by the rope_freqs tensor, read with the weights.
            case "llama3" -> { }
            default -> throw new CoveException("unsupported " + p + "rope.scaling.type '" + scaling + "'");
        }
        float localBase = family.localRope() ? m.getFloat(p + "rope.freq_base_swa", 10000f) : base;
        float localScale = family.localRope() ? 1f : scale;
        return new RopeConfig(family.rope(), dims, base, scale, localBase, localScale,
                m.getFloat(p + "rope.scaling.attn_factor", 1f),
                m.getInt(p + "rope.scaling.original_context_length", m.getInt(p + "context_length")));
    }
}
