package dev.cove.core.sample;

import java.util.Arrays;

/**
 * The log-probability of a sampled token under the model's distribution for that step (the
 * softmax of the logits as the model gave them, after any grammar mask, before temperature and
 * the other sampling steps), and the most likely tokens with theirs: what OpenAI's
 * {@code logprobs} / {@code top_logprobs} report.
 *
 * @param token        the sampled token
 * @param logprob      its natural-log probability
 * @param topTokens    the most likely tokens, most likely first
 * @param topLogprobs  their log-probabilities
 */
public record TokenLogprobs(int token, float logprob, int[] topTokens, float[] topLogprobs) {
    /** The most {@code top} alternatives OpenAI allows. */
    public static final int MAX_TOP = 20;

    /**
     * Computes the record for {@code token} from {@code logits[0 .. vocabSize)} (left unchanged),
     * with the {@code top} most likely tokens (0 to {@value #MAX_TOP}).
     */
    public static TokenLogprobs of(float[] logits, int vocabSize, int token, int top) {
        if (top < 0 || top > MAX_TOP) {
            throw new IllegalArgumentException("top must be 0 to " + MAX_TOP + ": " + top);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            if (logits[i] > max) {
                max = logits[i];
            }
        }
        double sum = 0;
        for (int i = 0; i < vocabSize; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                sum += Math.exp(logits[i] - max);
            }
        }
        float logZ = (float) (max + Math.log(sum));
        // A small insertion-sorted list of the best: top is at most 20.
        int[] ids = new int[top];
        float[] values = new float[top];
        int n = 0;
        for (int i = 0; i < vocabSize && top > 0; i++) {
            float v = logits[i];
            if (v == Float.NEGATIVE_INFINITY || n == top && v <= values[n - 1]) {
                continue;
            }
            int at = n < top ? n++ : n - 1;
            while (at > 0 && values[at - 1] < v) {
                ids[at] = ids[at - 1];
                values[at] = values[at - 1];
                at--;
            }
            ids[at] = i;
            values[at] = v;
        }
        float[] topLogprobs = new float[n];
        for (int k = 0; k < n; k++) {
            topLogprobs[k] = values[k] - logZ;
        }
        return new TokenLogprobs(token, logits[token] - logZ, Arrays.copyOf(ids, n), topLogprobs);
    }
}
