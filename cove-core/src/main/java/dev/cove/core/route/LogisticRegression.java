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
            return new Options(3e-6, 2_000, 1e-6);
        }
    }

    /**
     * Minimizes the mean cross-entropy plus {@code l2/2 |W|²} by L-BFGS (limited-memory
     * quasi-Newton, {@value #HISTORY} corrections) with a backtracking line search. The problem is
     * strongly convex in the weights, so the optimum is unique whatever the start: training is
     * deterministic. Stops when the gradient's norm is below {@code tolerance}.
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
        Objective f = (w, grad) -> lossAndGradient(w, xs, cols, ys, classes, d, options.l2(), grad);
        double[] w = lbfgs(f, d * classes + classes, options); // weights, then biases
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

    private static final int HISTORY = 10;

    /** A smooth function: returns its value at {@code w} and writes its gradient into {@code grad}. */
    private interface Objective {
        double at(double[] w, double[] grad);
    }

    private static double[] lbfgs(Objective f, int n, Options options) {
        double[] w = new double[n];
        double[] g = new double[n];
        double value = f.at(w, g);
        double[][] s = new double[HISTORY][];
        double[][] y = new double[HISTORY][];
        double[] rho = new double[HISTORY];
        double[] alpha = new double[HISTORY];
        int stored = 0;
        int next = 0;
        double[] dir = new double[n];
        double[] trial = new double[n];
        double[] trialGrad = new double[n];
        for (int it = 0; it < options.maxIterations() && norm(g) >= options.tolerance(); it++) {
            // Two-loop recursion: dir = -H g, H the inverse Hessian the stored pairs estimate.
            for (int i = 0; i < n; i++) {
                dir[i] = -g[i];
            }
            for (int j = 0; j < stored; j++) {
                int k = Math.floorMod(next - 1 - j, HISTORY);
                alpha[k] = rho[k] * dot(s[k], dir);
                axpy(-alpha[k], y[k], dir);
            }
            if (stored > 0) {
                int last = Math.floorMod(next - 1, HISTORY);
                double scale = dot(s[last], y[last]) / dot(y[last], y[last]);
                for (int i = 0; i < n; i++) {
                    dir[i] *= scale;
                }
            }
            for (int j = stored - 1; j >= 0; j--) {
                int k = Math.floorMod(next - 1 - j, HISTORY);
                double beta = rho[k] * dot(y[k], dir);
                axpy(alpha[k] - beta, s[k], dir);
            }
            double slope = dot(g, dir);
            if (slope >= 0) { // not a descent direction (rounding): restart from steepest descent
                stored = 0;
                for (int i = 0; i < n; i++) {
                    dir[i] = -g[i];
                }
                slope = dot(g, dir);
            }
            // Backtracking until the Armijo condition holds.
            double step = stored == 0 ? Math.min(1, 1 / norm(g)) : 1;
            double trialValue;
            int halvings = 0;
            while (true) {
                for (int i = 0; i < n; i++) {
                    trial[i] = w[i] + step * dir[i];
                }
                trialValue = f.at(trial, trialGrad);
                if (trialValue <= value + 1e-4 * step * slope || ++halvings > 50) {
                    break;
                }
                step /= 2;
            }
            if (halvings > 50 || trialValue >= value) {
                break; // no progress is possible at this precision: w is the optimum as far as doubles tell
            }
            double[] sNew = s[next] == null ? new double[n] : s[next];
            double[] yNew = y[next] == null ? new double[n] : y[next];
            for (int i = 0; i < n; i++) {
                sNew[i] = trial[i] - w[i];
                yNew[i] = trialGrad[i] - g[i];
            }
            double sy = dot(sNew, yNew);
            if (sy > 1e-12) { // keep the estimate positive definite
                s[next] = sNew;
                y[next] = yNew;
                rho[next] = 1 / sy;
                next = (next + 1) % HISTORY;
                stored = Math.min(stored + 1, HISTORY);
            }
            System.arraycopy(trial, 0, w, 0, n);
            System.arraycopy(trialGrad, 0, g, 0, n);
            value = trialValue;
        }
        return w;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    /** The objective at {@code w}; its gradient into {@code grad}. */
    private static double lossAndGradient(double[] w, List<SparseVector> xs, int[][] cols, int[] ys, int classes,
                                          int d, double l2, double[] grad) {
        int n = xs.size();
        double loss = 0;
        for (int p = 0; p < d * classes; p++) {
            grad[p] = l2 * w[p];
            loss += 0.5 * l2 * w[p] * w[p];
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
            loss -= logSoftmaxAt(z, ys[i]) / n;
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
        return loss;
    }

    /** {@code ln softmax(z)[y]}, without overflow. */
    private static double logSoftmaxAt(double[] z, int y) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        return z[y] - max - Math.log(sum);
    }

    /** {@code z} turned into probabilities, in place; returns it. */
    static double[] softmax(double[] z) {
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
