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

    /**
     * Rotates, for position {@code position}, the {@code queryHeads} heads of {@code q} from
     * {@code qOffset} and the {@code keyHeads} heads of {@code k} from {@code kOffset}: each angle's
     * cosine and sine are computed once for both.
     */
    void apply(float[] q, int qOffset, int queryHeads, float[] k, int kOffset, int keyHeads, int position) {
        for (int i = 0; i < inverseFrequencies.length; i++) {
            float angle = position * inverseFrequencies[i];
            float cos = (float) Math.cos(angle) * magnitude;
            float sin = (float) Math.sin(angle) * magnitude;
            int first = halves ? i : 2 * i;
            rotate(q, qOffset + first, queryHeads, cos, sin);
            rotate(k, kOffset + first, keyHeads, cos, sin);
        }
    }

    /** Turns pair (x[j], x[j + step]) of each of {@code heads} heads, j = {@code start} + h * headDim. */
    private void rotate(float[] x, int start, int heads, float cos, float sin) {
        int step = halves ? half : 1;
        for (int h = 0; h < heads; h++) {
            int j = start + h * headDim;
            float a = x[j];
            float b = x[j + step];
            x[j] = a * cos - b * sin;
            x[j + step] = a * sin + b * cos;
        }
    }
}
