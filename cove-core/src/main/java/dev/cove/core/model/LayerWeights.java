package dev.cove.core.model;

import dev.cove.core.kernel.WeightMatrix;

/** The weights of one transformer block. Norm weights are dequantized to float at load. */
public record LayerWeights(
        float[] attentionNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        float[] ffnNorm,
        WeightMatrix gate,
        WeightMatrix up,
        WeightMatrix down) {
}
