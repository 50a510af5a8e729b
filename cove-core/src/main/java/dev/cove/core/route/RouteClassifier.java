package dev.cove.core.route;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which route a request belongs to: multinomial logistic regression over TF-IDF weighted, hashed
 * character n-grams and words, trained from each route's examples. IDF lifts the n-grams few
 * examples share (a language's name, a drug's) above those every request has ("the ", "how "),
 * which matters when each route has only tens of examples. Remembers a fingerprint of what it
 * was trained from, so that a classifier file older than its routes is noticed rather than
 * used. Immutable and thread-safe.
 */
public final class RouteClassifier {
    private final List<String> routes;
    private final NgramFeatures features;
    private final LogisticRegression model;
    private final float[] idf;       // per feature of the model, in its bucket order
    private final float unseenIdf;   // of buckets no training example touched
    private final BucketIndex index;
    private final int examples;
    private final double l2;
    private final byte[] fingerprint;

    RouteClassifier(List<String> routes, NgramFeatures features, LogisticRegression model, float[] idf, int examples,
                    double l2, byte[] fingerprint) {
        if (routes.size() != model.classes()) {
            throw new IllegalArgumentException(routes.size() + " routes but " + model.classes() + " classes");
        }
        if (idf.length != model.buckets().length || examples < 1) {
            throw new IllegalArgumentException("an IDF weight per feature and at least one example are needed");
        }
        this.routes = List.copyOf(routes);
        this.features = features;
        this.model = model;
        this.idf = idf;
        this.examples = examples;
        this.unseenIdf = idf(examples, 0);
        this.index = new BucketIndex(model.buckets());
        this.l2 = l2;
        this.fingerprint = fingerprint.clone();
    }

