package dev.cove.core.generate.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import dev.cove.core.sample.SamplingOptions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Speculative sampling follows plain sampling's distribution: on stories260K, with top-k, top-p,
 * min-p, temperature and a repetition penalty, the tokens at each of the first positions are drawn
 * over many seeds with and without speculation, and their frequencies compared (total variation
 * distance). Prompt lookup exercises the point-mass draft (accept with p(x), else draw from p
 * without x); a random-weight draft model of the same vocabulary, whose q is far from p, the
 * residual norm(max(0, p - q)). The exact check of one step against p is {@link DraftVerifierTest};
 * this one catches what the session adds (rows, penalty history, seeds), which would move the
 * frequencies far more than sampling noise. With -Dcove.probe=true it also prints the score of
 * plain against plain (about 0.6 at 1000 runs) and of a cooler temperature.
 */
class SampledSpeculationTest {
    private static final int RUNS = 700;
    private static final int POSITIONS = 4;

    /** Short, to keep the runs cheap, and repeating, so that prompt lookup drafts. */
    private static final String PROMPT = "Lily saw a big dog. Lily saw a big dog. Lily saw a";

    private static Model stories;
    private static Model randomDraft;

    @BeforeAll
    static void load() {
        stories = Model.load(SharedData.require("models/stories260K/stories260K.gguf"), 1);
        randomDraft = Model.load(SharedData.require("models/small-test/small-q4_0.gguf"), 1);
    }

    @AfterAll
    static void close() {
        for (Model m : new Model[] {stories, randomDraft}) {
            if (m != null) {
                m.close();
            }
        }
    }

    private static GenerationOptions sampling(float temperature) {
        return GenerationOptions.defaults().maxTokens(POSITIONS).contextLength(64)
                .sampling(SamplingOptions.defaults().temperature(temperature).topK(8).repeatPenalty(1.1f));
    }

    /** Token counts per position over RUNS seeds from {@code firstSeed}; the drafted and kept totals in {@code counts}. */
    private static Map<Integer, Integer>[] frequencies(GenerationOptions options, long firstSeed, int[] counts) {
        @SuppressWarnings("unchecked")
        Map<Integer, Integer>[] f = new Map[POSITIONS];
        for (int i = 0; i < POSITIONS; i++) {
            f[i] = new HashMap<>();
        }
        int[] prompt = stories.tokenizer().encode(PROMPT, true, false);
        for (int run = 0; run < RUNS; run++) {
            Session s = stories.newSession(options.seed(firstSeed + run));
            int[] at = {0};
            GenerationResult r = s.generate(prompt, t -> {
                if (t.id() >= 0) {
                    f[at[0]++].merge(t.id(), 1, Integer::sum);
                }
            });
            counts[0] += r.draftedTokens();
            counts[1] += r.acceptedDraftTokens();
        }
        return f;
    }

    /**
     * The largest, over positions, of the two-sample chi-square statistic of the token counts
     * (tokens expected fewer than 5 times pooled into one), divided by its critical value at
     * p = 0.001: below 1 where the samples agree with one distribution.
     */
    private static double worstChiSquare(Map<Integer, Integer>[] a, Map<Integer, Integer>[] b) {
        double worst = 0;
        for (int i = 0; i < POSITIONS; i++) {
            Map<Integer, Integer> union = new HashMap<>(a[i]);
            b[i].forEach((k, v) -> union.merge(k, 0, Integer::sum));
            double chi = 0;
            int cells = 0;
            int pooledA = 0;
            int pooledB = 0;
            for (int token : union.keySet()) {
                int x = a[i].getOrDefault(token, 0);
                int y = b[i].getOrDefault(token, 0);
                if (x + y < 10) {
                    pooledA += x;
                    pooledB += y;
                } else {
                    chi += (double) (x - y) * (x - y) / (x + y);
                    cells++;
                }
            }
            if (pooledA + pooledB > 0) {
                chi += (double) (pooledA - pooledB) * (pooledA - pooledB) / (pooledA + pooledB);
                cells++;
            }
            int df = Math.max(1, cells - 1);
            // Wilson-Hilferty: the chi-square quantile from the normal one (z = 3.09 for p = 0.001).
            double h = 2.0 / (9 * df);
            double critical = df * Math.pow(1 - h + 3.09 * Math.sqrt(h), 3);
            worst = Math.max(worst, chi / critical);
        }
        return worst;
    }

    @Test
    void speculativeSamplingDrawsEachPositionFromThePlainDistribution() {
        Map<Integer, Integer>[] plain = frequencies(sampling(1f), 0, new int[2]);
        int[] lookup = new int[2];
        double lookupScore = worstChiSquare(plain,
                frequencies(sampling(1f).speculation(Speculation.promptLookup(8)), 1_000_000, lookup));
        int[] draft = new int[2];
        double draftScore = worstChiSquare(plain,
                frequencies(sampling(1f).speculation(Speculation.draftModel(randomDraft, 4)), 2_000_000, draft));
        if (Boolean.getBoolean("cove.probe")) {
            double plainScore = worstChiSquare(plain, frequencies(sampling(1f), 3_000_000, new int[2]));
            double cooler = worstChiSquare(plain, frequencies(sampling(0.85f), 4_000_000, new int[2]));
            System.out.printf("PROBE plain %.3f lookup %.3f (%d/%d) draft %.3f (%d/%d) cooler %.3f%n", plainScore,
                    lookupScore, lookup[1], lookup[0], draftScore, draft[1], draft[0], cooler);
        }
        // Both verification paths ran: drafts kept and drafts replaced.
        assertThat(lookup[1]).isPositive().isLessThan(lookup[0]);
        assertThat(draft[1]).isPositive().isLessThan(draft[0]);
        assertThat(lookupScore).isLessThan(1);
        assertThat(draftScore).isLessThan(1);
    }
}
