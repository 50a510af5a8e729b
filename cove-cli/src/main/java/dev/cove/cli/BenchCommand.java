package dev.cove.cli;

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
import dev.cove.core.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.List;
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

    @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "The model: a store name or a GGUF file (encrypted ones too); or -m.")
    String positionalModel;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "The model, as llama-bench takes it.")
    String optionModel;

    @Option(names = {"-p", "--n-prompt"}, split = ",", paramLabel = "N[,N...]",
            description = "Prompt tokens for the pp tests, comma-separated; 0 skips them (default: ${DEFAULT-VALUE}).", defaultValue = "128")
    int[] promptTokens;

    @Option(names = {"-n", "--n-gen"}, split = ",", paramLabel = "N[,N...]",
            description = "Generated tokens for the tg tests, comma-separated; 0 skips them (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int[] genTokens;

    @Option(names = {"-d", "--n-depth"}, split = ",", paramLabel = "N[,N...]",
            description = "Tokens already in the cache before each test, comma-separated, as llama-bench's -d (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    int[] depths;

    @Option(names = {"-t", "--threads"}, description = "Threads (default: physical cores).")
    Integer threads;

    @Option(names = {"-r", "--repetitions"}, description = "Measured repetitions of each test (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int repetitions;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    GrammarMixin grammar = new GrammarMixin();

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @picocli.CommandLine.Mixin
    KvCacheOption kvCache = new KvCacheOption();

    @Option(names = "--no-bandwidth", description = "Skip the memory bandwidth measurement.")
    boolean noBandwidth;

    @picocli.CommandLine.Mixin
    SpeculationMixin speculation = new SpeculationMixin();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "With --lookup or --model-draft: the prompt of the speculation test (default: a short source file and a request to rewrite it).")
    Path promptFile;

    /** The speculation test's prompt without -f: the editing case prompt lookup is for. */
    static final String EDIT_PROMPT = """
            static int sum(int[] values) {
                int total = 0;
                for (int i = 0; i < values.length; i++) {
                    total += values[i];
                }
                return total;
            }

            Rewrite this method with a long accumulator, keeping everything else as it is:

            static long sum(int[] values) {
            """;

    @Override
    public Integer call() {
        if (positionalModel != null && optionModel != null && !positionalModel.equals(optionModel)) {
            throw new IllegalArgumentException("two models given (" + positionalModel + " and -m " + optionModel
                    + "): bench measures one");
        }
        String model = positionalModel != null ? positionalModel : optionModel;
        if (model == null) {
            throw new IllegalArgumentException("no model: give it as the first argument (cove bench MODEL) or with -m");
        }
        int[] prompts = positiveValues(promptTokens, "-p");
        int[] gens = positiveValues(genTokens, "-n");
        int[] depthValues = nonNegative(depths, "-d");
        if (repetitions < 1) {
            throw new IllegalArgumentException("-r must be at least 1");
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
        kvCache.type();
        Grammar constraintGrammar = grammar.load();
        speculation.check();
        String specPrompt = speculationPrompt();
        ModelOptions draftOptions = new ModelOptions();
        draftOptions.threads = t;
        long loadStart = System.nanoTime();
        try (Model m = kvCache.applyTo(SecureCli.load(model, t, null)); Model draft = speculation.loadDraft(draftOptions)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            Transformer transformer = m.forwardPass();
            int vocab = m.config().vocabularySize();
            int longest = Math.max(max(prompts), max(gens));
            int context = Math.max(1, max(depthValues) + longest + 1);
            ModelOptions.warnBeyondTraining(context, m, "-d " + max(depthValues) + " + the longest -p or -n " + longest);
            ForwardState state = transformer.newState(context);
            TokenConstraint constraint = constraintGrammar == null ? null : constraintGrammar.constrain(m.tokenizer());
            Vocabulary vocabulary = m.tokenizer().vocabulary();

            List<BenchReport.Row> rows = new ArrayList<>();
            for (int depth : depthValues) {
                if (depth > 0) {
                    // The cache holds `depth` tokens before every test at this depth; each test then
                    // writes its own positions after them, so one fill serves every repetition.
                    transformer.forwardBatch(state, promptTokens(depth, vocab), 0, false);
                }
                for (int p : prompts) {
                    rows.add(promptTest(transformer, state, promptTokens(p, vocab), depth));
                }
                for (int n : gens) {
                    rows.add(generationTest(transformer, state, n, depth, constraint, vocabulary));
                }
            }
            BenchReport report = new BenchReport(displayName(model), m.fileSize(),
                    transformer.weights().layers()[0].wq().type().name(), t, transformer.kernels().name(),
                    transformer.kvCacheType().id(), loadSeconds,
                    rows, peakRssBytes(), bandwidth, transformer.weights().bytesPerToken(), cpuModel(), grammar.describe());
            SpeculationBench.Result spec = null;
            if (speculation.enabled()) {
                spec = SpeculationBench.run(m, speculation.speculation(draft), specPrompt, gens.length > 0 ? gens[0] : 128,
                        repetitions);
            }
            if (json) {
                String out = report.toJson();
                // The speculation test as one more field of the report's object.
                System.out.println(spec == null ? out
                        : out.substring(0, out.lastIndexOf('}')).stripTrailing() + ",\n  \"speculation\": " + spec.toJson() + "\n}");
            } else {
                System.out.println(report.toTable());
                if (spec != null) {
                    System.out.print(spec.toTable());
                }
            }
            return 0;
        }
    }

    private String speculationPrompt() {
        if (promptFile == null) {
            return EDIT_PROMPT;
        }
        if (!speculation.enabled()) {
            throw new IllegalArgumentException("-f gives the prompt of the speculation test: use it with --lookup or --model-draft");
        }
        try {
            return Files.readString(promptFile);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read the prompt file " + promptFile + ": " + e.getMessage());
        }
    }

    /** pp: the prompt as one batch after {@code depth} cached tokens, then one token for the time to first token. */
    private BenchReport.Row promptTest(Transformer transformer, ForwardState state, int[] prompt, int depth) {
        double[] speed = new double[repetitions];
        double[] ttft = new double[repetitions];
        transformer.forwardBatch(state, prompt, depth, true); // warm-up
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            transformer.forwardBatch(state, prompt, depth, true);
            long promptDone = System.nanoTime();
            transformer.forward(state, argmax(state.logits()), depth + prompt.length, true);
            long first = System.nanoTime();
            speed[r] = prompt.length / ((promptDone - start) / 1e9);
            ttft[r] = (first - start) / 1e9;
        }
        return new BenchReport.Row(prompt.length, 0, depth, speed, ttft, null);
    }

    /**
     * tg: {@code count} tokens one at a time after {@code depth} cached tokens. With a grammar,
     * unconstrained repetitions alternate with the constrained ones in this process: the
     * grammar's cost is then a ratio measured in one sitting, not across runs minutes apart on a
     * host whose speed drifts.
     */
    private BenchReport.Row generationTest(Transformer transformer, ForwardState state, int count, int depth,
            TokenConstraint constraint, Vocabulary vocabulary) {
        double[] speed = new double[repetitions];
        double[] free = constraint == null ? null : new double[repetitions];
        runGeneration(transformer, state, Math.min(count, 16), depth, constraint, vocabulary); // warm-up
        for (int r = 0; r < repetitions; r++) {
            if (free != null) {
                long start = System.nanoTime();
                runGeneration(transformer, state, count, depth, null, vocabulary);
                free[r] = count / ((System.nanoTime() - start) / 1e9);
            }
            long start = System.nanoTime();
            runGeneration(transformer, state, count, depth, constraint, vocabulary);
            speed[r] = count / ((System.nanoTime() - start) / 1e9);
        }
        return new BenchReport.Row(0, count, depth, speed, null, free);
    }

    /**
     * Greedy generation of {@code count} tokens from position {@code depth}. With a constraint,
     * each step picks and advances the grammar as a constrained generation does (the mask only
     * where the argmax is refused); when the grammar is complete (or the argmax is end of
     * generation) it starts over, so that every measured token is constrained.
     */
    private static void runGeneration(Transformer transformer, ForwardState state, int count, int depth,
            TokenConstraint constraint, Vocabulary vocabulary) {
        int token = 1; // BOS in llama-family vocabularies; any valid id will do
        Sampler greedy = new Sampler(SamplingOptions.greedy());
        if (constraint != null) {
            constraint.reset();
        }
        for (int i = 0; i < count; i++) {
            transformer.forward(state, token, depth + i, true);
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

    /** The values without zeros (0 skips a test, as in llama-bench); negative ones are refused. */
    private static int[] positiveValues(int[] values, String option) {
        return java.util.Arrays.stream(nonNegative(values, option)).filter(v -> v > 0).toArray();
    }

    private static int[] nonNegative(int[] values, String option) {
        for (int v : values) {
            if (v < 0) {
                throw new IllegalArgumentException(option + " takes token counts of 0 or more, not " + v);
            }
        }
        return values;
    }

    private static int max(int[] values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
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

    /** A file's name, or a store name as given. */
    private static String displayName(String model) {
        Path p = Path.of(model).getFileName();
        return p == null ? model : p.toString();
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
}
