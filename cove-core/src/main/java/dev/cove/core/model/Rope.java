package dev.cove.core.model;

/**
 * Rotary position embedding in llama's "normal" layout: adjacent pairs (x[2i], x[2i+1]) of each
 * head are rotated by angle {@code pos * base^(-2i/d) * freqScale / factor[i]}. The inverse
 * frequencies are computed once, in float and in the same order as ggml.
 */
final class Rope {
    private final float[] inverseFrequencies;
    private final int headDim;

    Rope(ModelConfig c, float[] frequencyFactors) {
        this.headDim = c.headDim();
        int pairs = c.ropeDimensions() / 2;
        inverseFrequencies = new float[pairs];
        float thetaScale = (float) Math.pow(c.ropeFreqBase(), -2.0 / c.ropeDimensions());
        float theta = 1f;
        for (int i = 0; i < pairs; i++) {
            float factor = frequencyFactors != null ? frequencyFactors[i] : 1f;
            inverseFrequencies[i] = theta / factor * c.ropeFreqScale();
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code x} for position {@code position}. */
    void apply(float[] x, int heads, int position) {
        apply(x, 0, heads, position);
    }

    /** Rotates {@code heads} consecutive heads starting at {@code x[offset]}. */
    void apply(float[] x, int offset, int heads, int position) {
        for (int i = 0; i < inverseFrequencies.length; i++) {
            float angle = position * inverseFrequencies[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int j = offset + h * headDim + 2 * i;
                float a = x[j];
                float b = x[j + 1];
                x[j] = a * cos - b * sin;
                x[j + 1] = a * sin + b * cos;
            }
        }
    }
}
