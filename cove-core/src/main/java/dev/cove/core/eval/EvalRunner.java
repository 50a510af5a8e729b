package dev.cove.core.eval;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.chat.ChatPrompt;
import dev.cove.core.chat.ChatRenderer;
import dev.cove.core.chat.TemplateChatRenderer;
import dev.cove.core.eval.metric.Bleu;
import dev.cove.core.eval.metric.BleuMetric;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.sample.SamplingOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an eval suite against one model or several: each case's prompt (or conversation, in the
 * model's chat format) from a fresh cache, greedy unless a temperature and seed are given, so a
 * run is deterministic; then every check of the case. Model comparisons (KL divergence, top-1
 * agreement) need the base model the others are compared with.
 *
 * <p>The models may be shared with other threads; the run itself is single-threaded apart from
 * the models' own worker threads.
 */
public final class EvalRunner {

    /** A model under test and the name reports give it. */
    public record Candidate(String name, Model model) {
    }

    /** Receives progress after each case of each model. */
    @FunctionalInterface
    public interface Progress {
        void caseDone(int done, int total);

        Progress NONE = (d, t) -> { };
    }

    /**
     * @param maxTokens     tokens to generate for cases that set no {@code max_tokens}
     * @param temperature   0 for greedy decoding
     * @param seed          the sampler's seed when {@code temperature > 0} (each case starts from it)
     * @param contextLength the KV cache per case; 0 for the model's context, at most 4096
     */
    public record Options(int maxTokens, float temperature, long seed, int contextLength) {
        public Options {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("the default number of tokens to generate must be at least 1, not " + maxTokens);
            }
            if (!(temperature >= 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("the temperature must be 0 (greedy) or more, not " + temperature);
            }
            if (contextLength < 0) {
                throw new IllegalArgumentException("the context length must not be negative: " + contextLength);
            }
        }

        public static Options greedy(int maxTokens) {
            return new Options(maxTokens, 0f, 0, 0);
        }
    }

    private EvalRunner() {
    }

