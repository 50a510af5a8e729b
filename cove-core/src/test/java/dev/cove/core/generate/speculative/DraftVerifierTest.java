package dev.cove.core.generate.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.sample.Sampler;
import dev.cove.core.sample.SamplingOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One verification step against the exact target distribution: whatever was drafted, and from
 * whatever draft distribution, the token {@link DraftVerifier#decide} returns is distributed as p,
 * the distribution the session's sampler draws from (here with top-k, top-p, min-p, temperature,
 * a logit bias and a repetition penalty).
 */
class DraftVerifierTest {
    private static final int VOCAB = 40;
    private static final int DRAWS = 200_000;

    private static float[] logits(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            x[i] = (float) (r.nextGaussian() * 1.5);
        }
        return x;
    }

    private static Sampler sampler() {
        Sampler s = new Sampler(SamplingOptions.defaults().temperature(0.9f).topK(12).topP(0.9f).minP(0.02f)
                .repeatPenalty(1.2f).logitBias(3, 1.5f).seed(7));
        for (int t : new int[] {1, 2, 3, 5, 8}) {
            s.accept(t);
        }
        return s;
    }

    /** Total variation distance between the verifier's output frequencies and p, for a draft from q (null: point mass). */
    private static double distance(float[] logits, int drafted, float[] q, float[] p) {
        DraftVerifier verifier = new DraftVerifier(sampler(), VOCAB);
        int[] counts = new int[VOCAB];
        SplittableRandom draftRandom = new SplittableRandom(11);
        for (int i = 0; i < DRAWS; i++) {
            int x = q == null ? drafted : Distributions.draw(q, VOCAB, draftRandom.nextDouble());
            counts[verifier.decide(logits, x, q)]++;
        }
        double tv = 0;
        for (int i = 0; i < VOCAB; i++) {
            tv += Math.abs(counts[i] / (double) DRAWS - p[i]);
        }
        return tv / 2;
    }

    @Test
    void pointMassDraftsComeOutDistributedAsTheTarget() {
        float[] logits = logits(1);
        float[] p = new float[VOCAB];
        sampler().probabilities(logits, VOCAB, p);
        int likely = 0;
        int unlikely = 0;
        int dropped = 0;
        for (int i = 0; i < VOCAB; i++) {
            likely = p[i] > p[likely] ? i : likely;
            dropped = p[i] == 0 ? i : dropped;
            unlikely = p[i] > 0 && (p[unlikely] == 0 || p[i] < p[unlikely]) ? i : unlikely;
        }
        assertThat(p[dropped]).isZero();
        for (int drafted : new int[] {likely, unlikely, dropped}) {
            // 200 000 draws: an exact sampler lands within about 0.004 of p
            assertThat(distance(logits, drafted, null, p)).as("drafted %d", drafted).isLessThan(0.01);
        }
    }

    @Test
    void draftsFromAnotherDistributionComeOutDistributedAsTheTarget() {
        float[] logits = logits(2);
        float[] p = new float[VOCAB];
        sampler().probabilities(logits, VOCAB, p);
        float[] q = new float[VOCAB];
        Sampler other = new Sampler(SamplingOptions.defaults().temperature(1.5f).topK(0).topP(1f).minP(0f));
        other.probabilities(logits(3), VOCAB, q);
        assertThat(distance(logits, -1, q, p)).isLessThan(0.01);
        // The draft's own distribution would be far off: the test can tell them apart.
        double qFromP = 0;
        for (int i = 0; i < VOCAB; i++) {
            qFromP += Math.abs(q[i] - p[i]) / 2;
        }
        assertThat(qFromP).isGreaterThan(0.3);
    }

    @Test
    void probabilitiesAreWhatTheSamplerDraws() {
        float[] logits = logits(4);
        float[] p = new float[VOCAB];
        sampler().probabilities(logits, VOCAB, p);
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        Sampler s = sampler();
        int[] counts = new int[VOCAB];
        for (int i = 0; i < DRAWS; i++) {
            counts[s.sample(logits, VOCAB)]++;
        }
        double tv = 0;
        for (int i = 0; i < VOCAB; i++) {
            tv += Math.abs(counts[i] / (double) DRAWS - p[i]) / 2;
        }
        assertThat(tv).isLessThan(0.01);
        Sampler greedy = new Sampler(SamplingOptions.greedy());
        greedy.probabilities(logits, VOCAB, p);
        assertThat(p[greedy.sample(logits, VOCAB)]).isEqualTo(1f);
    }
}
