package dev.cove.core.eval;

import dev.cove.core.Model;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.tokenizer.Vocabulary;

/**
 * Perplexity of a model on a text, measured as {@code llama-perplexity} measures it, and the
 * damage a quantization does, measured as {@code llama-perplexity --kl-divergence} does.
 *
 * <p>The method (llama.cpp's {@code tools/perplexity/perplexity.cpp}): the text is tokenized
 * with the model's special tokens (BOS for most models); the tokens are cut into
 * {@code floor(n / ctx)} non-overlapping windows of {@code ctx} tokens (the rest is not used);
 * each window is evaluated from an empty cache with its first token replaced by BOS when the
 * model adds one, and only the second half is scored: the logits at positions
 * {@code ctx/2 .. ctx-2} predict the tokens at {@code ctx/2+1 .. ctx-1}, so every scored token
 * has at least {@code ctx/2} tokens of context. Perplexity is {@code exp} of the mean negative
 * log-likelihood; its error is the standard error propagated through {@code exp}, as llama.cpp
 * prints it.
 *
 * <p>Differences from llama.cpp, deliberate: logits are computed with float activations (llama.cpp
 * quantizes activations to 8 bits inside quantized matrix products), log-softmax sums are in
 * double, and the KL divergence uses the base model's exact probabilities (llama.cpp stores
 * them as 16-bit log-probabilities and ignores those below e^-16). The numbers agree to the
 * precision anyone reads them at.
 *
 * <p>Runs the plain per-token forward pass; a {@link Model} may be shared, the call is
 * single-threaded apart from the model's own worker threads.
 */
public final class Perplexity {

    /** Receives progress after each window. */
    @FunctionalInterface
    public interface Progress {
        void window(int done, int windows, double perplexitySoFar);

        Progress NONE = (d, w, p) -> { };
    }

    /**
     * @param contextLength tokens per window ({@code -c}); even, at least 4
     * @param maxWindows    evaluate at most this many windows ({@code --chunks}); 0 for all
     */
    public record Options(int contextLength, int maxWindows, Progress progress) {
        public Options {
            if (contextLength < 4) {
                throw new IllegalArgumentException("the context must be at least 4 tokens, not " + contextLength);
            }
            if (maxWindows < 0) {
                throw new IllegalArgumentException("the number of windows cannot be negative: " + maxWindows);
            }
            if (progress == null) {
                progress = Progress.NONE;
            }
        }

        public static Options context(int contextLength) {
            return new Options(contextLength, 0, null);
        }

        public Options withMaxWindows(int n) {
            return new Options(contextLength, n, progress);
        }

        public Options withProgress(Progress p) {
            return new Options(contextLength, maxWindows, p);
        }
    }

    /**
     * The perplexity of one model.
     *
     * @param perplexity    exp(mean negative log-likelihood)
     * @param error         its standard error (llama.cpp's "+/-")
     * @param meanNll       mean negative log-likelihood per scored token, in nats
     * @param windows       windows evaluated
     * @param contextLength tokens per window
     * @param scored        tokens scored: {@code windows * (ctx - ctx/2 - 1)}
     * @param textTokens    tokens of the whole text
     */
    public record Result(double perplexity, double error, double meanNll, int windows, int contextLength, long scored,
                         int textTokens) {
    }

    /**
     * A model against its source on the same windows.
     *
     * @param base       the source's perplexity
     * @param model      the compared model's perplexity
     * @param meanKl     mean over scored tokens of KL(base || model), in nats
     * @param klError    its standard error
     * @param maxKl      the largest per-token KL divergence
     * @param top1       fraction of scored tokens where both models' most likely next token is the same
     * @param top1Error  its standard error
     */
    public record Comparison(Result base, Result model, double meanKl, double klError, double maxKl, double top1,
                             double top1Error) {
        /** mean ln(PPL(model)/PPL(base)). */
        public double meanLogPerplexityRatio() {
            return model.meanNll() - base.meanNll();
        }
    }

    private Perplexity() {
    }

    /** The tokens llama-perplexity evaluates: the text with the special tokens the model adds, special-token text not parsed. */
    public static int[] tokenize(Model model, String text) {
        return model.tokenizer().encode(text, true, false);
    }

    /** The perplexity of {@code model} on {@code tokens}. */
    public static Result compute(Model model, int[] tokens, Options options) {
        Windows w = windows(model, tokens, options);
        Transformer forward = model.forwardPass();
        ForwardState state = forward.newState(w.ctx);
        int vocab = model.config().vocabularySize();
        Accumulator acc = new Accumulator();
        for (int window = 0; window < w.count; window++) {
            int start = window * w.ctx;
            for (int pos = 0; pos < w.ctx - 1; pos++) {
                boolean scored = pos >= w.first;
                forward.forward(state, w.token(tokens, start, pos), pos, scored);
                if (scored) {
                    acc.addNll(negativeLogLikelihood(state.logits(), vocab, tokens[start + pos + 1]));
                }
            }
            options.progress().window(window + 1, w.count, Math.exp(acc.nll / acc.count));
        }
        return acc.result(w, tokens.length);
    }

