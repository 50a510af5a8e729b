package dev.cove.core.kernel;

/** Element-wise and reduction operations on float vectors used by the forward pass. */
public final class VectorOps {
    private VectorOps() {
    }

    /** {@code out = x / rms(x) * weight}, the sum of squares in double as ggml does. */
    public static void rmsNorm(float[] out, float[] x, float[] weight, int size, float epsilon) {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += (double) (x[i] * x[i]);
        }
        float scale = (float) (1.0 / Math.sqrt(sum / size + epsilon));
        for (int i = 0; i < size; i++) {
            out[i] = x[i] * scale * weight[i];
        }
    }

    /** {@code x += y}. */
    public static void add(float[] x, float[] y, int size) {
        for (int i = 0; i < size; i++) {
            x[i] += y[i];
        }
    }

    /** SwiGLU: {@code gate = silu(gate) * up}. */
    public static void swiGlu(float[] gate, float[] up, int size) {
        for (int i = 0; i < size; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** In-place softmax of {@code x[offset..offset+size)}. */
    public static void softmax(float[] x, int offset, int size) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, x[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < size; i++) {
            x[offset + i] *= inv;
        }
    }

    /** Dot product of {@code a[aOffset..+size)} and {@code b[bOffset..+size)}. */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int size) {
        float sum = 0;
        for (int i = 0; i < size; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** {@code y[yOffset..+size) += alpha * x[xOffset..+size)}. */
    public static void axpy(float alpha, float[] x, int xOffset, float[] y, int yOffset, int size) {
        for (int i = 0; i < size; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }
}
