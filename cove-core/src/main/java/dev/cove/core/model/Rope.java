package dev.cove.core.model;

/**
 * Rotary position embedding of one kind of layer: pair i of each head, (x[2i], x[2i+1]) in the
 * {@link Architecture.RopeLayout#ADJACENT adjacent} layout or (x[i], x[i + d/2]) in the
 * {@link Architecture.RopeLayout#HALVES halves} one (d the rotated dimensions), turns by angle
 * {@code pos * base^(-2i/d) * freqScale / factor[i]}; dimensions past d pass through. The
 * inverse frequencies are computed once, in float and in the same order as ggml.
 */
final class Rope {
    private final float[] inverseFrequencies;
    private final int headDim;
    private final int half;       // distance between the two elements of a pair in the halves layout
    private final boolean halves;
    private final float magnitude;

    /**
     * @param frequencyFactors divisors of each pair's frequency (Llama 3.1's {@code rope_freqs},
     *                         Phi-3's LongRoPE factors), or null
     */
    Rope(RopeConfig c, int headDim, float base, float freqScale, float[] frequencyFactors) {
        this.headDim = headDim;
        this.halves = c.layout() == Architecture.RopeLayout.HALVES;
        this.half = c.dimensions() / 2;
        this.magnitude = c.magnitude();
        inverseFrequencies = new float[half];
        float thetaScale = (float) Math.pow(base, -2.0 / c.dimensions());
        float theta = 1f;
        for (int i = 0; i < half; i++) {
            float factor = frequencyFactors != null ? frequencyFactors[i] : 1f;
            inverseFrequencies[i] = theta / factor * freqScale;
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} consecutive heads starting at {@code x[offset]} for position {@code position}. */
    void apply(float[] x, int offset, int heads, int position) {
        int step = halves ? half : 1;
        for (int i = 0; i < inverseFrequencies.length; i++) {
            float angle = position * inverseFrequencies[i];
            float cos = (float) Math.cos(angle) * magnitude;
            float sin = (float) Math.sin(angle) * magnitude;
            int first = halves ? i : 2 * i;
            for (int h = 0; h < heads; h++) {
                int j = offset + h * headDim + first;
                float a = x[j];
                float b = x[j + step];
                x[j] = a * cos - b * sin;
                x[j + step] = a * sin + b * cos;
            }
        }
    }
}
