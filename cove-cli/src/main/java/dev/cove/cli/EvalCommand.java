package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.eval.CoveEval;
import dev.cove.core.eval.EvalReport;
import dev.cove.core.eval.EvalRunner;
import dev.cove.core.eval.EvalSuite;
import dev.cove.core.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove eval SUITE --model A [--model B ...]}: a quality gate for CI. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run an eval suite (JSONL, or YAML: a list of cases) against one or more models and check each case's"
                    + " metrics against its thresholds: a quality gate for CI.",
            "A case: {\"id\", \"prompt\" or \"messages\", \"expected\" (one answer or a list), \"metric\" and"
                    + " \"threshold\" or \"metrics\": [...], \"tags\", \"max_tokens\", \"stop\", \"schema\"}. Metrics: exact,"
                    + " regex, json_schema, bleu (sacreBLEU's sentence BLEU, 0-100), rouge1..rouge9, rougeL, rougeLsum"
                    + " (rouge-score's F-measure; {\"name\": \"rougeL\", \"stem\": true}), kl and top1 (against --base).",
            "Exit code 0 when every threshold is met, 2 when one is not, 1 on an error."})
public final class EvalCommand implements Callable<Integer> {
    /** Exit code of a run where a threshold failed (1 is an error). */
    static final int GATE_FAILED = 2;

    @Parameters(index = "0", paramLabel = "SUITE", description = "The suite: .jsonl (one case a line) or .yaml/.yml.")
    Path suite;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A model to evaluate: a store name or a GGUF file (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(names = "--base", paramLabel = "SOURCE", description = "The source model that kl and top1 checks compare with.")
    String base;

    @Option(names = "--metric", paramLabel = "NAME", description = "The metric of cases that name none (default: ${DEFAULT-VALUE}).",
            defaultValue = CoveEval.DEFAULT_METRIC)
    String defaultMetric;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Tokens to generate for cases without max_tokens"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "" + CoveEval.DEFAULT_MAX_TOKENS)
    int maxTokens;

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 is greedy (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float temperature;

    @Option(names = {"-s", "--seed"}, paramLabel = "N", description = "Seed of each case's sampling when --temp > 0"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "Context per case (default: the model's, at most 4096).")
    int contextLength;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: one per physical core).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON (ids and numbers, no text).")
    Path json;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML: a test case per case and metric.")
    Path junit;

    @Option(names = "--worst", paramLabel = "N", description = "Worst cases listed per model and metric (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int worst;

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @Override
    public Integer call() throws IOException {
        if (worst < 0) {
            throw new IllegalArgumentException("--worst must not be negative");
        }
        EvalRunner.Options options = new EvalRunner.Options(maxTokens, temperature, seed, contextLength);
        EvalSuite s = readSuite(); // before any model loads: a bad suite fails fast
        checkWritable(json, "--json");
        checkWritable(junit, "--junit");
        int t = SecureCli.threads(threads);
        List<Model> loaded = new ArrayList<>();
        try {
            List<EvalRunner.Candidate> candidates = new ArrayList<>();
            for (String m : models) {
                Model model = SecureCli.load(m, t, null);
                loaded.add(model);
                candidates.add(new EvalRunner.Candidate(displayName(m), model));
            }
            Model baseModel = null;
            if (base != null) {
                baseModel = SecureCli.load(base, t, null);
                loaded.add(baseModel);
            }
            Notices.notice(s.cases().size() + " cases on " + candidates.size() + " model" + (candidates.size() == 1 ? "" : "s")
                    + (options.temperature() > 0 ? ", sampled at temperature " + options.temperature() + " with seed " + seed
                            : ", greedy"));
            EvalReport report = EvalRunner.run(s, candidates, baseModel, options, new EvalProgress());
            PrintStream out = Stdout.utf8();
            out.print(EvalTable.format(report, worst));
            out.flush();
            if (json != null) {
                writeAtomically(json, Json.write(report.toJson()) + "\n");
            }
            if (junit != null) {
                writeAtomically(junit, JUnitXmlReport.write(report));
            }
            return report.passed() ? 0 : GATE_FAILED;
        } finally {
            for (Model m : loaded) {
                m.close();
            }
        }
    }

    private EvalSuite readSuite() {
        String name = suite.getFileName() == null ? suite.toString() : suite.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return YamlSuiteReader.read(suite, defaultMetric);
        }
        return EvalSuite.read(suite, defaultMetric);
    }

    private static String displayName(String model) {
        Path p = Path.of(model).getFileName();
        return p == null ? model : p.toString();
    }

    private static void checkWritable(Path file, String option) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CoveException(option + " " + file + ": the folder " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new CoveException(option + " " + file + ": is a folder");
        }
    }

    /** Written beside the target and moved into place, so a reader never sees half a report. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".cove-eval-", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