    /**
     * @param base the model the candidates are compared with by {@code kl} and {@code top1} checks; null when there are none
     * @throws EvalException when the suite has model comparisons but no base, or the base cannot be compared
     */
    public static EvalReport run(EvalSuite suite, List<Candidate> candidates, Model base, Options options, Progress progress) {
        boolean comparisons = suite.cases().stream().flatMap(c -> c.checks().stream()).anyMatch(c -> c.comparison() != null);
        if (comparisons && base == null) {
            throw new EvalException(suite.name() + " has kl or top1 checks: they need the base model the others are compared"
                    + " with (--base)");
        }
        if (candidates.isEmpty()) {
            throw new EvalException("no model to evaluate");
        }
        int total = suite.cases().size() * candidates.size();
        int done = 0;
        List<EvalReport.ModelResult> results = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (comparisons && candidate.model().config().vocabularySize() != base.config().vocabularySize()) {
                throw new EvalException(candidate.name() + " cannot be compared with the base model: their vocabularies have "
                        + candidate.model().config().vocabularySize() + " and " + base.config().vocabularySize() + " tokens");
            }
            List<EvalReport.CaseResult> cases = new ArrayList<>();
            for (EvalCase c : suite.cases()) {
                cases.add(runCase(c, candidate.model(), base, options));
                progress.caseDone(++done, total);
            }
            results.add(new EvalReport.ModelResult(candidate.name(), cases, corpusBleu(cases)));
        }
        return new EvalReport(suite.name(), results);
    }

    private static EvalReport.CaseResult runCase(EvalCase c, Model model, Model base, Options options) {
        long start = System.nanoTime();
        String output = null;
        List<EvalReport.Score> scores = new ArrayList<>();
        try {
            ChatRenderer format = c.messages().isEmpty() ? null : TemplateChatRenderer.forModel(model);
            ChatPrompt chat = format == null ? null : format.renderPrompt(c.messages(), true);
            if (c.needsOutput()) {
                output = generate(c, model, format, chat, options);
            }
            double[] comparison = null; // mean KL, top-1 agreement
            for (Check check : c.checks()) {
                double score;
                if (check.text() != null) {
                    score = check.text().score(output);
                } else {
                    if (comparison == null) {
                        comparison = compare(c, model, base, chat, options);
                    }
                    score = check.comparison() == ModelComparison.KL ? comparison[0] : comparison[1];
                }
                scores.add(new EvalReport.Score(check, score));
            }
            return new EvalReport.CaseResult(c, output, scores, null, System.nanoTime() - start);
        } catch (CoveException | IllegalArgumentException e) {
            return new EvalReport.CaseResult(c, output, List.of(), e.getMessage(), System.nanoTime() - start);
        }
    }

    private static int context(Model model, Options options) {
        return options.contextLength() > 0 ? options.contextLength() : Math.min(model.config().contextLength(), 4096);
    }

    private static String generate(EvalCase c, Model model, ChatRenderer format, ChatPrompt chat, Options options) {
        List<String> stops = new ArrayList<>(c.stop());
        if (format != null) {
            stops.addAll(format.stopStrings());
        }
        SamplingOptions sampling = options.temperature() > 0
                ? SamplingOptions.defaults().temperature(options.temperature()).seed(options.seed())
                : SamplingOptions.greedy();
        GenerationOptions g = GenerationOptions.defaults()
                .sampling(sampling)
                .contextLength(context(model, options))
                .maxTokens(c.maxTokens() > 0 ? c.maxTokens() : options.maxTokens())
                .stopStrings(stops);
        Session session = model.newSession(g);
        GenerationResult r = chat == null ? session.generate(c.prompt(), t -> { }) : session.generate(chat, t -> { });
        return r.text();
    }

    /**
     * Feeds the prompt and the first expected answer to both models and compares their next-token
     * distributions where they predict the answer: {mean KL(base || model), top-1 agreement}.
     */
    private static double[] compare(EvalCase c, Model model, Model base, ChatPrompt chat, Options options) {
        int[] prompt;
        int[] all;
        String answer = c.expected().get(0);
        if (chat == null) {
            prompt = base.tokenizer().encode(c.prompt(), true, false);
            // Encoded together, as the answer continues the text; where a token spans the seam, scoring starts before it.
            all = base.tokenizer().encode(c.prompt() + answer, true, false);
        } else {
            prompt = chat.tokenize(base.tokenizer(), true);
            int[] tail = base.tokenizer().encode(answer, false, false);
            all = new int[prompt.length + tail.length];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(tail, 0, all, prompt.length, tail.length);
        }
        int first = 0;
        while (first < prompt.length && first < all.length && prompt[first] == all[first]) {
            first++;
        }
        first = Math.max(first, 1);
        if (first >= all.length) {
            throw new EvalException("the expected answer adds no tokens to the prompt: nothing to compare");
        }
        int context = context(base, options);
        if (all.length > context) {
            throw new EvalException("the prompt and expected answer are " + all.length + " tokens but the context holds "
                    + context);
        }
        int vocab = base.config().vocabularySize();
        Transformer fb = base.forwardPass();
        Transformer fm = model.forwardPass();
        ForwardState sb = fb.newState(all.length);
        ForwardState sm = fm.newState(all.length);
        double[] logpBase = new double[vocab];
        double[] logpModel = new double[vocab];
        double klSum = 0;
        int same = 0;
        int n = 0;
        for (int pos = 0; pos < all.length - 1; pos++) {
            boolean scored = pos >= first - 1;
            fb.forward(sb, all[pos], pos, scored);
            fm.forward(sm, all[pos], pos, scored);
            if (!scored) {
                continue;
            }
            int topBase = Perplexity.logSoftmax(sb.logits(), vocab, logpBase);
            int topModel = Perplexity.logSoftmax(sm.logits(), vocab, logpModel);
            double kl = 0;
            for (int i = 0; i < vocab; i++) {
                double lp = logpBase[i];
                if (lp > -700) {
                    kl += Math.exp(lp) * (lp - logpModel[i]);
                }
            }
            klSum += Math.max(kl, 0);
            same += topBase == topModel ? 1 : 0;
            n++;
        }
        return new double[] {klSum / n, (double) same / n};
    }

    /** Corpus BLEU per BLEU label over the cases that have it, as sacreBLEU's corpus_bleu with the same settings. */
    private static Map<String, Double> corpusBleu(List<EvalReport.CaseResult> cases) {
        Map<String, List<Bleu.Statistics>> stats = new LinkedHashMap<>();
        Map<String, Bleu> configs = new LinkedHashMap<>();
        for (EvalReport.CaseResult r : cases) {
            if (r.error() != null) {
                continue;
            }
            for (Check check : r.evalCase().checks()) {
                if (check.text() instanceof BleuMetric b) {
                    stats.computeIfAbsent(check.label(), k -> new ArrayList<>()).add(b.statistics(r.output()));
                    configs.putIfAbsent(check.label(), b.bleu().effectiveOrder(false));
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        stats.forEach((label, s) -> out.put(label, configs.get(label).score(s).score()));
        return out;
    }
}