    /**
     * Evaluates {@code base} and {@code model} token by token on the same windows: both perplexities,
     * the KL divergence of {@code model}'s next-token distribution from {@code base}'s, and how often
     * their most likely tokens agree. The models must share a vocabulary.
     */
    public static Comparison compare(Model base, Model model, int[] tokens, Options options) {
        int vocab = base.config().vocabularySize();
        if (model.config().vocabularySize() != vocab) {
            throw new EvalException("the models cannot be compared: their vocabularies have " + vocab + " and "
                    + model.config().vocabularySize() + " tokens");
        }
        Windows w = windows(base, tokens, options);
        Transformer fb = base.forwardPass();
        Transformer fm = model.forwardPass();
        ForwardState sb = fb.newState(w.ctx);
        ForwardState sm = fm.newState(w.ctx);
        double[] logpBase = new double[vocab];
        double[] logpModel = new double[vocab];
        Accumulator accBase = new Accumulator();
        Accumulator accModel = new Accumulator();
        double klSum = 0;
        double klSq = 0;
        double klMax = 0;
        long same = 0;
        for (int window = 0; window < w.count; window++) {
            int start = window * w.ctx;
            for (int pos = 0; pos < w.ctx - 1; pos++) {
                boolean scored = pos >= w.first;
                int token = w.token(tokens, start, pos);
                fb.forward(sb, token, pos, scored);
                fm.forward(sm, token, pos, scored);
                if (!scored) {
                    continue;
                }
                int topBase = logSoftmax(sb.logits(), vocab, logpBase);
                int topModel = logSoftmax(sm.logits(), vocab, logpModel);
                int next = tokens[start + pos + 1];
                accBase.addNll(-logpBase[next]);
                accModel.addNll(-logpModel[next]);
                double kl = 0;
                for (int i = 0; i < vocab; i++) {
                    double lp = logpBase[i];
                    if (lp > -700) {
                        kl += Math.exp(lp) * (lp - logpModel[i]);
                    }
                }
                kl = Math.max(kl, 0);
                klSum += kl;
                klSq += kl * kl;
                klMax = Math.max(klMax, kl);
                if (topBase == topModel) {
                    same++;
                }
            }
            options.progress().window(window + 1, w.count, Math.exp(accModel.nll / accModel.count));
        }
        long n = accBase.count;
        double meanKl = klSum / n;
        double klError = n > 1 ? Math.sqrt(Math.max(0, klSq / n - meanKl * meanKl) / (n - 1)) : 0;
        double top1 = (double) same / n;
        double top1Error = n > 1 ? Math.sqrt(top1 * (1 - top1) / (n - 1)) : 0;
        return new Comparison(accBase.result(w, tokens.length), accModel.result(w, tokens.length), meanKl, klError, klMax,
                top1, top1Error);
    }

    /** The windows of a text: their size and count, the first scored position, and the BOS rule. */
    private record Windows(int ctx, int count, int first, int bos) {
        int token(int[] tokens, int start, int pos) {
            return pos == 0 && bos >= 0 ? bos : tokens[start + pos];
        }
    }

    /**
     * What an evaluation of {@code textTokens} tokens will do: the one place that counts windows,
     * so what a tool announces is what {@link #compute} and {@link #compare} then run.
     *
     * @param contextLength     tokens per window
     * @param windows           windows to evaluate
     * @param scoredPerWindow   tokens scored in each window ({@code ctx - ctx/2 - 1})
     */
    public record Plan(int contextLength, int windows, int scoredPerWindow) {
    }

    /**
     * The windows a text of {@code textTokens} tokens is cut into under {@code options}.
     *
     * @throws EvalException when the text is shorter than two windows (as llama-perplexity requires)
     */
    public static Plan plan(int textTokens, Options options) {
        int ctx = options.contextLength();
        if (textTokens < 2 * ctx) {
            throw new EvalException("the text has " + textTokens + " tokens; a context of " + ctx + " needs at least "
                    + 2 * ctx + " (two windows): use a longer text or a smaller context (-c)");
        }
        int count = textTokens / ctx;
        if (options.maxWindows() > 0) {
            count = Math.min(count, options.maxWindows());
        }
        return new Plan(ctx, count, ctx - ctx / 2 - 1);
    }

    private static Windows windows(Model model, int[] tokens, Options options) {
        Plan plan = plan(tokens.length, options);
        Vocabulary v = model.tokenizer().vocabulary();
        int bos = v.addBos() && v.bos() != Vocabulary.NONE ? v.bos() : -1;
        return new Windows(plan.contextLength(), plan.windows(), plan.contextLength() / 2, bos);
    }

    /** -log softmax(logits)[token], computed stably in double. */
    static double negativeLogLikelihood(float[] logits, int vocab, int token) {
        float max = logits[0];
        for (int i = 1; i < vocab; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp((double) logits[i] - max);
        }
        return Math.log(sum) - ((double) logits[token] - max);
    }

    /** Writes log softmax(logits) into {@code out} and returns the index of the largest logit (the first, on ties). */
    static int logSoftmax(float[] logits, int vocab, double[] out) {
        int top = 0;
        float max = logits[0];
        for (int i = 1; i < vocab; i++) {
            if (logits[i] > max) {
                max = logits[i];
                top = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp((double) logits[i] - max);
        }
        double logSum = Math.log(sum);
        for (int i = 0; i < vocab; i++) {
            out[i] = (double) logits[i] - max - logSum;
        }
        return top;
    }

    /** Sums of the negative log-likelihoods, llama.cpp's nll and nll2. */
    private static final class Accumulator {
        double nll;
        double nll2;
        long count;

        void addNll(double v) {
            nll += v;
            nll2 += v * v;
            count++;
        }

        Result result(Windows w, int textTokens) {
            double mean = nll / count;
            double ppl = Math.exp(mean);
            double variance = nll2 / count - mean * mean;
            double error = variance > 0 && count > 1 ? Math.sqrt(variance / (count - 1)) * ppl : 0;
            return new Result(ppl, error, mean, w.count, w.ctx, count, textTokens);
        }
    }
}
