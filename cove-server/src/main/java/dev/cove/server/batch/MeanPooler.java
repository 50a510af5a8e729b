package dev.cove.server.batch;

/** Averages hidden-state vectors (mean pooling for embeddings) and normalizes the result to unit length. */
public final class MeanPooler {
    private final double[] sum;
    private int count;

    public MeanPooler(int size) {
        this.sum = new double[size];
    }

    public void add(float[] vector) {
        add(vector, 0);
    }

    /** Adds the vector at {@code vectors[offset .. offset + size)}. */
    public void add(float[] vectors, int offset) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += vectors[offset + i];
        }
        count++;
    }

    public int count() {
        return count;
    }

    void reset() {
        java.util.Arrays.fill(sum, 0);
        count = 0;
    }

    /** The mean of the added vectors scaled to Euclidean length 1 (a zero vector stays zero). */
    float[] unitMean() {
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[sum.length];
        if (norm > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (sum[i] / norm); // the mean's direction: dividing by count cancels out
            }
        }
        return out;
    }
}
