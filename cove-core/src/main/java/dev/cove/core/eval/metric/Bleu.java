package dev.cove.core.eval.metric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BLEU as sacreBLEU 2.x computes it ({@code sacrebleu/metrics/bleu.py}): the same tokenizers,
 * smoothing methods, effective order, closest reference length and zero-match rule, so that a
 * score here is the number {@code sacrebleu} prints (0 to 100) for the same text.
 *
 * <p>{@link #sentence()} is {@code sacrebleu.sentence_bleu}'s configuration (effective order on,
 * "exp" smoothing, 13a); {@link #corpus()} is {@code sacrebleu.corpus_bleu}'s (effective order
 * off). Immutable and thread-safe.
 */
public final class Bleu {
    /** sacreBLEU's default maximum n-gram order. */
    public static final int MAX_NGRAM_ORDER = 4;

    /** What replaces a zero n-gram precision (Chen and Cherry, WMT 2014). */
    public enum Smoothing {
        /** No smoothing: a zero precision makes the score 0. */
        NONE("none", Double.NaN),
        /** Method 1: a zero count becomes {@code value} (default 0.1). */
        FLOOR("floor", 0.1),
        /** Method 2: {@code value} (default 1) added to counts and totals from bigrams on. */
        ADD_K("add-k", 1),
        /** Method 3, NIST's (mteval-v13a): the k-th zero precision becomes 1 / (2^k · total). sacreBLEU's default. */
        EXP("exp", Double.NaN);

        private final String id;
        private final double defaultValue;

        Smoothing(String id, double defaultValue) {
            this.id = id;
            this.defaultValue = defaultValue;
        }

        public String id() {
            return id;
        }

        public static Smoothing named(String name) {
            for (Smoothing s : values()) {
                if (s.id.equals(name.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown BLEU smoothing '" + name + "': use exp, floor, add-k or none");
        }
    }

    /**
     * A BLEU score and its sufficient statistics, as sacreBLEU's {@code BLEUScore}.
     *
     * @param score      0 to 100
     * @param counts     matched n-grams per order (after add-k smoothing, as sacreBLEU reports them)
     * @param totals     hypothesis n-grams per order
     * @param precisions per order, 0 to 100
     * @param bp         brevity penalty
     */
    public record Score(double score, double[] counts, double[] totals, double[] precisions, double bp, long sysLen,
                        long refLen) {
    }

    /** One segment's counts: corpus BLEU sums them over segments. */
    public record Statistics(long hypLen, long refLen, long[] correct, long[] total) {
    }

    private final BleuTokenizer tokenizer;
    private final Smoothing smoothing;
    private final double smoothValue; // NaN: the method's default
    private final boolean lowercase;
    private final int maxOrder;
    private final boolean effectiveOrder;

    private Bleu(BleuTokenizer tokenizer, Smoothing smoothing, double smoothValue, boolean lowercase, int maxOrder,
                 boolean effectiveOrder) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("the maximum n-gram order must be at least 1, not " + maxOrder);
        }
        if (!Double.isNaN(smoothValue) && (smoothValue < 0 || Double.isInfinite(smoothValue))) {
            throw new IllegalArgumentException("the smoothing value must be a finite number >= 0, not " + smoothValue);
        }
        this.tokenizer = tokenizer;
        this.smoothing = smoothing;
        this.smoothValue = smoothValue;
        this.lowercase = lowercase;
        this.maxOrder = maxOrder;
        this.effectiveOrder = effectiveOrder;
    }

    /** sacreBLEU's sentence BLEU: 13a, exp smoothing, effective order. */
    public static Bleu sentence() {
        return new Bleu(BleuTokenizer.V13A, Smoothing.EXP, Double.NaN, false, MAX_NGRAM_ORDER, true);
    }

    /** sacreBLEU's corpus BLEU: 13a, exp smoothing, no effective order. */
    public static Bleu corpus() {
        return new Bleu(BleuTokenizer.V13A, Smoothing.EXP, Double.NaN, false, MAX_NGRAM_ORDER, false);
    }

    public Bleu tokenizer(BleuTokenizer t) {
        return new Bleu(t, smoothing, smoothValue, lowercase, maxOrder, effectiveOrder);
    }

    /** The smoothing method with its default value. */
    public Bleu smoothing(Smoothing s) {
        return new Bleu(tokenizer, s, Double.NaN, lowercase, maxOrder, effectiveOrder);
    }

    /** The smoothing method with {@code value} (floor's floor, add-k's k; ignored by exp and none). */
    public Bleu smoothing(Smoothing s, double value) {
        return new Bleu(tokenizer, s, value, lowercase, maxOrder, effectiveOrder);
    }

    public Bleu lowercase(boolean value) {
        return new Bleu(tokenizer, smoothing, smoothValue, value, maxOrder, effectiveOrder);
    }

    public Bleu maxNgramOrder(int value) {
        return new Bleu(tokenizer, smoothing, smoothValue, lowercase, value, effectiveOrder);
    }

    /** Average only over the orders the hypothesis has n-grams of: sacreBLEU's fix for short sentences. */
    public Bleu effectiveOrder(boolean value) {
        return new Bleu(tokenizer, smoothing, smoothValue, lowercase, maxOrder, value);
    }

    public BleuTokenizer tokenizer() {
        return tokenizer;
    }

    public Smoothing smoothing() {
        return smoothing;
    }

    public boolean effectiveOrder() {
        return effectiveOrder;
    }

    /** BLEU of one hypothesis against its references (empty ones ignored; at least one must remain). */
    public Score sentenceScore(String hypothesis, List<String> references) {
        return score(List.of(statistics(hypothesis, references)));
    }

