package dev.cove.cli;

import dev.cove.core.Model;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.Session;
import dev.cove.core.generate.speculative.Speculation;
import dev.cove.core.sample.SamplingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code cove bench --lookup N} or {@code --model-draft MODEL}: greedy generation of {@code -n}
 * tokens from a real prompt, plain and speculative alternately in one process (so both meet the
 * same host speed), each from a fresh session so the prompt is evaluated anew. Reports generation
 * tokens per second of both (time to first token excluded, as {@link GenerationResult} counts it),
 * the speed-up, the fraction of drafted tokens kept, and whether the two outputs were identical.
 */
final class SpeculationBench {
    private SpeculationBench() {
    }

    /** What one sitting measured. */
    record Result(String method, int generated, double[] plain, double[] speculative, double acceptance,
                  int drafted, boolean identical) {
        double speedUp() {
            return BenchReport.mean(speculative) / BenchReport.mean(plain);
        }

        String toTable() {
            return String.format(Locale.ROOT, "%-16s %16s   plain greedy%n%-16s %16s   %s: %.2fx, drafts kept %.1f%% of %d,"
                            + " output %s%n", "tg" + generated, BenchReport.meanStd(plain), "tg" + generated + " spec",
                    BenchReport.meanStd(speculative), method, speedUp(), 100 * acceptance, drafted,
                    identical ? "identical" : "DIFFERENT");
        }

        String toJson() {
            return String.format(Locale.ROOT, "{\"method\": \"%s\", \"n_gen\": %d, \"plain_tps\": %.3f, \"speculative_tps\": %.3f,"
                            + " \"speed_up\": %.4f, \"acceptance\": %.4f, \"drafted\": %d, \"identical\": %b}", method, generated,
                    BenchReport.mean(plain), BenchReport.mean(speculative), speedUp(), acceptance, drafted, identical);
        }
    }

    static Result run(Model model, Speculation speculation, String prompt, int count, int repetitions) {
        int[] tokens = model.tokenizer().encode(prompt, true, false);
        int context = Math.min(model.config().contextLength(), tokens.length + count + 1);
        if (tokens.length + 1 >= context) {
            throw new IllegalArgumentException("the prompt is " + tokens.length + " tokens: no room for -n " + count
                    + " in the model's context of " + model.config().contextLength());
        }
        GenerationOptions plain = GenerationOptions.defaults().sampling(SamplingOptions.greedy()).maxTokens(count)
                .contextLength(context);
        GenerationOptions fast = plain.speculation(speculation);
        generate(model, plain, tokens); // warm-up of both paths
        generate(model, fast, tokens);
        double[] plainSpeed = new double[repetitions];
        double[] fastSpeed = new double[repetitions];
        List<String> outputs = new ArrayList<>();
        int drafted = 0;
        int kept = 0;
        for (int r = 0; r < repetitions; r++) {
            GenerationResult a = generate(model, plain, tokens);
            GenerationResult b = generate(model, fast, tokens);
            plainSpeed[r] = a.generationTokensPerSecond();
            fastSpeed[r] = b.generationTokensPerSecond();
            outputs.add(a.text());
            outputs.add(b.text());
            drafted += b.draftedTokens();
            kept += b.acceptedDraftTokens();
        }
        boolean identical = outputs.stream().distinct().count() == 1;
        String method = speculation instanceof Speculation.PromptLookup p ? "lookup " + p.maxDraft()
                : "draft model, " + speculation.maxDraft() + " per step";
        return new Result(method, count, plainSpeed, fastSpeed, drafted == 0 ? 0 : (double) kept / drafted,
                drafted / repetitions, identical);
    }

    private static GenerationResult generate(Model model, GenerationOptions options, int[] prompt) {
        Session s = model.newSession(options);
        return s.generate(prompt, t -> { });
    }
}
