package dev.cove.core.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    /** No filter, temperature 1: the plain softmax distribution. */
    private static final SamplingOptions PLAIN =
            SamplingOptions.defaults().temperature(1f).topK(0).topP(1f).minP(0f).seed(7);

    private static float[] logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    private static float[] randomLogits(Random r, int n) {
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            l[i] = (float) (r.nextGaussian() * 3);
        }
        return l;
    }

    private static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] > l[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Frequencies of each token over {@code draws} samples from the same row. */
    private static double[] frequencies(SamplingOptions options, float[] logits, int draws) {
        Sampler s = new Sampler(options);
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[s.sample(logits, logits.length)]++;
        }
        double[] f = new double[counts.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = counts[i] / (double) draws;
        }
        return f;
    }

    /** Checks observed frequencies against expected probabilities, within about 5 standard errors. */
    private static void assertDistribution(double[] observed, double[] expected, int draws) {
        assertThat(observed).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double p = expected[i];
            if (p == 0) {
                assertThat(observed[i]).as("token %d must never be drawn", i).isZero();
            } else {
                double tolerance = 5 * Math.sqrt(p * (1 - p) / draws) + 1e-3;
                assertThat(observed[i]).as("frequency of token %d", i).isCloseTo(p, within(tolerance));
            }
        }
    }

    private static double[] normalize(double... weights) {
        double sum = Arrays.stream(weights).sum();
        return Arrays.stream(weights).map(w -> w / sum).toArray();
    }

    // ---- greedy -------------------------------------------------------------------------------

    @Test
    void greedyIsTheArgmax() {
        Random r = new Random(1);
        Sampler s = new Sampler(SamplingOptions.greedy());
        for (int row = 0; row < 50; row++) {
            float[] l = randomLogits(r, 1000);
            assertThat(s.sample(l, l.length)).isEqualTo(argmax(l));
        }
    }

    @Test
    void greedyTiesGoToTheLowestId() {
        Sampler s = new Sampler(SamplingOptions.greedy());
        assertThat(s.sample(new float[] {1f, 3f, 2f, 3f, 3f}, 5)).isEqualTo(1);
        assertThat(s.sample(new float[] {0f, 0f, 0f}, 3)).isZero();
    }

    @Test
    void negativeTemperatureIsGreedy() {
        Sampler s = new Sampler(SamplingOptions.defaults().temperature(-1f));
        assertThat(s.sample(new float[] {0.1f, 0.3f, 0.2f}, 3)).isEqualTo(1);
    }

    @Test
    void onlyTheFirstVocabSizeLogitsCount() {
        Sampler s = new Sampler(SamplingOptions.greedy());
        assertThat(s.sample(new float[] {1f, 2f, 9f}, 2)).isEqualTo(1);
    }

    @Test
    void nanLogitsAreNeverPicked() {
        float nan = Float.NaN;
        assertThat(new Sampler(SamplingOptions.greedy()).sample(new float[] {nan, -5f, nan}, 3)).isEqualTo(1);
        double[] f = frequencies(PLAIN, new float[] {nan, 0f, nan, 0f}, 2000);
        assertThat(f[0] + f[2]).isZero();
    }

    // ---- seeds --------------------------------------------------------------------------------

    private static int[] generate(SamplingOptions options, int steps) {
        Random logitSource = new Random(99);
        Sampler s = new Sampler(options);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            float[] l = randomLogits(logitSource, 500);
            out[i] = s.sample(l, l.length);
            s.accept(out[i]);
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameTokens() {
        SamplingOptions o = SamplingOptions.defaults().temperature(1.2f).seed(42).repeatPenalty(1.1f);
        assertThat(generate(o, 300)).containsExactly(generate(o, 300));
    }

    @Test
    void differentSeedsGiveDifferentTokens() {
        SamplingOptions o = SamplingOptions.defaults().temperature(1.2f);
        assertThat(generate(o.seed(1), 300)).isNotEqualTo(generate(o.seed(2), 300));
    }

    @Test
    void withoutASeedARandomOneIsPickedAndReported() {
        Sampler a = new Sampler(SamplingOptions.defaults());
        Sampler b = new Sampler(SamplingOptions.defaults());
        assertThat(a.seed()).isNotEqualTo(b.seed()); // 2^-64 chance of a false failure
        int[] replay = generate(SamplingOptions.defaults().temperature(1.2f).seed(a.seed()), 50);
        assertThat(replay).containsExactly(generate(SamplingOptions.defaults().temperature(1.2f).seed(a.seed()), 50));
    }

    @Test
    void resetReplaysFromTheSeed() {
        SamplingOptions o = PLAIN.temperature(1.5f).seed(5).repeatPenalty(1.3f);
        Sampler s = new Sampler(o);
        float[] l = randomLogits(new Random(3), 100);
        int[] first = new int[100];
        for (int i = 0; i < first.length; i++) {
            first[i] = s.sample(l, l.length);
            s.accept(first[i]);
        }
        s.reset();
        for (int i = 0; i < first.length; i++) {
            int t = s.sample(l, l.length);
            s.accept(t);
            assertThat(t).as("step %d", i).isEqualTo(first[i]);
        }
    }

    // ---- top-k ----------------------------------------------------------------------------------

    @Test
    void topKOneIsGreedy() {
        Random r = new Random(11);
        Sampler s = new Sampler(SamplingOptions.defaults().temperature(2f).topK(1).topP(1f).minP(0f).seed(3));
        for (int row = 0; row < 200; row++) {
            float[] l = randomLogits(r, 3000);
            assertThat(s.sample(l, l.length)).isEqualTo(argmax(l));
        }
    }

    @Test
    void topKKeepsTheKMostLikelyWithSoftmaxWeights() {
        float[] l = logitsOf(0.05, 0.3, 0.1, 0.2, 0.25, 0.1);
        int draws = 40_000;
        double[] f = frequencies(PLAIN.topK(3), l, draws);
        assertDistribution(f, normalize(0, 0.3, 0, 0.2, 0.25, 0), draws);
    }

    @Test
    void topKTiesKeepTheLowestIds() {
        float[] l = new float[1000];
        double[] f = frequencies(PLAIN.topK(5), l, 5000);
        for (int i = 0; i < l.length; i++) {
            if (i < 5) {
                assertThat(f[i]).as("token %d", i).isGreaterThan(0);
            } else {
                assertThat(f[i]).as("token %d", i).isZero();
            }
        }
    }

    @Test
    void topKLargerThanTheVocabularyKeepsEverything() {
        float[] l = logitsOf(0.5, 0.3, 0.2);
        int draws = 20_000;
        assertDistribution(frequencies(PLAIN.topK(10), l, draws), new double[] {0.5, 0.3, 0.2}, draws);
    }

    // ---- top-p ----------------------------------------------------------------------------------

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        float[] l = logitsOf(0.15, 0.5, 0.05, 0.3);
        int draws = 40_000;
        // sorted: 0.5 (id 1), 0.3 (id 3), 0.15 (id 0), 0.05 (id 2); 0.5 + 0.3 >= 0.75
        assertDistribution(frequencies(PLAIN.topP(0.75f), l, draws), normalize(0, 0.5, 0, 0.3), draws);
        // 0.5 + 0.3 < 0.9 <= 0.5 + 0.3 + 0.15
        assertDistribution(frequencies(PLAIN.topP(0.9f), l, draws), normalize(0.15, 0.5, 0, 0.3), draws);
        // top-p 0 keeps just the most likely token
        assertDistribution(frequencies(PLAIN.topP(0f), l, 1000), new double[] {0, 1, 0, 0}, 1000);
    }

    @Test
    void topPIsComputedOverWhatTopKKept() {
        // top-k 2 keeps 0.5 and 0.3, renormalized to 0.625 and 0.375: top-p 0.6 then keeps only the first
        float[] l = logitsOf(0.15, 0.5, 0.05, 0.3);
        assertDistribution(frequencies(PLAIN.topK(2).topP(0.6f), l, 2000), new double[] {0, 1, 0, 0}, 2000);
    }

    @Test
    void topPCutsInsideALargeTie() {
        // 1000 equally likely tokens and 4000 negligible ones: top-p 0.9 keeps the 900 lowest ids
        float[] l = new float[5000];
        Arrays.fill(l, -40f);
        Arrays.fill(l, 0, 1000, 0f);
        double[] f = frequencies(PLAIN.topP(0.9f), l, 1500);
        double kept = 0;
        double high = 0;
        for (int i = 0; i < l.length; i++) {
            if (i >= 901) {
                assertThat(f[i]).as("token %d", i).isZero();
            }
            kept += f[i];
            if (i >= 800) {
                high += f[i];
            }
        }
        assertThat(kept).isCloseTo(1.0, within(1e-9));
        assertThat(high).isCloseTo(100 / 900.0, within(0.05));
    }

    // ---- min-p ----------------------------------------------------------------------------------

    @Test
    void minPDropsTokensBelowAFractionOfTheMostLikely() {
        float[] l = logitsOf(0.1, 0.6, 0.05, 0.25);
        int draws = 40_000;
        double[] expected = normalize(0.1, 0.6, 0, 0.25); // 0.05 < 0.1 * 0.6
        assertDistribution(frequencies(PLAIN.minP(0.1f), l, draws), expected, draws); // no top-k
        assertDistribution(frequencies(PLAIN.minP(0.1f).topK(4), l, draws), expected, draws); // after top-k
        assertDistribution(frequencies(PLAIN.minP(0.5f), l, 1000), new double[] {0, 1, 0, 0}, 1000);
    }

    @Test
    void minPAndTopPKeepTheShorterPrefix() {
        float[] l = logitsOf(0.1, 0.6, 0.05, 0.25);
        int draws = 40_000;
        // top-p 0.99 alone keeps all four; min-p 0.3 (threshold 0.18) keeps 0.6 and 0.25
        assertDistribution(frequencies(PLAIN.topP(0.99f).minP(0.3f), l, draws), normalize(0, 0.6, 0, 0.25),
                draws);
        // top-p 0.55 keeps only 0.6; min-p 0.1 would keep three
        assertDistribution(frequencies(PLAIN.topP(0.55f).minP(0.1f), l, 2000), new double[] {0, 1, 0, 0}, 2000);
    }

    // ---- the filters against a full sort ---------------------------------------------------------

    /** What llama.cpp's chain keeps: sort everything, cut top-k, then top-p, then min-p. */
    private static int[] survivorsByFullSort(float[] l, int topK, float topP, float minP) {
        Integer[] order = new Integer[l.length];
        for (int i = 0; i < l.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> l[a] != l[b] ? Float.compare(l[b], l[a]) : Integer.compare(a, b));
        int keep = topK > 0 ? Math.min(topK, l.length) : l.length;
        float max = l[order[0]];
        if (topP < 1f) {
            double z = 0;
            for (int i = 0; i < keep; i++) {
                z += Math.exp(l[order[i]] - max);
            }
            double cumulative = 0;
            for (int i = 0; i < keep; i++) {
                cumulative += Math.exp(l[order[i]] - max) / z;
                if (cumulative >= topP) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (minP > 0f) {
            float threshold = (float) (max + Math.log(minP));
            int i = 1;
            while (i < keep && l[order[i]] >= threshold) {
                i++;
            }
            keep = i;
        }
        int[] ids = new int[keep];
        for (int i = 0; i < keep; i++) {
            ids[i] = order[i];
        }
        Arrays.sort(ids);
        return ids;
    }

    @Test
    void filtersKeepWhatAFullSortKeeps() {
        Random r = new Random(21);
        int[] sizes = {1, 2, 7, 100, 3000};
        float[][] settings = { // topK, topP, minP
            {40, 0.95f, 0.05f}, {0, 0.95f, 0.05f}, {0, 0.9f, 0f}, {0, 0.5f, 0f}, {0, 1f, 0.1f}, {0, 0.99f, 0.001f},
            {10, 1f, 0f}, {1000, 0.8f, 0f}, {0, 0f, 0f}, {0, 1f, 1f}, {3, 0.3f, 0.5f}, {0, 0.999f, 0f}};
        for (int n : sizes) {
            for (double spread : new double[] {0.5, 3, 10}) {
                float[] l = new float[n];
                for (int i = 0; i < n; i++) {
                    l[i] = (float) (r.nextGaussian() * spread);
                }
                if (n > 10) {
                    l[3] = l[4] = l[5]; // some ties
                }
                for (float[] setting : settings) {
                    int topK = (int) setting[0];
                    SamplingOptions o = PLAIN.topK(topK).topP(setting[1]).minP(setting[2]);
                    assertThat(new Sampler(o).survivors(l, n))
                            .as("n=%d spread=%s top-k=%d top-p=%s min-p=%s", n, spread, topK, setting[1], setting[2])
                            .containsExactly(survivorsByFullSort(l, topK, setting[1], setting[2]));
                }
            }
        }
    }

    // ---- temperature ----------------------------------------------------------------------------

    @Test
    void temperatureSharpensOrFlattensTheDistribution() {
        float[] l = {1f, 0f, -1f};
        int draws = 40_000;
        for (float t : new float[] {0.5f, 1f, 2f}) {
            double[] expected = normalize(Math.exp(1 / t), Math.exp(0), Math.exp(-1 / t));
            assertDistribution(frequencies(PLAIN.temperature(t), l, draws), expected, draws);
            assertDistribution(frequencies(PLAIN.temperature(t).topK(3), l, draws), expected, draws);
        }
    }

    @Test
    void temperatureAppliesAfterTheFilters() {
        // top-p 0.75 at temperature 1 keeps ids 1 and 3 (0.5 + 0.3); a high temperature must not widen that
        float[] l = logitsOf(0.15, 0.5, 0.05, 0.3);
        double[] f = frequencies(PLAIN.topP(0.75f).temperature(5f), l, 5000);
        assertThat(f[0] + f[2]).isZero();
    }

    // ---- penalties ------------------------------------------------------------------------------

    private static float[] adjusted(Sampler s, float... logits) {
        float[] copy = logits.clone();
        s.adjust(copy, copy.length);
        return copy;
    }

    @Test
    void repeatPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        Sampler s = new Sampler(SamplingOptions.defaults().repeatPenalty(2f));
        s.accept(0);
        s.accept(2);
        s.accept(2);
        assertThat(adjusted(s, 3f, 1f, -0.5f, 0f)).containsExactly(1.5f, 1f, -1f, 0f);
    }

    @Test
    void frequencyAndPresencePenaltiesCountOccurrencesInTheWindow() {
        Sampler s = new Sampler(SamplingOptions.defaults().frequencyPenalty(0.5f).presencePenalty(0.25f));
        s.accept(1);
        s.accept(3);
        s.accept(1);
        s.accept(1);
        // token 1: 3 times -> 3 * 0.5 + 0.25; token 3: once -> 0.5 + 0.25
        assertThat(adjusted(s, 1f, 1f, 1f, 1f)).containsExactly(1f, 1f - 1.75f, 1f, 1f - 0.75f);
    }

    @Test
    void penaltiesCombineAsInLlamaCpp() {
        Sampler s = new Sampler(SamplingOptions.defaults().repeatPenalty(2f).frequencyPenalty(0.5f)
                .presencePenalty(1f));
        s.accept(0);
        s.accept(0);
        assertThat(adjusted(s, 4f, 4f)).containsExactly(4f / 2 - 2 * 0.5f - 1f, 4f);
    }

    @Test
    void penaltiesOnlySeeTheLastNTokens() {
        Sampler s = new Sampler(SamplingOptions.defaults().repeatPenalty(2f).repeatLastN(2));
        s.accept(0);
        s.accept(1);
        s.accept(2); // evicts 0
        assertThat(adjusted(s, 4f, 4f, 4f, 4f)).containsExactly(4f, 2f, 2f, 4f);
        s.accept(2); // evicts 1
        assertThat(adjusted(s, 4f, 4f, 4f, 4f)).containsExactly(4f, 4f, 2f, 4f);
    }

    @Test
    void repeatLastNZeroTurnsPenaltiesOff() {
        Sampler s = new Sampler(SamplingOptions.defaults().repeatPenalty(2f).repeatLastN(0));
        s.accept(0);
        assertThat(adjusted(s, 4f, 4f)).containsExactly(4f, 4f);
    }

    @Test
    void penaltiesChangeWhatGreedyPicks() {
        Sampler s = new Sampler(SamplingOptions.greedy().repeatPenalty(1.5f));
        assertThat(s.sample(new float[] {2f, 1.5f}, 2)).isZero();
        s.accept(0);
        assertThat(s.sample(new float[] {2f, 1.5f}, 2)).isEqualTo(1); // 2 / 1.5 < 1.5
        assertThat(s.sample(new float[] {-0.5f, -0.6f}, 2)).isEqualTo(1); // -0.75 < -0.6
    }

    @Test
    void repeatedPenaltyPassesDoNotCompound() {
        Sampler s = new Sampler(SamplingOptions.defaults().repeatPenalty(2f));
        s.accept(0);
        s.accept(0);
        assertThat(adjusted(s, 4f)).containsExactly(2f);
        assertThat(adjusted(s, 4f)).containsExactly(2f);
    }

    @Test
    void acceptedTokensBeyondTheVocabularyAreIgnored() {
        Sampler s = new Sampler(SamplingOptions.greedy().repeatPenalty(2f));
        s.accept(70_000);
        assertThat(s.sample(new float[] {1f, 0.5f}, 2)).isZero();
        assertThatThrownBy(() -> s.accept(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- logit bias ---------------------------------------------------------------------------

    @Test
    void negativeInfinityBiasBansAToken() {
        float[] l = logitsOf(0.7, 0.2, 0.1);
        assertThat(new Sampler(SamplingOptions.greedy().ban(0)).sample(l, 3)).isEqualTo(1);
        int draws = 20_000;
        assertDistribution(frequencies(PLAIN.ban(0), l, draws), normalize(0, 0.2, 0.1), draws);
    }

    @Test
    void biasIsAddedBeforeEverythingElse() {
        Sampler s = new Sampler(SamplingOptions.greedy().logitBias(2, 5f));
        assertThat(s.sample(new float[] {3f, 2f, -1f}, 3)).isEqualTo(2);
        assertThat(adjusted(s, 3f, 2f, -1f)).containsExactly(3f, 2f, 4f);
    }

    @Test
    void biasOnATokenOutsideTheVocabularyIsAClearError() {
        Sampler s = new Sampler(SamplingOptions.greedy().logitBias(10, 1f));
        assertThatThrownBy(() -> s.sample(new float[4], 4))
                .isInstanceOf(SamplingException.class)
                .hasMessageContaining("token 10")
                .hasMessageContaining("4 tokens");
    }

    @Test
    void banningEveryTokenIsAClearError() {
        SamplingOptions o = SamplingOptions.defaults().ban(0).ban(1);
        assertThatThrownBy(() -> new Sampler(o).sample(new float[2], 2))
                .isInstanceOf(SamplingException.class)
                .hasMessageContaining("every logit");
    }

    @Test
    void badArgumentsAreRejected() {
        Sampler s = new Sampler(SamplingOptions.greedy());
        assertThatThrownBy(() -> s.sample(new float[3], 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sample(new float[3], 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplingDoesNotWriteToTheLogits() {
        float[] l = randomLogits(new Random(4), 300);
        float[] copy = l.clone();
        Sampler s = new Sampler(SamplingOptions.defaults().repeatPenalty(1.5f).logitBias(3, -2f).seed(1));
        s.accept(5);
        for (int i = 0; i < 10; i++) {
            s.sample(l, l.length);
        }
        assertThat(l).containsExactly(copy);
    }
}
