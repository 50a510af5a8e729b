package dev.cove.core.sample;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the next token from a row of logits, the way llama.cpp's default sampler chain does:
 *
 * <ol>
 *   <li><b>logit bias</b>: the configured value is added to each listed token's logit
 *       ({@code -infinity} bans it);</li>
 *   <li><b>penalties</b> over the last {@code repeatLastN} {@linkplain #accept accepted} tokens:
 *       a token seen there has its logit divided by {@code repeatPenalty} when positive and
 *       multiplied by it when negative or zero, then lowered by
 *       {@code count * frequencyPenalty + presencePenalty};</li>
 *   <li>greedy ({@code temperature <= 0}): the argmax now, ties going to the lowest id;</li>
 *   <li><b>top-k</b>, then <b>top-p</b> (the smallest prefix of the most likely tokens whose
 *       probabilities, computed at temperature 1 over what top-k kept, add up to at least
 *       {@code topP}), then <b>min-p</b> (drop tokens whose logit is below
 *       {@code maxLogit + ln(minP)}); at least one token always survives;</li>
 *   <li><b>temperature</b>, <b>softmax</b> over the survivors and a draw with a
 *       {@link SplittableRandom} seeded from the options (or from a random seed, reported by
 *       {@link #seed()}).</li>
 * </ol>
 *
 * <p><b>Reproducibility.</b> One draw consumes exactly one {@code nextDouble()} of the
 * generator, and greedy picks consume none, so the same seed, options, accepted history and
 * logits give the same tokens on every run and every JVM. (Same logits means the same model and
 * file; it does not survive changes that alter floating-point results.) The generator is not
 * llama.cpp's, so the same seed does not give llama.cpp's tokens.
 *
 * <p><b>Cost.</b> No allocation per token: buffers are sized to the vocabulary on the first call
 * and reused. The vocabulary is never sorted. Top-k selects with a bounded heap, O(n log k), and
 * sorts only the k it keeps. Without top-k, min-p keeps the tokens above its threshold in one
 * pass, and top-p finds its cut with a histogram of the probabilities (1024 buckets of 1/32 nat),
 * sorting only the bucket the cut falls in; with no filter at all the draw runs over the whole
 * row in id order. NaN logits are treated as {@code -infinity}.
 *
 * <p><b>Threads.</b> A sampler belongs to one generation session and is used by one thread at a
 * time; it is not thread-safe. The {@code logits} array is only read.
 */
public final class Sampler {
    /** Top-p without top-k: probabilities are bucketed by {@code maxLogit - logit}, 1/32 nat per bucket. */
    private static final int BUCKETS = 1024;
    private static final float BUCKETS_PER_NAT = 32f;
    private static final float BUCKET_RANGE = BUCKETS / BUCKETS_PER_NAT;

    private final SamplingOptions options;
    private final long seed;
    private SplittableRandom random;

    private final int[] biasTokens;
    private final float[] biasValues;

    private final boolean penalties;
    private final int[] window;
    private int windowStart;
    private int windowSize;
    /** Occurrences of each token in the window; entries are briefly negated while penalties apply. */
    private int[] counts = new int[0];

    private float[] work = new float[0];
    private int[] candidateIds = new int[0];
    private float[] candidateLogits = new float[0];
    private final int[] bucketCount = new int[BUCKETS];
    private final double[] bucketMass = new double[BUCKETS];

    public Sampler(SamplingOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.seed = options.seed().isPresent() ? options.seed().getAsLong() : ThreadLocalRandom.current().nextLong();
        this.random = new SplittableRandom(seed);

        Map<Integer, Float> bias = options.logitBias();
        this.biasTokens = bias.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.biasValues = new float[biasTokens.length];
        for (int i = 0; i < biasTokens.length; i++) {
            biasValues[i] = bias.get(biasTokens[i]);
        }

        this.penalties = options.repeatLastN() > 0
                && (options.repeatPenalty() != 1.0f || options.frequencyPenalty() != 0.0f
                        || options.presencePenalty() != 0.0f);
        this.window = new int[penalties ? options.repeatLastN() : 0];
    }

    public SamplingOptions options() {
        return options;
    }

    /** The seed in use: the configured one, or the random one picked when none was configured. */
    public long seed() {
        return seed;
    }

    /**
     * Records a token that is now part of the sequence (each generated token, and the prompt's
     * tokens if they should count too), for the penalties. {@link #sample} does not record the
     * token it returns: call this with it.
     */
    public void accept(int token) {
        if (token < 0) {
            throw new IllegalArgumentException("token ids are 0 or more, got " + token);
        }
        if (!penalties) {
            return;
        }
        if (token >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(token + 1, counts.length * 2));
        }
        int capacity = window.length;
        if (windowSize == capacity) {
            counts[window[windowStart]]--;
            window[windowStart] = token;
            windowStart = (windowStart + 1) % capacity;
        } else {
            window[(windowStart + windowSize) % capacity] = token;
            windowSize++;
        }
        counts[token]++;
    }

    /** Forgets the accepted history and restarts the random generator from {@link #seed()}. */
    public void reset() {
        Arrays.fill(counts, 0);
        windowStart = 0;
        windowSize = 0;
        random = new SplittableRandom(seed);
    }

    /**
     * The next token id for {@code logits[0 .. vocabSize)}.
     *
     * @throws SamplingException when the logit bias names a token at or beyond {@code vocabSize},
     *     or no token is left to pick (every logit is {@code -infinity} or NaN)
     */
    public int sample(float[] logits, int vocabSize) {
        int best = prepare(logits, vocabSize);
        if (options.isGreedy() || Float.isInfinite(1f / options.temperature())) {
            return best; // a temperature so small that 1/T overflows is greedy too
        }
        float max = work[best];
        int keep = filter(vocabSize, max);
        return keep < 0 ? drawFromRow(work, vocabSize, max) : drawFromCandidates(keep, max);
    }

    /**
     * The distribution {@link #sample} draws from for {@code logits[0 .. vocabSize)}, into
     * {@code out[0 .. vocabSize)}: bias, penalties, filters and temperature applied, 0 for every
     * token the filters drop, the rest summing to 1; greedy puts everything on the argmax. Draws
     * nothing and records nothing. Speculative sampling accepts a drafted token with this
     * probability, so it is computed the way the draw computes it.
     */
    public void probabilities(float[] logits, int vocabSize, float[] out) {
        if (out.length < vocabSize) {
            throw new IllegalArgumentException("the distribution of " + vocabSize + " tokens does not fit "
                    + out.length + " floats");
        }
        int best = prepare(logits, vocabSize);
        Arrays.fill(out, 0, vocabSize, 0f);
        if (options.isGreedy() || Float.isInfinite(1f / options.temperature())) {
            out[best] = 1f;
            return;
        }
        float max = work[best];
        float invTemperature = 1f / options.temperature();
        int keep = filter(vocabSize, max);
        double sum = 0;
        if (keep < 0) {
            for (int i = 0; i < vocabSize; i++) {
                float p = (float) Math.exp((work[i] - max) * invTemperature);
                out[i] = p;
                sum += p;
            }
        } else {
            for (int i = 0; i < keep; i++) {
                float p = (float) Math.exp((candidateLogits[i] - max) * invTemperature);
                out[candidateIds[i]] = p;
                sum += p;
            }
        }
        float scale = (float) (1 / sum);
        for (int i = 0; i < vocabSize; i++) {
            out[i] *= scale;
        }
    }

    /**
     * The ids, ascending, that survive top-k, top-p and min-p for this row (every id with a
     * finite adjusted logit when no filter is set); changes nothing but the buffers. For tests.
     */
    int[] survivors(float[] logits, int vocabSize) {
        int best = prepare(logits, vocabSize);
        float max = work[best];
        int keep = filter(vocabSize, max);
        if (keep < 0) {
            int[] all = new int[vocabSize];
            int m = 0;
            for (int i = 0; i < vocabSize; i++) {
                if (work[i] != Float.NEGATIVE_INFINITY) {
                    all[m++] = i;
                }
            }
            return Arrays.copyOf(all, m);
        }
        int[] ids = Arrays.copyOf(candidateIds, keep);
        Arrays.sort(ids);
        return ids;
    }

    /** Steps 1 to 3: copies the row, applies bias and penalties, returns the argmax. */
    private int prepare(float[] logits, int vocabSize) {
        Objects.requireNonNull(logits, "logits");
        if (vocabSize <= 0 || vocabSize > logits.length) {
            throw new IllegalArgumentException("vocabSize must be between 1 and logits.length ("
                    + logits.length + "), got " + vocabSize);
        }
        ensureCapacity(vocabSize);
        System.arraycopy(logits, 0, work, 0, vocabSize);
        adjust(work, vocabSize);
        return argmaxClearingNaN(work, vocabSize);
    }

    /**
     * Step 4: leaves the survivors of top-k, top-p and min-p in the candidate arrays and returns
     * their number, or -1 when no filter is set (every token stays, in the work row).
     */
    private int filter(int n, float max) {
        int topK = options.topK();
        if (topK > 0 && topK < n) {
            return filterSorted(selectTop(work, n, topK), max);
        }
        if (options.topP() < 1f || options.minP() > 0f) {
            return filterRow(work, n, max);
        }
        return -1;
    }

    private void ensureCapacity(int n) {
        if (work.length < n) {
            work = new float[n];
            candidateIds = new int[n];
            candidateLogits = new float[n];
        }
        if (penalties && counts.length < n) {
            counts = Arrays.copyOf(counts, n);
        }
    }

    /** Steps 1 and 2 of the chain, in place: logit bias, then the penalties of the accepted window. */
    void adjust(float[] w, int n) {
        applyBias(w, n);
        applyPenalties(w, n);
    }

    private void applyBias(float[] w, int n) {
        for (int i = 0; i < biasTokens.length; i++) {
            int token = biasTokens[i];
            if (token >= n) {
                throw new SamplingException("logit_bias names token " + token + " but the vocabulary has "
                        + n + " tokens (ids 0 to " + (n - 1) + ")");
            }
            w[token] += biasValues[i];
        }
    }

    private void applyPenalties(float[] w, int n) {
        if (!penalties || windowSize == 0) {
            return;
        }
        float repeat = options.repeatPenalty();
        float frequency = options.frequencyPenalty();
        float presence = options.presencePenalty();
        int capacity = window.length;
        for (int j = 0; j < windowSize; j++) {
            int token = window[(windowStart + j) % capacity];
            if (token >= n) {
                continue;
            }
            int count = counts[token];
            if (count <= 0) {
                continue; // already penalized (negated) in this pass
            }
            float v = w[token];
            v = v <= 0f ? v * repeat : v / repeat;
            w[token] = v - (count * frequency + presence);
            counts[token] = -count;
        }
        for (int j = 0; j < windowSize; j++) {
            int token = window[(windowStart + j) % capacity];
            if (token < n && counts[token] < 0) {
                counts[token] = -counts[token];
            }
        }
    }

    /**
     * Index of the largest value, the lowest index among equals; NaN entries become
     * {@code -infinity} on the way.
     */
    private static int argmaxClearingNaN(float[] w, int n) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = w[i];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            } else if (v != v) {
                w[i] = Float.NEGATIVE_INFINITY;
            }
        }
        if (best < 0) {
            throw new SamplingException("no token can be sampled: every logit is -infinity or NaN"
                    + " (does logit_bias ban every token?)");
        }
        return best;
    }

    private static float minPThreshold(float max, float minP) {
        return (float) (max + Math.log(minP));
    }

    private static double sumExp(float[] values, int n, float max) {
        double z = 0;
        for (int i = 0; i < n; i++) {
            z += Math.exp(values[i] - max);
        }
        return z;
    }

    /**
     * Top-p then min-p on {@code size} candidates sorted most likely first (what top-k kept);
     * returns how many of them survive.
     */
    private int filterSorted(int size, float max) {
        float topP = options.topP();
        float minP = options.minP();
        float[] values = candidateLogits;
        int keep = size;
        if (topP < 1f) {
            double target = topP * sumExp(values, size, max);
            double cumulative = 0;
            for (int i = 0; i < size; i++) {
                cumulative += Math.exp(values[i] - max);
                if (cumulative >= target) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (minP > 0f) {
            float threshold = minPThreshold(max, minP);
            int i = 1; // the maximum always passes
            while (i < keep && values[i] >= threshold) {
                i++;
            }
            keep = i;
        }
        return keep;
    }

    /**
     * Top-p and min-p over the whole row (no top-k). Both keep a prefix of the row sorted most
     * likely first, so the survivors are the shorter prefix: min-p's tokens are those above its
     * threshold, and top-p's cut is found in a histogram of the probabilities, sorting only the
     * bucket it falls in. The survivors are left in the candidate arrays, those before the cut
     * bucket in id order, then the cut bucket's most likely first; returns their number.
     */
    private int filterRow(float[] w, int n, float max) {
        float topP = options.topP();
        float minP = options.minP();
        float threshold = minP > 0f ? minPThreshold(max, minP) : -Float.MAX_VALUE;
        int[] ids = candidateIds;
        float[] values = candidateLogits;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] >= threshold) {
                ids[m] = i;
                values[m] = w[i];
                m++;
            }
        }
        if (topP >= 1f) {
            return m;
        }
        double target = topP * sumExp(w, n, max);
        Arrays.fill(bucketCount, 0);
        Arrays.fill(bucketMass, 0);
        double candidateMass = 0;
        for (int j = 0; j < m; j++) {
            float d = max - values[j];
            int b = bucket(d);
            double e = Math.exp(-d);
            bucketCount[b]++;
            bucketMass[b] += e;
            candidateMass += e;
        }
        if (candidateMass < target) {
            return m; // top-p would keep more than min-p does
        }
        int cut = 0;
        double before = 0;
        while (cut < BUCKETS - 1 && before + bucketMass[cut] < target) {
            before += bucketMass[cut];
            cut++;
        }
        // Partition: buckets before the cut first (all kept), then the cut bucket, the rest dropped.
        int front = 0;
        for (int j = 0; j < m; j++) {
            if (bucket(max - values[j]) < cut) {
                swap(ids, values, j, front++);
            }
        }
        int end = front;
        for (int j = front; j < m; j++) {
            if (bucket(max - values[j]) == cut) {
                swap(ids, values, j, end++);
            }
        }
        sortDescending(ids, values, front, end);
        double cumulative = before;
        for (int j = front; j < end; j++) {
            cumulative += Math.exp(values[j] - max);
            if (cumulative >= target) {
                return j + 1;
            }
        }
        return end;
    }

    private static int bucket(float distanceFromMax) {
        return distanceFromMax >= BUCKET_RANGE ? BUCKETS - 1 : (int) (distanceFromMax * BUCKETS_PER_NAT);
    }

    private static void swap(int[] ids, float[] values, int a, int b) {
        int id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        float v = values[a];
        values[a] = values[b];
        values[b] = v;
    }

    /** Heap sort of {@code [from, to)}: largest first, equal values by ascending id. */
    private static void sortDescending(int[] ids, float[] values, int from, int to) {
        int size = to - from;
        for (int c = size / 2 - 1; c >= 0; c--) {
            siftDown(ids, values, from, ids[from + c], values[from + c], c, size);
        }
        for (int end = size - 1; end > 0; end--) {
            int id = ids[from + end];
            float v = values[from + end];
            ids[from + end] = ids[from];
            values[from + end] = values[from];
            siftDown(ids, values, from, id, v, 0, end);
        }
    }

    /**
     * Puts the {@code k} largest of {@code w[0 .. n)} into the candidate arrays, largest first
     * (equal logits: lower id first), with a bounded min-heap: O(n log k), no full sort.
     */
    private int selectTop(float[] w, int n, int k) {
        int[] ids = candidateIds;
        float[] values = candidateLogits;
        int size = 0;
        for (int i = 0; i < n; i++) {
            float v = w[i];
            if (size < k) {
                int c = size++;
                while (c > 0) {
                    int parent = (c - 1) >>> 1;
                    if (!less(v, i, values[parent], ids[parent])) {
                        break;
                    }
                    ids[c] = ids[parent];
                    values[c] = values[parent];
                    c = parent;
                }
                ids[c] = i;
                values[c] = v;
            } else if (v > values[0]) {
                siftDown(ids, values, 0, i, v, 0, size);
            }
        }
        // Heap sort: move the smallest to the end, repeatedly, leaving the largest at index 0.
        for (int end = size - 1; end > 0; end--) {
            int id = ids[end];
            float v = values[end];
            ids[end] = ids[0];
            values[end] = values[0];
            siftDown(ids, values, 0, id, v, 0, end);
        }
        return size;
    }

    /**
     * Places (id, v) at position {@code c} of the min-heap held in {@code [base, base + size)} and
     * sifts it down.
     */
    private static void siftDown(int[] ids, float[] values, int base, int id, float v, int c, int size) {
        while (true) {
            int child = 2 * c + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && less(values[base + right], ids[base + right], values[base + child],
                    ids[base + child])) {
                child = right;
            }
            if (!less(values[base + child], ids[base + child], v, id)) {
                break;
            }
            ids[base + c] = ids[base + child];
            values[base + c] = values[base + child];
            c = child;
        }
        ids[base + c] = id;
        values[base + c] = v;
    }

    /** Heap order: lower logit first; among equal logits the higher id counts as smaller. */
    private static boolean less(float va, int ida, float vb, int idb) {
        return va < vb || (va == vb && ida > idb);
    }

    private int drawFromCandidates(int keep, float max) {
        float invTemperature = 1f / options.temperature();
        float[] values = candidateLogits;
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            float p = (float) Math.exp((values[i] - max) * invTemperature);
            values[i] = p;
            sum += p;
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        int lastPositive = 0;
        for (int i = 0; i < keep; i++) {
            float p = values[i];
            if (p > 0f) {
                cumulative += p;
                lastPositive = i;
                if (u < cumulative) {
                    return candidateIds[i];
                }
            }
        }
        return candidateIds[lastPositive];
    }

    /** No filter at all: softmax with temperature and a draw over the whole row, in id order. */
    private int drawFromRow(float[] w, int n, float max) {
        float invTemperature = 1f / options.temperature();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float p = (float) Math.exp((w[i] - max) * invTemperature);
            w[i] = p;
            sum += p;
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        int lastPositive = 0;
        for (int i = 0; i < n; i++) {
            float p = w[i];
            if (p > 0f) {
                cumulative += p;
                lastPositive = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return lastPositive;
    }
}
