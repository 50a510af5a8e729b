package dev.cove.core.generate.speculative;

import dev.cove.core.sample.Sampler;
import java.util.SplittableRandom;

/**
 * Decides each drafted token against the target model's logits at its position. Greedy: the
 * drafted token stands when it is the target's pick (the argmax after bias and penalties, what
 * the sampler returns). Sampling: speculative sampling (Leviathan et al. 2023; Chen et al. 2023),
 * with p the distribution the session's {@link Sampler} draws from and q the draft's: the drafted
 * token x is kept with probability min(1, p(x) / q(x)); otherwise the token is drawn from
 * norm(max(0, p - q)), and the draft ends there. For prompt lookup q is a point mass on x, so x is
 * kept with probability p(x) and otherwise replaced by a draw from p without x. Either way each
 * token has exactly the distribution plain sampling gives it. Belongs to one session.
 */
public final class DraftVerifier {
    private final Sampler sampler;
    private final int vocabularySize;
    private final long seed;
    private final float[] p;
    private SplittableRandom random;

    public DraftVerifier(Sampler sampler, int vocabularySize) {
        this.sampler = sampler;
        this.vocabularySize = vocabularySize;
        this.seed = sampler.seed() ^ 0x2545F4914F6CDD1DL;
        this.p = sampler.options().isGreedy() ? null : new float[vocabularySize];
        this.random = new SplittableRandom(seed);
    }

    /** Restarts the random draws, as {@link Sampler#reset} restarts the sampler's. */
    public void reset() {
        random = new SplittableRandom(seed);
    }

    /**
     * The token at the position whose target logits are {@code logits[0 .. vocabularySize)},
     * {@code drafted} having been proposed there with distribution {@code q} (null: a point mass):
     * {@code drafted} itself when it is accepted. Records nothing in the sampler.
     */
    public int decide(float[] logits, int drafted, float[] q) {
        if (p == null) {
            return sampler.sample(logits, vocabularySize);
        }
        sampler.probabilities(logits, vocabularySize, p);
        float px = p[drafted];
        float qx = q == null ? 1f : q[drafted];
        if (px >= qx || random.nextDouble() * qx < px) {
            return drafted;
        }
        // The residual norm(max(0, p - q)): where the target wants more than the draft offered.
        double residual = 0;
        if (q == null) {
            p[drafted] = 0f;
            residual = 1 - px;
        } else {
            for (int i = 0; i < vocabularySize; i++) {
                float r = p[i] - q[i];
                p[i] = r > 0f ? r : 0f;
                residual += p[i];
            }
        }
        if (!(residual > 0)) {
            sampler.probabilities(logits, vocabularySize, p); // p == q up to rounding: p itself is the residual's limit
        }
        return Distributions.draw(p, vocabularySize, random.nextDouble());
    }
}