    /**
     * Trains on every route's examples.
     *
     * @throws RouteException when there are fewer than two routes, a route has no examples or
     *     an example is blank, or two routes share a name
     */
    public static RouteClassifier train(List<RouteExamples> training, NgramFeatures features,
                                        LogisticRegression.Options options) {
        requireTrainable(training);
        List<SparseVector> counts = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int k = 0; k < training.size(); k++) {
            RouteExamples r = training.get(k);
            names.add(r.route());
            for (String example : r.examples()) {
                counts.add(features.counts(example));
                ys.add(k);
            }
        }
        int[] buckets = counts.stream().flatMapToInt(x -> Arrays.stream(x.indices())).distinct().sorted().toArray();
        int[] df = new int[buckets.length];
        for (SparseVector x : counts) {
            for (int b : x.indices()) {
                df[Arrays.binarySearch(buckets, b)]++;
            }
        }
        float[] idf = new float[buckets.length];
        for (int j = 0; j < idf.length; j++) {
            idf[j] = idf(counts.size(), df[j]);
        }
        float unseen = idf(counts.size(), 0);
        List<SparseVector> xs = counts.stream().map(x -> weighted(x, buckets, idf, unseen)).toList();
        LogisticRegression model = LogisticRegression.train(xs, ys.stream().mapToInt(Integer::intValue).toArray(),
                training.size(), options);
        return new RouteClassifier(names, features, model, idf, counts.size(), options.l2(),
                fingerprint(training, features, options.l2()));
    }

    /** {@link #train} with the standard features and the default penalty. */
    public static RouteClassifier train(List<RouteExamples> training) {
        return train(training, NgramFeatures.standard(), LogisticRegression.Options.defaults());
    }

    private static void requireTrainable(List<RouteExamples> training) {
        if (training.size() < 2) {
            throw new RouteException("a router needs at least two routes to choose between, not " + training.size());
        }
        Set<String> seen = new HashSet<>();
        for (RouteExamples r : training) {
            if (!seen.add(r.route())) {
                throw new RouteException("two routes are named '" + r.route() + "'");
            }
            if (r.examples().isEmpty()) {
                throw new RouteException("route '" + r.route() + "' has no examples to learn from");
            }
            for (int i = 0; i < r.examples().size(); i++) {
                if (r.examples().get(i) == null || r.examples().get(i).isBlank()) {
                    throw new RouteException("route '" + r.route() + "': example " + (i + 1) + " is empty");
                }
            }
        }
    }

    /** Smoothed inverse document frequency, as scikit-learn's {@code TfidfVectorizer} computes it. */
    private static float idf(int documents, int containing) {
        return (float) (Math.log((1.0 + documents) / (1.0 + containing)) + 1);
    }

    /** TF times IDF, scaled to length 1. */
    private static SparseVector weighted(SparseVector counts, int[] buckets, float[] idf, float unseen) {
        int[] idx = counts.indices();
        float[] v = new float[idx.length];
        double norm = 0;
        int from = 0;
        for (int j = 0; j < idx.length; j++) {
            int at = Arrays.binarySearch(buckets, from, buckets.length, idx[j]);
            float w = at >= 0 ? idf[at] : unseen;
            from = at >= 0 ? at + 1 : -at - 1;
            v[j] = counts.values()[j] * w;
            norm += (double) v[j] * v[j];
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < v.length; j++) {
                v[j] *= scale;
            }
        }
        return new SparseVector(idx, v);
    }

    /** The route {@code text} most likely belongs to, with its probability. */
    public Prediction classify(String text) {
        double[] p = probabilities(text);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return new Prediction(routes.get(best), best, p[best]);
    }

    /**
     * Every route's probability for {@code text}, in {@link #routes()} order: the TF-IDF weighting,
     * its normalization and the model's scores in one pass over the n-grams, each looked up once
     * (the weighting is {@link #weighted}'s, which training used).
     */
    public double[] probabilities(String text) {
        SparseVector counts = features.counts(text);
        int classes = model.classes();
        float[] weights = model.weights();
        float[] bias = model.bias();
        double[] z = new double[classes];
        double norm = 0;
        int[] idx = counts.indices();
        float[] tf = counts.values();
        for (int j = 0; j < idx.length; j++) {
            int at = index.position(idx[j]);
            float v = tf[j] * (at >= 0 ? idf[at] : unseenIdf);
            norm += (double) v * v;
            if (at >= 0) {
                int row = at * classes;
                for (int k = 0; k < classes; k++) {
                    z[k] += weights[row + k] * v;
                }
            }
        }
        double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int k = 0; k < classes; k++) {
            z[k] = bias[k] + z[k] * scale;
        }
        return LogisticRegression.softmax(z);
    }

    public List<String> routes() {
        return routes;
    }

    public NgramFeatures features() {
        return features;
    }

    /** Features that have weights (those the training examples use). */
    public int featureCount() {
        return model.buckets().length;
    }

    /** Examples it was trained on. */
    public int examples() {
        return examples;
    }

    double l2() {
        return l2;
    }

    LogisticRegression model() {
        return model;
    }

    float[] idf() {
        return idf;
    }

    byte[] fingerprint() {
        return fingerprint.clone();
    }

    /** Whether this classifier was trained from exactly {@code training} (names, order and examples). */
    public boolean trainedFrom(List<RouteExamples> training) {
        return MessageDigest.isEqual(fingerprint, fingerprint(training, features, l2));
    }

    /**
     * SHA-256 of everything training depends on: the feature settings, the penalty, and each
     * route's name and examples in order. Which model serves a route, or the threshold, are
     * not in it: changing those needs no retraining.
     */
    static byte[] fingerprint(List<RouteExamples> training, NgramFeatures features, double l2) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        update(sha, "cove-router " + ClassifierFile.VERSION + ' ' + features.minN() + ' ' + features.maxN() + ' '
                + features.words() + ' ' + features.bucketBits() + ' ' + Double.doubleToLongBits(l2) + ' '
                + training.size());
        for (RouteExamples r : training) {
            update(sha, r.route());
            update(sha, Integer.toString(r.examples().size()));
            for (String e : r.examples()) {
                update(sha, e);
            }
        }
        return sha.digest();
    }

    /** Length-prefixed, so that no two different lists of strings hash alike. */
    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        sha.update(b);
    }
}
