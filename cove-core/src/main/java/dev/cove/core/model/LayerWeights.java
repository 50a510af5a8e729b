package dev.cove.core.model;

import dev.cove.core.kernel.WeightMatrix;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The weights of one transformer block. Norm weights and biases are dequantized to float at
 * load; those a family does not have are null. Fused tensors of the file (Phi-3's
 * {@code attn_qkv}, its gate-and-up {@code ffn_up}) appear here as views of their rows, so the
 * forward pass is the same for every family.
 */
public record LayerWeights(
        float[] attentionNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        float[] queryBias,
        float[] keyBias,
        float[] valueBias,
        float[] queryNorm,
        float[] keyNorm,
        WeightMatrix wo,
        float[] postAttentionNorm,
        float[] ffnNorm,
        WeightMatrix gate,
        WeightMatrix up,
        WeightMatrix down,
        float[] postFfnNorm) {

    /** The matrices, in the order the forward pass reads them. */
    public List<WeightMatrix> matrices() {
        return List.of(wq, wk, wv, wo, gate, up, down);
    }

    /** The same block with every matrix replaced by {@code prepare} of it. */
    LayerWeights withMatrices(UnaryOperator<WeightMatrix> prepare) {
        return new LayerWeights(attentionNorm, prepare.apply(wq), prepare.apply(wk), prepare.apply(wv), queryBias,
                keyBias, valueBias, queryNorm, keyNorm, prepare.apply(wo), postAttentionNorm, ffnNorm,
                prepare.apply(gate), prepare.apply(up), prepare.apply(down), postFfnNorm);
    }
}
