package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.eval.Perplexity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove perplexity MODEL TEXT [-c CTX] [--base SOURCE.gguf]}: llama-perplexity's measure, and KL divergence against a source. */
@Command(name = "perplexity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Perplexity of MODEL on a text file, computed as llama.cpp's llama-perplexity does: non-overlapping windows"
                    + " of CTX tokens, each starting with BOS, the second half of each window scored.",
            "With --base, also the KL divergence of MODEL's next-token distribution from the base model's and how often"
                    + " they agree on the most likely token: the usual measure of a quantization's damage."})
public final class PerplexityCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model: a store name or a GGUF file (encrypted ones too).")
    String model;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The text file (UTF-8).")
    Path text;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "Tokens per window (default: the model's context length, at most 512).")
    int contextLength;

    @Option(names = "--chunks", paramLabel = "N", description = "Evaluate at most N windows (default: all).")
    int chunks;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: available processors).")
    Integer threads;

    @Option(names = {"--base", "--kl-divergence-base"}, paramLabel = "SOURCE.gguf",
            description = "Compare with this model (the unquantized source; a store name or a GGUF file): KL divergence"
                    + " and top-1 agreement.")
    String base;

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (CoveException | IllegalArgumentException e) {
            err.println();
            err.println("cove: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException {
        if (!Files.isRegularFile(text)) {
            throw new CoveException(text + ": no such text file");
        }
        if (contextLength < 0 || chunks < 0) {
            throw new IllegalArgumentException("--ctx-size and --chunks must not be negative");
        }
        int t = threads != null ? threads : dev.cove.core.kernel.WorkerPool.physicalCores();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        String content = Files.readString(text, StandardCharsets.UTF_8);
        boolean talk = !Notices.quiet();
        try (Model m = SecureCli.load(model, t, null)) {
            int ctx = contextLength > 0 ? contextLength : Math.min(512, m.config().contextLength());
            if (ctx > m.config().contextLength() && talk) {
                err.printf(Locale.ROOT, "cove: warning: the context %d is longer than the model was trained for (%d)%n", ctx,
                        m.config().contextLength());
            }
            long start = System.nanoTime();
            int[] tokens = Perplexity.tokenize(m, content);
            Perplexity.Options opts = Perplexity.Options.context(ctx).withMaxWindows(chunks)
                    .withProgress((done, total, ppl) -> {
                        if (talk) {
                            err.printf(Locale.ROOT, "[%d]%.4f,", done, ppl);
                            err.flush();
                        }
                    });
            // The plan the evaluation itself uses: what is announced is what runs (or the refusal comes first).
            Perplexity.Plan plan = Perplexity.plan(tokens.length, opts);
            if (talk) {
                err.printf(Locale.ROOT, "cove: %d tokens; %d windows of %d tokens, %d scored per window%n", tokens.length,
                        plan.windows(), plan.contextLength(), plan.scoredPerWindow());
            }
            if (base == null) {
                Perplexity.Result r = Perplexity.compute(m, tokens, opts);
                if (talk) {
                    err.println();
                }
                out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", r.perplexity(), r.error());
                out.printf(Locale.ROOT, "  %d windows of %d tokens, %d tokens scored, %.1f s%n", r.windows(), r.contextLength(),
                        r.scored(), (System.nanoTime() - start) / 1e9);
                return 0;
            }
            try (Model b = SecureCli.load(base, t, null)) {
                Perplexity.Comparison c = Perplexity.compare(b, m, tokens, opts);
                if (talk) {
                    err.println();
                }
                out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", c.model().perplexity(), c.model().error());
                out.printf(Locale.ROOT, "Base PPL       : %.4f +/- %.5f%n", c.base().perplexity(), c.base().error());
                out.printf(Locale.ROOT, "Mean ln(PPL(Q)/PPL(base)): %.6f%n", c.meanLogPerplexityRatio());
                out.printf(Locale.ROOT, "Mean KLD       : %.6f +/- %.6f (max %.6f)%n", c.meanKl(), c.klError(), c.maxKl());
                out.printf(Locale.ROOT, "Same top p     : %.3f +/- %.3f %%%n", 100 * c.top1(), 100 * c.top1Error());
                out.printf(Locale.ROOT, "  %d windows of %d tokens, %d tokens scored, %.1f s%n", c.model().windows(),
                        c.model().contextLength(), c.model().scored(), (System.nanoTime() - start) / 1e9);
                return 0;
            }
        }
    }
}
