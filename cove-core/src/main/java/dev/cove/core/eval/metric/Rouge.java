package dev.cove.core.eval.metric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * ROUGE as Google's rouge-score computes it ({@code rouge_score/rouge_scorer.py}, which
 * replicates ROUGE-1.5.5 with {@code -n 2}, and {@code -m} for stemming): ROUGE-N from clipped
 * n-gram overlap, ROUGE-L from the longest common subsequence, ROUGE-Lsum from the union LCS of
 * each target sentence (sentences are lines) against all prediction sentences, without
 * counting a token more often than it occurs.
 *
 * <p>Immutable and thread-safe.
 */
public final class Rouge {

    /** Precision, recall and their harmonic mean, each 0 to 1. */
    public record Score(double precision, double recall, double fmeasure) {
        static final Score ZERO = new Score(0, 0, 0);

        static Score of(double precision, double recall) {
            double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
            return new Score(precision, recall, f);
        }
    }

    /** What is compared: ROUGE-N (n 1 to 9), ROUGE-L or ROUGE-Lsum, named as rouge-score names them. */
    public record Type(String name, int n) {
        public static final Type ROUGE_L = new Type("rougeL", -1);
        public static final Type ROUGE_LSUM = new Type("rougeLsum", -2);

        /** {@code rouge1} ... {@code rouge9}, {@code rougeL}, {@code rougeLsum}. */
        public static Type named(String name) {
            if (name.equals("rougeL")) {
                return ROUGE_L;
            }
            if (name.equals("rougeLsum")) {
                return ROUGE_LSUM;
            }
            if (name.matches("rouge[1-9]")) {
                return new Type(name, name.charAt(5) - '0');
            }
            throw new IllegalArgumentException("unknown ROUGE type '" + name + "': use rouge1 ... rouge9, rougeL or rougeLsum");
        }
    }

    private final RougeTokenizer tokenizer;

    /** @param stem whether words go through the Porter stemmer ({@code use_stemmer=True}) */
    public Rouge(boolean stem) {
        this.tokenizer = new RougeTokenizer(stem);
    }

    /** rouge-score's {@code score(target, prediction)} for one type. */
    public Score score(Type type, String target, String prediction) {
        if (type.equals(Type.ROUGE_LSUM)) {
            return summaryLevelLcs(sentences(target), sentences(prediction));
        }
        List<String> t = tokenizer.tokenize(target);
        List<String> p = tokenizer.tokenize(prediction);
        return type.equals(Type.ROUGE_L) ? lcsScore(t, p) : ngramScore(ngrams(t, type.n()), ngrams(p, type.n()));
    }

    /** rouge-score's {@code score_multi}: against several targets, the one with the best F-measure (the first on ties). */
    public Score scoreMulti(Type type, List<String> targets, String prediction) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("ROUGE needs at least one target");
        }
        Score best = null;
        for (String t : targets) {
            Score s = score(type, t, prediction);
            if (best == null || s.fmeasure() > best.fmeasure()) {
                best = s;
            }
        }
        return best;
    }

    private List<List<String>> sentences(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.add(tokenizer.tokenize(line));
            }
        }
        return out;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }

    private static Score ngramScore(Map<List<String>, Integer> target, Map<List<String>, Integer> prediction) {
        long overlap = 0;
        for (Map.Entry<List<String>, Integer> e : target.entrySet()) {
            overlap += Math.min(e.getValue(), prediction.getOrDefault(e.getKey(), 0));
        }
        long targetCount = target.values().stream().mapToLong(Integer::longValue).sum();
        long predictionCount = prediction.values().stream().mapToLong(Integer::longValue).sum();
        return Score.of((double) overlap / Math.max(predictionCount, 1), (double) overlap / Math.max(targetCount, 1));
    }

    private static Score lcsScore(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return Score.ZERO;
        }
        int lcs = lcsTable(target, prediction)[target.size()][prediction.size()];
        return Score.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    static int[][] lcsTable(List<String> ref, List<String> can) {
        int[][] t = new int[ref.size() + 1][can.size() + 1];
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= can.size(); j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    /** The indices into {@code ref} of one longest common subsequence, read back as rouge-score reads it (ties go up). */
    static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int[][] t = lcsTable(ref, can);
        List<Integer> out = new ArrayList<>();
        int i = ref.size();
        int j = can.size();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                out.add(i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** The tokens of {@code ref} in the union of its LCS with each candidate sentence, in order. */
    static List<String> unionLcs(List<String> ref, List<List<String>> candidates) {
        TreeSet<Integer> union = new TreeSet<>();
        for (List<String> c : candidates) {
            union.addAll(lcsIndices(ref, c));
        }
        List<String> out = new ArrayList<>();
        for (int i : union) {
            out.add(ref.get(i));
        }
        return out;
    }

    static Score summaryLevelLcs(List<List<String>> refSentences, List<List<String>> canSentences) {
        if (refSentences.isEmpty() || canSentences.isEmpty()) {
            return Score.ZERO;
        }
        long m = refSentences.stream().mapToLong(List::size).sum();
        long n = canSentences.stream().mapToLong(List::size).sum();
        if (m == 0 || n == 0) {
            return Score.ZERO;
        }
        Map<String, Integer> refCounts = new HashMap<>();
        Map<String, Integer> canCounts = new HashMap<>();
        refSentences.forEach(s -> s.forEach(t -> refCounts.merge(t, 1, Integer::sum)));
        canSentences.forEach(s -> s.forEach(t -> canCounts.merge(t, 1, Integer::sum)));
        long hits = 0;
        for (List<String> r : refSentences) {
            // Each token counts at most as often as it occurs in both summaries (ROUGE-1.5.5's rule).
            for (String t : unionLcs(r, canSentences)) {
                if (canCounts.getOrDefault(t, 0) > 0 && refCounts.getOrDefault(t, 0) > 0) {
                    hits++;
                    canCounts.merge(t, -1, Integer::sum);
                    refCounts.merge(t, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }
}
