package dev.cove.core.kernel;

/**
 * The reference kernels: each row's product is the type's scalar {@code TypeCodec.dot} (exact
 * products summed in double), and the vector operations are plain loops. Used on a JVM without
 * the Vector API, and by tests as the yardstick of the fast kernels.
 */
public final class ScalarKernels extends Kernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int scratchSize(int cols) {
        return 0;
    }

    @Override
    public void matVec(WeightMatrix w, Activations x, int token, float[] out, int outOffset, int rowStart, int rowEnd,
                       float[] scratch) {
        var codec = w.codec();
        long rowBytes = w.rowBytes();
        long offset = w.offset() + rowStart * rowBytes;
        int xo = token * x.width();
        for (int r = rowStart; r < rowEnd; r++, offset += rowBytes) {
            out[outOffset + r] = codec.dot(w.data(), offset, x.values(), xo, w.cols());
        }
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public void add(float[] y, int yo, float[] x, int xo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += x[xo + i];
        }
    }

    @Override
    public void rmsNorm(float[] out, int oo, float[] x, int xo, float[] weight, int n, float epsilon) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) (x[xo + i] * x[xo + i]);
        }
        float scale = (float) (1.0 / Math.sqrt(sum / n + epsilon));
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] * scale * weight[i];
        }
    }

    @Override
    public void swiGlu(float[] gate, int go, float[] up, int uo, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[go + i];
            gate[go + i] = g / (1f + (float) Math.exp(-g)) * up[uo + i];
        }
    }

    @Override
    public void softmax(float[] x, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[offset + i] *= inv;
        }
    }
}
