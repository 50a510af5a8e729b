package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.grammar.TokenConstraint;
import dev.cove.core.kernel.Kernels;
import dev.cove.core.kernel.MemoryBandwidth;
import dev.cove.core.kernel.WorkerPool;
import dev.cove.core.model.ForwardState;
import dev.cove.core.model.Transformer;
import dev.cove.core.sample.Sampler;
import dev.cove.core.sample.SamplingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cove bench}: prompt processing and generation speed with llama-bench's meaning. {@code pp}
 * feeds a prompt of N tokens to an empty cache as one batch; {@code tg} generates N tokens one at a
 * time from an empty cache (greedy, so no sampling cost to speak of). Each test runs once to warm
 * up, then {@code -r} times; the table shows mean ± standard deviation in tokens per second. Also:
 * load time, time to first token (prompt plus the first generated token), peak resident memory
 * (VmHWM), and generation speed as a fraction of the memory-bandwidth roofline: the machine's read
 * bandwidth, measured before loading with a streaming read by the same threads, divided by the
 * bytes of weights each generated token reads.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt processing and generation speed (llama-bench style).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, description = "The model: a GGUF file.")
    Path model;

    @Option(names = {"-p", "--n-prompt"}, description = "Prompt tokens for the pp test; 0 skips it (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    int promptTokens;

    @Option(names = {"-n", "--n-gen"}, description = "Generated tokens for the tg test; 0 skips it (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int genTokens;

    @Option(names = {"-t", "--threads"}, description = "Threads (default: physical cores).")
    Integer threads;

    @Option(names = {"-r", "--repetitions"}, description = "Measured repetitions of each test (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int repetitions;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    GrammarMixin grammar = new GrammarMixin();

    @Option(names = "--no-bandwidth", description = "Skip the memory bandwidth measurement.")
    boolean noBandwidth;

    @Override
    public Integer call() {
        if (!Files.exists(model)) {
            throw new CoveException(model + ": no such model file");
        }
        if (promptTokens < 0 || genTokens < 0 || repetitions < 1) {
            throw new IllegalArgumentException("-p and -n must not be negative and -r must be at least 1");
        }
        int t = threads != null ? threads : WorkerPool.physicalCores();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        double bandwidth = 0;
        if (!noBandwidth) {
            try (WorkerPool pool = new WorkerPool(t)) {
                bandwidth = MemoryBandwidth.measure(pool, Kernels.get(), 256L << 20, 5);
            }
        }
        Grammar constraintGrammar = grammar.load();
        long loadStart = System.nanoTime();
        try (Model m = SecureCli.load(model.toString(), t, null)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            Transformer transformer = m.forwardPass();
            int vocab = m.config().vocabularySize();
            int context = Math.max(1, promptTokens + genTokens + 1);
            ForwardState state = transformer.newState(context);
            int[] prompt = promptTokens(promptTokens, vocab);

            double[] pp = new double[repetitions];
            double[] ttft = new double[repetitions];
            if (promptTokens > 0) {
                runPrompt(transformer, state, prompt); // warm-up
                for (int r = 0; r < repetitions; r++) {
                    long start = System.nanoTime();
                    runPrompt(transformer, state, prompt);
                    long promptDone = System.nanoTime();
                    transformer.forward(state, argmax(state.logits()), promptTokens, true);
                    long first = System.nanoTime();
                    pp[r] = promptTokens / ((promptDone - start) / 1e9);
                    ttft[r] = (first - start) / 1e9;
                }
            }
            double[] tg = new double[repetitions];
            TokenConstraint constraint = constraintGrammar == null ? null : constraintGrammar.constrain(m.tokenizer());
            // With a grammar, unconstrained repetitions alternate with the constrained ones in this
            // process: the grammar's cost is then a ratio measured in one sitting, not across runs
            // minutes apart on a host whose speed drifts.
            double[] tgFree = constraint == null ? null : new double[repetitions];
            if (genTokens > 0) {
                runGeneration(transformer, state, Math.min(genTokens, 16), constraint, m.tokenizer().vocabulary()); // warm-up
                for (int r = 0; r < repetitions; r++) {
                    if (tgFree != null) {
                        long start = System.nanoTime();
                        runGeneration(transformer, state, genTokens, null, m.tokenizer().vocabulary());
                        tgFree[r] = genTokens / ((System.nanoTime() - start) / 1e9);
                    }
                    long start = System.nanoTime();
                    runGeneration(transformer, state, genTokens, constraint, m.tokenizer().vocabulary());
                    tg[r] = genTokens / ((System.nanoTime() - start) / 1e9);
                }
            }
            long bytesPerToken = transformer.weights().bytesPerToken();
            Result result = new Result(model.getFileName().toString(), fileSize(model), transformer.weights().layers()[0].wq().type().name(),
                    t, transformer.kernels().name(), loadSeconds, promptTokens, pp, genTokens, tg, ttft,
                    peakRssBytes(), bandwidth, bytesPerToken, cpuModel(), grammar.describe(), tgFree);
            System.out.println(json ? result.toJson() : result.toTable());
            return 0;
        }
    }

    private static void runPrompt(Transformer transformer, ForwardState state, int[] prompt) {
        transformer.forwardBatch(state, prompt, 0, true);
    }

    /**
     * Greedy generation of {@code count} tokens. With a constraint, each step picks and advances
     * the grammar as a constrained generation does (the mask only where the argmax is refused); when the grammar is complete (or
     * the argmax is end of generation) it starts over, so that every measured token is constrained.
     */
    private static void runGeneration(Transformer transformer, ForwardState state, int count, TokenConstraint constraint,
            dev.cove.core.tokenizer.Vocabulary vocabulary) {
        int token = 1; // BOS in llama-family vocabularies; any valid id will do
        Sampler greedy = new Sampler(SamplingOptions.greedy());
        if (constraint != null) {
            constraint.reset();
        }
        for (int i = 0; i < count; i++) {
            transformer.forward(state, token, i, true);
            float[] logits = state.logits();
            token = constraint == null ? argmax(logits) : constraint.sample(greedy, logits, logits.length);
            if (constraint != null) {
                constraint.accept(token);
                if (constraint.isComplete() || vocabulary.isEndOfGeneration(token)) {
                    constraint.reset();
                }
            }
        }
    }

    /** A deterministic prompt of ids spread over the vocabulary, as llama-bench uses random ones. */
    static int[] promptTokens(int n, int vocab) {
        int[] tokens = new int[n];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            tokens[i] = i == 0 ? Math.min(1, vocab - 1) : (int) Math.floorMod(x, (long) vocab);
        }
        return tokens;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** VmHWM from /proc/self/status in bytes, or -1 where there is none. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    record Result(String model, long fileBytes, String type, int threads, String kernels, double loadSeconds,
                  int promptTokens, double[] pp, int genTokens, double[] tg, double[] ttft, long peakRss,
                  double bandwidth, long bytesPerToken, String cpu, String grammar, double[] tgFree) {

        /** Constrained over unconstrained generation speed, from the sums over the repetitions. */
        double grammarRatio() {
            return mean(tg) / mean(tgFree);
        }

        double roofline() {
            return bandwidth > 0 ? bandwidth / bytesPerToken : 0;
        }

        String toTable() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "model      %s (%s, %.0f MiB), %d threads, kernels: %s%n", model, type,
                    fileBytes / 1048576.0, threads, kernels));
            b.append(String.format(Locale.ROOT, "cpu        %s, %d logical processors%n", cpu, Runtime.getRuntime().availableProcessors()));
            b.append(String.format(Locale.ROOT, "%-12s %20s%n", "test", "tokens/s"));
            if (promptTokens > 0) {
                b.append(String.format(Locale.ROOT, "%-12s %20s%n", "pp" + promptTokens, meanStd(pp)));
            }
            if (genTokens > 0) {
                b.append(String.format(Locale.ROOT, "%-12s %20s%s%n", "tg" + genTokens, meanStd(tg),
                        grammar == null ? "" : "   constrained by " + grammar + " (greedy)"));
                if (tgFree != null) {
                    b.append(String.format(Locale.ROOT, "%-12s %20s   unconstrained, alternating with it: constrained at %.3fx%n",
                            "tg" + genTokens, meanStd(tgFree), grammarRatio()));
                }
            }
            b.append(String.format(Locale.ROOT, "load                 %.2f s%n", loadSeconds));
            if (promptTokens > 0) {
                b.append(String.format(Locale.ROOT, "time to first token  %.3f s (prompt of %d tokens + 1 token)%n", mean(ttft), promptTokens));
            }
            if (peakRss > 0) {
                b.append(String.format(Locale.ROOT, "peak RSS (VmHWM)     %.0f MiB%n", peakRss / 1048576.0));
            }
            if (bandwidth > 0) {
                b.append(String.format(Locale.ROOT, "read bandwidth       %.1f GB/s with %d threads; %.1f MB of weights per token%n",
                        bandwidth / 1e9, threads, bytesPerToken / 1e6));
                if (genTokens > 0) {
                    b.append(String.format(Locale.ROOT, "roofline             %.1f tok/s; tg at %.0f%% of it%n", roofline(), 100 * mean(tg) / roofline()));
                }
            }
            return b.toString().stripTrailing();
        }

        String toJson() {
            StringBuilder b = new StringBuilder("{");
            field(b, "model", quote(model)).append(',');
            field(b, "file_bytes", Long.toString(fileBytes)).append(',');
            field(b, "type", quote(type)).append(',');
            field(b, "threads", Integer.toString(threads)).append(',');
            field(b, "kernels", quote(kernels)).append(',');
            field(b, "cpu", quote(cpu)).append(',');
            field(b, "load_s", num(loadSeconds)).append(',');
            field(b, "n_prompt", Integer.toString(promptTokens)).append(',');
            field(b, "pp_tok_s", stats(pp, promptTokens > 0)).append(',');
            field(b, "n_gen", Integer.toString(genTokens)).append(',');
            field(b, "tg_tok_s", stats(tg, genTokens > 0)).append(',');
            field(b, "ttft_s", promptTokens > 0 ? num(mean(ttft)) : "null").append(',');
            field(b, "peak_rss_bytes", Long.toString(peakRss)).append(',');
            field(b, "read_bandwidth_bytes_s", bandwidth > 0 ? num(bandwidth) : "null").append(',');
            field(b, "weight_bytes_per_token", Long.toString(bytesPerToken)).append(',');
            field(b, "roofline_tok_s", bandwidth > 0 ? num(roofline()) : "null").append(',');
            field(b, "tg_grammar", grammar == null ? "null" : quote(grammar)).append(',');
            field(b, "tg_unconstrained_tok_s", stats(tgFree, tgFree != null && genTokens > 0)).append(',');
            field(b, "tg_grammar_ratio", tgFree != null && genTokens > 0 ? num(grammarRatio()) : "null").append(',');
            field(b, "tg_fraction_of_roofline", bandwidth > 0 && genTokens > 0 ? num(mean(tg) / roofline()) : "null");
            return b.append('}').toString();
        }

        private static StringBuilder field(StringBuilder b, String name, String value) {
            return b.append('"').append(name).append("\":").append(value);
        }

        private static String stats(double[] v, boolean present) {
            if (!present) {
                return "null";
            }
            StringBuilder s = new StringBuilder("{\"mean\":").append(num(mean(v))).append(",\"stddev\":").append(num(std(v)))
                    .append(",\"samples\":[");
            for (int i = 0; i < v.length; i++) {
                s.append(i > 0 ? "," : "").append(num(v[i]));
            }
            return s.append("]}").toString();
        }

        private static String num(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
        }

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        private static String meanStd(double[] v) {
            return String.format(Locale.ROOT, "%.2f ± %.2f", mean(v), std(v));
        }

        static double mean(double[] v) {
            double s = 0;
            for (double d : v) {
                s += d;
            }
            return s / v.length;
        }

        static double std(double[] v) {
            if (v.length < 2) {
                return 0;
            }
            double m = mean(v);
            double s = 0;
            for (double d : v) {
                s += (d - m) * (d - m);
            }
            return Math.sqrt(s / (v.length - 1));
        }
    }
}