    /**
     * Corpus BLEU: {@code referenceStreams} holds one or more streams, each with one reference per
     * hypothesis (null or empty where a hypothesis has fewer references), as {@code corpus_bleu} takes them.
     */
    public Score corpusScore(List<String> hypotheses, List<List<String>> referenceStreams) {
        for (List<String> stream : referenceStreams) {
            if (stream.size() != hypotheses.size()) {
                throw new IllegalArgumentException("a reference stream has " + stream.size() + " lines but there are "
                        + hypotheses.size() + " hypotheses");
            }
        }
        List<Statistics> stats = new ArrayList<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> refs = new ArrayList<>();
            for (List<String> stream : referenceStreams) {
                refs.add(stream.get(i));
            }
            stats.add(statistics(hypotheses.get(i), refs));
        }
        return score(stats);
    }

    /** The counts of one segment, to be summed by {@link #score(List)}. */
    public Statistics statistics(String hypothesis, List<String> references) {
        List<List<String>> refTokens = new ArrayList<>();
        for (String r : references) {
            if (r != null && !r.isEmpty()) {
                refTokens.add(PythonText.split(preprocess(r)));
            }
        }
        if (refTokens.isEmpty()) {
            throw new IllegalArgumentException("BLEU needs at least one non-empty reference");
        }
        List<String> hyp = PythonText.split(preprocess(hypothesis));
        List<Map<String, Integer>> refNgrams = null;
        long refLen = -1;
        long closestDiff = -1;
        for (List<String> ref : refTokens) {
            List<Map<String, Integer>> ngrams = ngrams(ref);
            if (refNgrams == null) {
                refNgrams = ngrams;
            } else {
                for (int n = 0; n < maxOrder; n++) {
                    Map<String, Integer> merged = refNgrams.get(n);
                    ngrams.get(n).forEach((k, v) -> merged.merge(k, v, Math::max));
                }
            }
            // The closest reference length; on a tie, the shorter reference.
            long diff = Math.abs(hyp.size() - ref.size());
            if (closestDiff == -1 || diff < closestDiff) {
                closestDiff = diff;
                refLen = ref.size();
            } else if (diff == closestDiff && ref.size() < refLen) {
                refLen = ref.size();
            }
        }
        long[] correct = new long[maxOrder];
        long[] total = new long[maxOrder];
        List<Map<String, Integer>> hypNgrams = ngrams(hyp);
        for (int n = 0; n < maxOrder; n++) {
            Map<String, Integer> refs = refNgrams.get(n);
            for (Map.Entry<String, Integer> e : hypNgrams.get(n).entrySet()) {
                total[n] += e.getValue();
                correct[n] += Math.min(e.getValue(), refs.getOrDefault(e.getKey(), 0));
            }
        }
        return new Statistics(hyp.size(), refLen, correct, total);
    }

    /** The score of the summed statistics of several segments. */
    public Score score(List<Statistics> segments) {
        double[] correct = new double[maxOrder];
        double[] total = new double[maxOrder];
        long sysLen = 0;
        long refLen = 0;
        for (Statistics s : segments) {
            sysLen += s.hypLen();
            refLen += s.refLen();
            for (int n = 0; n < maxOrder; n++) {
                correct[n] += s.correct()[n];
                total[n] += s.total()[n];
            }
        }
        return computeBleu(correct, total, sysLen, refLen, smoothing, smoothValue, effectiveOrder, maxOrder);
    }

    /**
     * sacreBLEU's {@code BLEU.compute_bleu}: the score from sufficient statistics. {@code smoothValue}
     * NaN takes the method's default. {@code correct} and {@code total} are changed by add-k, as
     * sacreBLEU changes its lists.
     */
    public static Score computeBleu(double[] correct, double[] total, long sysLen, long refLen, Smoothing smoothing,
                                    double smoothValue, boolean effectiveOrder, int maxOrder) {
        double value = Double.isNaN(smoothValue) ? smoothing.defaultValue : smoothValue;
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0) : 1.0;
        double[] precisions = new double[maxOrder];
        boolean anyMatch = false;
        for (double c : correct) {
            anyMatch |= c != 0;
        }
        if (!anyMatch) {
            return new Score(0.0, correct, total, precisions, bp, sysLen, refLen); // sacreBLEU #141
        }
        double smoothMteval = 1.0;
        int order = maxOrder;
        for (int n = 1; n <= maxOrder; n++) {
            if (smoothing == Smoothing.ADD_K && n > 1) {
                correct[n - 1] += value;
                total[n - 1] += value;
            }
            if (total[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                order = n;
            }
            if (correct[n - 1] == 0) {
                if (smoothing == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * value / total[n - 1];
                }
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < order; n++) {
            logSum += myLog(precisions[n]);
        }
        return new Score(bp * Math.exp(logSum / order), correct, total, precisions, bp, sysLen, refLen);
    }

    /** sacreBLEU's {@code my_log}: log, with a huge negative number for 0. */
    private static double myLog(double x) {
        return x == 0.0 ? -9999999999.0 : Math.log(x);
    }

    private String preprocess(String line) {
        String s = lowercase ? line.toLowerCase(Locale.ROOT) : line;
        return tokenizer.tokenize(PythonText.rstrip(s));
    }

    /** Counts of the n-grams of each order 1..maxOrder; an n-gram is its words joined by single spaces. */
    private List<Map<String, Integer>> ngrams(List<String> words) {
        List<Map<String, Integer>> out = new ArrayList<>(maxOrder);
        for (int n = 1; n <= maxOrder; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= words.size(); i++) {
                counts.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
            }
            out.add(counts);
        }
        return out;
    }
}
