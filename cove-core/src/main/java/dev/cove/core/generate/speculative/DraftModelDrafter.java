package dev.cove.core.generate.speculative;

import dev.cove.core.Model;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.sample.Sampler;
import dev.cove.core.sample.SamplingOptions;
import java.util.SplittableRandom;

/**
 * Drafting with a small model of the same vocabulary: it keeps its own KV cache of the context,
 * brings it up to date at each draft (the longest common prefix is kept, the rest evaluated in one
 * batch; positions past a rejected draft are simply written again) and generates up to
 * {@code maxDraft} tokens one at a time. Greedy sessions draft the draft model's argmax; sampling
 * sessions draw each token from the draft model's distribution under the session's sampling options
 * (penalties left out: they need the history, and any known distribution keeps rejection sampling
 * exact) and report it for the acceptance test.
 */
public final class DraftModelDrafter implements Drafter {
    private final Transformer draft;
    private final ForwardState state;
    private final int maxDraft;
    private final int vocabularySize;
    private final int[] cached;
    private int cachedLength;
    private final Sampler sampler;
    private final boolean greedy;
    private final SplittableRandom random;
    private final float[][] distributions;

    /**
     * @param draftModel    the draft model; its vocabulary must be the target's ({@link Speculation#draftModel} checks)
     * @param contextLength positions of the session, which the draft's cache matches
     * @param sampling      the session's sampling options
     * @param seed          seeds the draws of a sampling session
     */
    DraftModelDrafter(Model draftModel, int maxDraft, int contextLength, SamplingOptions sampling, long seed) {
        if (maxDraft < 1) {
            throw new IllegalArgumentException("a draft has at least 1 token, not " + maxDraft);
        }
        this.draft = draftModel.forwardPass();
        this.state = draft.newState(contextLength);
        this.maxDraft = maxDraft;
        this.vocabularySize = draftModel.config().vocabularySize();
        this.cached = new int[contextLength];
        this.greedy = sampling.isGreedy();
        this.sampler = new Sampler(sampling.repeatLastN(0).seed(seed));
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.distributions = greedy ? null : new float[maxDraft][vocabularySize];
    }

    @Override
    public int maxDraft() {
        return maxDraft;
    }

    @Override
    public void reset() {
        cachedLength = 0;
    }

    @Override
    public int draft(int[] context, int length, int max, int[] out) {
        int limit = Math.min(Math.min(max, maxDraft), state.contextLength() - length);
        if (limit <= 0 || length == 0) {
            return 0;
        }
        catchUp(context, length);
        int position = length;
        for (int i = 0; i < limit; i++) {
            int token = pick(i);
            out[i] = token;
            if (i + 1 < limit) {
                draft.forward(state, token, position, true);
                cached[position++] = token;
                cachedLength = position;
            }
        }
        return limit;
    }

    @Override
    public float[] distribution(int i) {
        return distributions == null ? null : distributions[i];
    }

    /** Evaluates what of the context the draft's cache lacks, leaving the logits after its last token. */
    private void catchUp(int[] context, int length) {
        int common = 0;
        int limit = Math.min(cachedLength, length);
        while (common < limit && cached[common] == context[common]) {
            common++;
        }
        if (common == length) {
            common--; // fresh logits after the last token
        }
        int fresh = length - common;
        if (fresh == 1) {
            draft.forward(state, context[common], common, true);
        } else {
            draft.forwardBatch(state, context, common, fresh, common, true);
        }
        System.arraycopy(context, common, cached, common, fresh);
        cachedLength = length;
    }

    private int pick(int i) {
        float[] logits = state.logits();
        if (greedy) {
            return sampler.sample(logits, vocabularySize);
        }
        float[] q = distributions[i];
        sampler.probabilities(logits, vocabularySize, q);
        return Distributions.draw(q, vocabularySize, random.nextDouble());
    }
}
