package dev.cove.core.route;

import java.util.Arrays;
import java.util.List;

/**
 * Multinomial logistic regression (softmax) with an L2 penalty on the weights (not the biases),
 * over sparse features. Only the buckets some training example uses have weights: the gradient
 * of every other bucket is zero from the start, so its weight stays zero and is not stored.
 * Immutable and thread-safe once trained.
 */
public final class LogisticRegression {
    private final int classes;
    private final int[] buckets;   // increasing: the features that have weights
    private final float[] weights; // buckets.length x classes, row-major
    private final float[] bias;

    LogisticRegression(int classes, int[] buckets, float[] weights, float[] bias) {
        if (weights.length != (long) buckets.length * classes || bias.length != classes) {
            throw new IllegalArgumentException("weights do not match " + buckets.length + " features x " + classes
                    + " classes");
        }
        for (int i = 1; i < buckets.length; i++) {
            if (buckets[i] <= buckets[i - 1]) {
                throw new IllegalArgumentException("feature buckets must increase");
            }
        }
        this.classes = classes;
        this.buckets = buckets;
        this.weights = weights;
        this.bias = bias;
    }

    /** What training needs: the L2 strength λ of {@code mean loss + λ/2 |W|²}, and when to stop. */
    public record Options(double l2, int maxIterations, double tolerance) {
        public Options {
            if (!(l2 > 0) || maxIterations < 1 || !(tolerance > 0)) {
                throw new IllegalArgumentException("l2 and tolerance must be positive and iterations at least 1");
            }
        }

        public static Options defaults() {
            return new Options(3e-6, 20_000, 1e-6);
        }
    }

    /**
     * Minimizes the mean cross-entropy plus {@code l2/2 |W|²} by Nesterov's accelerated gradient
     * descent. The problem is strongly convex, so the optimum is unique and reached from any start:
     * training is deterministic, and the step {@code 1 / L} is safe because unit-length features
     * (plus the bias input 1) bound the loss's curvature by {@code L = 1 + l2}.
     *
     * @param xs unit-length feature vectors
     * @param ys the class of each, {@code 0 <= y < classes}
     */
    public static LogisticRegression train(List<SparseVector> xs, int[] ys, int classes, Options options) {
        if (xs.size() != ys.length || xs.isEmpty()) {
            throw new IllegalArgumentException("need as many labels as examples, and at least one example");
        }
        int[] buckets = xs.stream().flatMapToInt(x -> Arrays.stream(x.indices())).distinct().sorted().toArray();
        int d = buckets.length;
        int[][] cols = new int[xs.size()][];
        for (int i = 0; i < xs.size(); i++) {
            int[] idx = xs.get(i).indices();
            cols[i] = new int[idx.length];
            for (int j = 0; j < idx.length; j++) {
                cols[i][j] = Arrays.binarySearch(buckets, idx[j]);
            }
        }
        int params = d * classes + classes; // weights, then biases
        double[] w = new double[params];
        double[] look = new double[params];
        double[] grad = new double[params];
        double lipschitz = 1 + options.l2();
        double step = 1 / lipschitz;
        // The momentum of Nesterov's method for a mu-strongly convex, L-smooth function (mu = l2).
        double root = Math.sqrt(options.l2() / lipschitz);
        double momentum = (1 - root) / (1 + root);
        for (int it = 0; it < options.maxIterations(); it++) {
            gradient(look, xs, cols, ys, classes, d, options.l2(), grad);
            double gradNorm = 0;
            for (double g : grad) {
                gradNorm += g * g;
            }
            if (Math.sqrt(gradNorm) < options.tolerance()) {
                w = look;
                break;
            }
            for (int p = 0; p < params; p++) {
                double next = look[p] - step * grad[p];
                look[p] = next + momentum * (next - w[p]);
                w[p] = next;
            }
        }
        float[] weights = new float[d * classes];
        for (int p = 0; p < weights.length; p++) {
            weights[p] = (float) w[p];
        }
        float[] bias = new float[classes];
        for (int k = 0; k < classes; k++) {
            bias[k] = (float) w[d * classes + k];
        }
        return new LogisticRegression(classes, buckets, weights, bias);
    }

    private static void gradient(double[] w, List<SparseVector> xs, int[][] cols, int[] ys, int classes, int d,
                                 double l2, double[] grad) {
        int n = xs.size();
        for (int p = 0; p < d * classes; p++) {
            grad[p] = l2 * w[p];
        }
        Arrays.fill(grad, d * classes, grad.length, 0);
        double[] z = new double[classes];
        for (int i = 0; i < n; i++) {
            float[] values = xs.get(i).values();
            int[] col = cols[i];
            for (int k = 0; k < classes; k++) {
                z[k] = w[d * classes + k];
            }
            for (int j = 0; j < col.length; j++) {
                int row = col[j] * classes;
                for (int k = 0; k < classes; k++) {
                    z[k] += w[row + k] * values[j];
                }
            }
            softmaxInPlace(z);
            z[ys[i]] -= 1; // d loss / d logit = p - onehot
            for (int k = 0; k < classes; k++) {
                z[k] /= n;
                grad[d * classes + k] += z[k];
            }
            for (int j = 0; j < col.length; j++) {
                int row = col[j] * classes;
                for (int k = 0; k < classes; k++) {
                    grad[row + k] += z[k] * values[j];
                }
            }
        }
    }

    /** The probability of each class for {@code x}. */
    public double[] probabilities(SparseVector x) {
        double[] z = new double[classes];
        for (int k = 0; k < classes; k++) {
            z[k] = bias[k];
        }
        int[] idx = x.indices();
        float[] values = x.values();
        int from = 0;
        for (int j = 0; j < idx.length; j++) {
            // Both lists increase, so each search starts where the last one ended.
            int at = Arrays.binarySearch(buckets, from, buckets.length, idx[j]);
            if (at >= 0) {
                int row = at * classes;
                for (int k = 0; k < classes; k++) {
                    z[k] += weights[row + k] * values[j];
                }
                from = at + 1;
            } else {
                from = -at - 1;
            }
        }
        softmaxInPlace(z);
        return z;
    }

    private static void softmaxInPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < z.length; k++) {
            z[k] /= sum;
        }
    }

    public int classes() {
        return classes;
    }

    int[] buckets() {
        return buckets;
    }

    float[] weights() {
        return weights;
    }

    float[] bias() {
        return bias;
    }
}
