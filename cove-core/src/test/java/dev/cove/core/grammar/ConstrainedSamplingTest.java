package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.sample.Sampler;
import dev.cove.core.sample.SamplingOptions;
import dev.cove.core.tokenizer.Tokenizer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenConstraint#sample}: the sampler's own pick is checked against the grammar and the
 * mask is applied only when it is refused. That must change nothing but the cost: the check says
 * what the mask says, greedy picks are the masked argmax, and draws follow the masked
 * distribution.
 */
class ConstrainedSamplingTest {
    private static final String STORIES = "models/stories260K/stories260K.gguf";

    @Test
    void theCheckSaysWhatTheMaskSaysAtEveryStepOfAGeneration() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        int n = tokenizer.vocabulary().size();
        SplittableRandom random = new SplittableRandom(3);
        for (String gbnf : new String[] {Grammar.anyJsonObject().gbnf(), "root ::= [a-z]+ (\" \" [a-z]+)* \".\"",
                "root ::= \"é\" | \"中文\" [^a-z]{1,3} | \"😀\"+"}) {
            TokenConstraint c = Grammar.parse(gbnf).constrain(tokenizer);
            Sampler sampler = new Sampler(SamplingOptions.defaults().temperature(1.5f).topK(0).topP(1f).minP(0f).seed(11));
            for (int step = 0; step < 300; step++) {
                float[] masked = randomLogits(n, random);
                float[] row = masked.clone();
                c.apply(masked, n);
                for (int t = 0; t < n; t++) {
                    assertThat(c.allows(t)).as("token %d at step %d of %s", t, step, gbnf)
                            .isEqualTo(masked[t] != Float.NEGATIVE_INFINITY);
                }
                int token = c.sample(sampler, row, n);
                assertThat(masked[token]).isNotEqualTo(Float.NEGATIVE_INFINITY);
                c.accept(token);
                if (c.isComplete() || tokenizer.vocabulary().isEndOfGeneration(token)) {
                    c.reset();
                }
            }
        }
    }

    @Test
    void greedyPicksAreTheArgmaxOfTheMaskedRow() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        int n = tokenizer.vocabulary().size();
        TokenConstraint c = Grammar.parse("root ::= [0-9]+ \".\" [0-9]").constrain(tokenizer);
        Sampler greedy = new Sampler(SamplingOptions.greedy());
        SplittableRandom random = new SplittableRandom(5);
        for (int step = 0; step < 40 && !c.isComplete(); step++) {
            float[] row = randomLogits(n, random);
            float[] masked = row.clone();
            c.apply(masked, n);
            int expected = 0;
            for (int t = 1; t < n; t++) {
                if (masked[t] > masked[expected]) {
                    expected = t;
                }
            }
            int token = c.sample(greedy, row, n);
            assertThat(token).isEqualTo(expected);
            c.accept(token);
        }
    }

    @Test
    void drawsFollowTheMaskedDistribution() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        int n = tokenizer.vocabulary().size();
        TokenConstraint c = Grammar.parse("root ::= [a-e]").constrain(tokenizer);
        float[] logits = randomLogits(n, new SplittableRandom(9));
        for (int t = 0; t < n; t++) {
            if (c.allows(t)) {
                logits[t] += 5; // most first draws pass, some are refused: both paths are taken
            }
        }
        float[] masked = logits.clone();
        c.apply(masked, n);
        double total = 0;
        double[] p = new double[n];
        for (int t = 0; t < n; t++) {
            p[t] = masked[t] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(masked[t]);
            total += p[t];
        }
        Sampler sampler = new Sampler(SamplingOptions.defaults().temperature(1f).topK(0).topP(1f).minP(0f).seed(1));
        int draws = 40_000;
        int[] counts = new int[n];
        for (int i = 0; i < draws; i++) {
            counts[c.sample(sampler, logits.clone(), n)]++;
        }
        for (int t = 0; t < n; t++) {
            double expected = p[t] / total;
            // four standard deviations of a binomial count, and never a refused token
            double tolerance = 4 * Math.sqrt(expected * (1 - expected) / draws) + 1e-9;
            assertThat((double) counts[t] / draws).as("token %d", t).isCloseTo(expected, org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    private static float[] randomLogits(int n, SplittableRandom random) {
        float[] logits = new float[n];
        for (int t = 0; t < n; t++) {
            logits[t] = (float) (random.nextDouble() * 6 - 3);
        }
        return logits;
    }
}
