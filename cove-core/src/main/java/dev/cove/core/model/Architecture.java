package dev.cove.core.model;

import dev.cove.core.CoveException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What sets one transformer family apart from the others: which tensors its blocks have and
 * which variant of each step the forward pass runs. This is the whole description of a family;
 * the numbers (sizes, epsilons, RoPE bases, soft-caps, windows) come from the GGUF file's
 * metadata in {@link ModelConfig}. A new family is a new entry in {@link #KNOWN} and, only where
 * it computes something no family did before, a new step in {@link Transformer}.
 *
 * @param name             {@code general.architecture} as llama.cpp writes it
 * @param rope             how each head's dimensions are paired for rotation
 * @param activation       the gated feed-forward non-linearity
 * @param attentionBiases  {@code attn_q/k/v.bias} added after the projections (Qwen2)
 * @param queryKeyNorms    RMS norms over each head of Q and K before RoPE: {@code attn_q_norm}, {@code attn_k_norm}
 * @param sandwichNorms    norms of each sub-layer's output before the residual add:
 *                         {@code post_attention_norm}, {@code post_ffw_norm} (Gemma 2/3)
 * @param scaledEmbeddings token embeddings multiplied by sqrt(embedding length) (Gemma)
 * @param fusedQkv         one {@code attn_qkv} tensor of Q, K then V rows (Phi-3)
 * @param fusedGateUp      {@code ffn_up} holding the gate rows then the up rows, no {@code ffn_gate} (Phi-3)
 * @param softCapping      attention and final logits soft-capped, {@code c * tanh(x / c)} (Gemma 2)
 * @param windows          which layers attend over a sliding window only
 * @param ropeScaling      which RoPE frequency adjustments the file may carry
 * @param localRope        local (sliding-window) layers rotate with their own base,
 *                         {@code rope.freq_base_swa} (10000 when absent), and no frequency scaling (Gemma 3)
 */
public record Architecture(
        String name,
        RopeLayout rope,
        Activation activation,
        boolean attentionBiases,
        boolean queryKeyNorms,
        boolean sandwichNorms,
        boolean scaledEmbeddings,
        boolean fusedQkv,
        boolean fusedGateUp,
        boolean softCapping,
        WindowRule windows,
        RopeScaling ropeScaling,
        boolean localRope) {

    /** How RoPE pairs the dimensions of a head. */
    public enum RopeLayout {
        /** Adjacent pairs (x[2i], x[2i+1]): llama, whose converter permutes Q and K rows to match. */
        ADJACENT,
        /** The two halves (x[i], x[i + d/2]), GPT-NeoX style: every other family. */
        HALVES
    }

    /** The non-linearity of the gated feed-forward network: act(gate) * up. */
    public enum Activation {
        /** SwiGLU: silu(gate) * up. */
        SILU,
        /** GeGLU with the tanh approximation of GELU. */
        GELU_TANH
    }

    /** Which layers use sliding-window attention. */
    public enum WindowRule {
        /** Every layer attends to all earlier positions. */
        NONE,
        /** Even layers local, odd layers global, as llama.cpp fixes it for Gemma 2. */
        ALTERNATING,
        /**
         * {@code attention.sliding_window_pattern} N: in every N layers the first N-1 are local
         * and the last is global (llama.cpp's default N is 6); or a per-layer boolean array.
         */
        PATTERN
    }

    /** RoPE frequency adjustments a family's files may carry. */
    public enum RopeScaling {
        /** Llama 3.1/3.2: {@code rope_freqs.weight} divides each frequency; or linear scaling by a factor. */
        FREQUENCY_FACTORS,
        /** Phi-3 LongRoPE: {@code rope_factors_short/long.weight}, chosen by the context length. */
        LONG_ROPE,
        /** None beyond the base and the dimension count. */
        NONE
    }

    /** The plain llama block, which every other family starts from. */
    private static final Architecture LLAMA = new Architecture("llama", RopeLayout.ADJACENT, Activation.SILU,
            false, false, false, false, false, false, false, WindowRule.NONE, RopeScaling.FREQUENCY_FACTORS, false);

    /** The families Cove runs, by {@code general.architecture}: each llama plus what it changes. */
    static final Map<String, Architecture> KNOWN = table(
            LLAMA,
            LLAMA.named("qwen2").ropeOnHalves().withAttentionBiases(),
            LLAMA.named("qwen3").ropeOnHalves().withQueryKeyNorms(),
            LLAMA.named("gemma2").ropeOnHalves().withGelu().withSandwichNorms().withScaledEmbeddings()
                    .withSoftCapping().withWindows(WindowRule.ALTERNATING),
            LLAMA.named("gemma3").ropeOnHalves().withGelu().withSandwichNorms().withScaledEmbeddings()
                    .withQueryKeyNorms().withWindows(WindowRule.PATTERN).withLocalRope(),
            LLAMA.named("phi3").ropeOnHalves().withFusedQkv().withFusedGateUp().withRopeScaling(RopeScaling.LONG_ROPE));

    private static Map<String, Architecture> table(Architecture... families) {
        Map<String, Architecture> m = new TreeMap<>();
        for (Architecture a : families) {
            m.put(a.name(), a);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    // One copy-with-a-change per feature, so that the table above reads as a list of differences.

    private Architecture named(String n) {
        return new Architecture(n, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms, scaledEmbeddings,
                fusedQkv, fusedGateUp, softCapping, windows, RopeScaling.NONE, localRope);
    }

    private Architecture ropeOnHalves() {
        return new Architecture(name, RopeLayout.HALVES, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withGelu() {
        return new Architecture(name, rope, Activation.GELU_TANH, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withAttentionBiases() {
        return new Architecture(name, rope, activation, true, queryKeyNorms, sandwichNorms, scaledEmbeddings,
                fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withQueryKeyNorms() {
        return new Architecture(name, rope, activation, attentionBiases, true, sandwichNorms, scaledEmbeddings,
                fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withSandwichNorms() {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, true, scaledEmbeddings,
                fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withScaledEmbeddings() {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms, true,
                fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withFusedQkv() {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, true, fusedGateUp, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withFusedGateUp() {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, true, softCapping, windows, ropeScaling, localRope);
    }

    private Architecture withSoftCapping() {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, fusedGateUp, true, windows, ropeScaling, localRope);
    }

    private Architecture withWindows(WindowRule rule) {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, fusedGateUp, softCapping, rule, ropeScaling, localRope);
    }

    private Architecture withRopeScaling(RopeScaling scaling) {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, fusedGateUp, softCapping, windows, scaling, localRope);
    }

    private Architecture withLocalRope() {
        return new Architecture(name, rope, activation, attentionBiases, queryKeyNorms, sandwichNorms,
                scaledEmbeddings, fusedQkv, fusedGateUp, softCapping, windows, ropeScaling, true);
    }

    /** The family named {@code name}, or an error listing the ones Cove runs. */
    public static Architecture of(String name) {
        Architecture a = KNOWN.get(name);
        if (a == null) {
            throw new CoveException("unsupported model architecture '" + name + "' (Cove runs: "
                    + String.join(", ", KNOWN.keySet()) + ")");
        }
        return a;
    }

    /** Names of the families Cove runs, sorted. */
    public static List<String> names() {
        return List.copyOf(KNOWN.keySet());
    }

    /** The features that differ from a plain llama block, in words, for {@code cove info}. */
    public List<String> features() {
        List<String> f = new ArrayList<>();
        f.add(rope == RopeLayout.ADJACENT ? "RoPE on adjacent pairs" : "RoPE on halves (NeoX)");
        f.add(activation == Activation.SILU ? "SwiGLU" : "GeGLU (tanh)");
        if (attentionBiases) {
            f.add("Q/K/V biases");
        }
        if (queryKeyNorms) {
            f.add("Q/K norms");
        }
        if (sandwichNorms) {
            f.add("post-attention and post-FFN norms");
        }
        if (scaledEmbeddings) {
            f.add("embeddings x sqrt(dim)");
        }
        if (fusedQkv) {
            f.add("fused QKV");
        }
        if (fusedGateUp) {
            f.add("fused gate/up");
        }
        if (softCapping) {
            f.add("logit soft-capping");
        }
        if (windows != WindowRule.NONE) {
            f.add("sliding-window layers");
        }
        return f;
    }
}
