package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.eval.Perplexity;
import dev.cove.core.eval.QualityReport;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.quantize.FileType;
import dev.cove.core.quantize.Quantizer;
import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cove quantize IN OUT TYPE}: llama-quantize in Java, with a quality report
 * ({@code --report TEXT}: size, bits per weight, RMSE, perplexity, KL divergence and top-1
 * agreement against the source, for OUT and for every type of {@code --types}).
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Quantize a GGUF model (F32, F16 or BF16) to TYPE, as llama.cpp's llama-quantize does: the same recipes"
                    + " (Q4_K_M gives attn_v, ffn_down and the output more bits) and, for the same input, the same bytes.",
            "TYPE: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K_S, Q3_K_M, Q3_K_L, Q4_K_S, Q4_K_M, Q5_K_S,"
                    + " Q5_K_M, Q6_K (Q3_K, Q4_K, Q5_K mean the _M mixes).",
            "With --report TEXT and --types, OUT and TYPE may be left out: each type is made in a temporary folder,"
                    + " measured, and removed."})
public final class QuantizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "The model to quantize: a store name or a GGUF file"
            + " (encrypted ones too).")
    String input;

    @Parameters(index = "1", paramLabel = "OUT", arity = "0..1", description = "The GGUF file to write (replaced if it"
            + " exists); --dry-run writes nothing and needs none.")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", arity = "0..1", description = "The quantization type.")
    String type;

    @Option(names = "--pure", description = "Give every quantizable tensor TYPE: no recipe (llama-quantize --pure).")
    boolean pure;

    @Option(names = "--allow-requantize", description = "Accept an already quantized input (the result is worse than"
            + " quantizing the original).")
    boolean allowRequantize;

    @Option(names = "--output-tensor-type", paramLabel = "T", description = "Type of output.weight (e.g. Q8_0, F16).")
    String outputTensorType;

    @Option(names = "--token-embedding-type", paramLabel = "T", description = "Type of token_embd.weight.")
    String tokenEmbeddingType;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: available processors).")
    Integer threads;

    @Option(names = "--dry-run", description = "Print the type each tensor would get and the resulting size; write nothing"
            + " (cove quantize IN --dry-run TYPE: no OUT).")
    boolean dryRun;

    @picocli.CommandLine.Mixin
    Notices.QuietOption quiet = new Notices.QuietOption();

    @Option(names = "--report", paramLabel = "TEXT", description = "Measure the damage on this text file: perplexity, KL"
            + " divergence and top-1 agreement against the source, with size, bits per weight and weight RMSE.")
    Path report;

    @Option(names = "--types", paramLabel = "T,T...", split = ",",
            description = "With --report: also make and measure these types (e.g. Q8_0,Q4_0,Q4_K_M).")
    List<String> types = new ArrayList<>();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "With --report: tokens per perplexity window"
            + " (default: the model's context length, at most 512).")
    int contextLength;

    @Option(names = "--chunks", paramLabel = "N", description = "With --report: evaluate at most N windows (default: all).")
    int chunks;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (CoveException | IllegalArgumentException e) {
            err.println();
            err.println("cove: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException {
        if (dryRun && output != null && type == null) {
            // "cove quantize IN --dry-run TYPE": nothing is written, so the one word after IN is the type
            type = output.toString();
            output = null;
        }
        if (output != null && type == null && isTypeName(output.toString())) {
            throw new IllegalArgumentException("'" + output + "' is a TYPE: give the file to write first (cove quantize IN OUT "
                    + output + "), or --dry-run to write nothing");
        }
        if (output != null && type == null) {
            // "cove quantize IN TYPE --report ..." is not meant: OUT comes first
            throw new IllegalArgumentException("give both OUT and TYPE (cove quantize IN OUT TYPE), or neither with --report"
                    + " and --types");
        }
        if (output == null && (report == null || types.isEmpty()) && !dryRun) {
            throw new IllegalArgumentException("give OUT and TYPE (cove quantize IN OUT TYPE), or --report TEXT --types T,...");
        }
        if (!types.isEmpty() && report == null) {
            throw new IllegalArgumentException("--types needs --report TEXT");
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (dryRun) {
            return dryRun(out, type != null ? FileType.parse(type) : types.isEmpty() ? null : FileType.parse(types.get(0)), t);
        }

        List<String> labels = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Quantizer.Result> results = new ArrayList<>();
        Path tempDir = null;
        try {
            if (output != null) {
                Quantizer.Result r = quantize(FileType.parse(type), output, t, out, err);
                labels.add(FileType.parse(type).name());
                files.add(output);
                results.add(r);
            }
            if (!types.isEmpty()) {
                tempDir = Files.createTempDirectory("cove-quantize-report");
                for (String name : types) {
                    FileType ft = FileType.parse(name);
                    Path file = tempDir.resolve(ft.name() + ".gguf");
                    results.add(quantize(ft, file, t, out, err));
                    labels.add(ft.name());
                    files.add(file);
                }
            }
            if (report != null) {
                report(labels, files, results, t, out, err);
            }
        } finally {
            if (tempDir != null) {
                try (Stream<Path> s = Files.walk(tempDir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }

    private Quantizer.Options options(FileType ft, int t, boolean measure) {
        Quantizer.Options o = Quantizer.Options.of(ft).withPure(pure).withAllowRequantize(allowRequantize).withThreads(t)
                .withMeasureError(measure);
        if (outputTensorType != null) {
            o = o.withOutputTensorType(ggmlType(outputTensorType));
        }
        if (tokenEmbeddingType != null) {
            o = o.withTokenEmbeddingType(ggmlType(tokenEmbeddingType));
        }
        return o;
    }

    private static GgmlType ggmlType(String name) {
        try {
            return GgmlType.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tensor type '" + name + "'");
        }
    }

    private Quantizer.Result quantize(FileType ft, Path file, int t, PrintWriter out, PrintWriter err) {
        ProgressLine progress = ProgressLine.forTerminal(err, "quantizing to " + ft.name());
        Quantizer.Result r;
        try (GgufFile in = SecureCli.inspect(input)) {
            r = Quantizer.quantize(in, file, options(ft, t, report != null).withProgress(
                    (tensor, tensors, name, done, all) -> progress.update(done, all, (tensor + 1) + "/" + tensors + " " + name)));
        }
        progress.finish();
        int fallbacks = 0;
        for (Quantizer.TensorResult tr : r.tensors()) {
            fallbacks += tr.plan().fallbackNote() != null ? 1 : 0;
        }
        int shown = 0;
        for (String w : r.warnings()) {
            boolean fallback = !w.contains("re-quantizing");
            if ((!fallback || shown++ < 3) && !Notices.quiet()) {
                err.println("cove: warning: " + w);
            }
        }
        if (fallbacks > 0 && !Notices.quiet()) {
            err.printf(Locale.ROOT, "cove: warning: %d of %d tensors needed a fallback type (rows that are not whole blocks)%s%n",
                    fallbacks, r.tensors().size(), fallbacks > 3 ? "; --dry-run lists them all" : "");
        }
        out.printf(Locale.ROOT, "wrote %s: %s, %d tensors, %s (%.2f bits per weight), from %s (%.2f bpw), in %.1f s"
                        + " (%.1f M weights/s)%n",
                file, ft.name(), r.tensors().size(), ConvertCommand.bytes(r.fileSize()), r.bitsPerWeight(),
                ConvertCommand.bytes(r.sourceTensorBytes()), r.sourceBitsPerWeight(), r.seconds(),
                r.weights() / r.seconds() / 1e6);
        err.flush();
        out.flush();
        return r;
    }

    private int dryRun(PrintWriter out, FileType ft, int t) {
        if (ft == null) {
            throw new IllegalArgumentException("--dry-run needs a TYPE");
        }
        try (GgufFile in = SecureCli.inspect(input)) {
            List<Quantizer.TensorPlan> plans = Quantizer.plan(in, options(ft, t, false));
            long before = 0;
            long after = 0;
            long weights = 0;
            for (Quantizer.TensorPlan p : plans) {
                out.printf(Locale.ROOT, "%-36s %-22s %5s -> %-5s%s%n", p.name(), java.util.Arrays.toString(p.shape()),
                        p.source(), p.target(), p.fallbackNote() != null ? "  (fallback)" : "");
                before += p.sourceBytes();
                after += p.targetBytes();
                weights += p.elements();
            }
            out.printf(Locale.ROOT, "%s: %s (%.2f bpw) -> %s (%.2f bpw)%n", ft.name(), ConvertCommand.bytes(before),
                    before * 8.0 / weights, ConvertCommand.bytes(after), after * 8.0 / weights);
        }
        return 0;
    }

    private void report(List<String> labels, List<Path> files, List<Quantizer.Result> results, int t, PrintWriter out,
                        PrintWriter err) throws IOException {
        if (!Files.isRegularFile(report)) {
            throw new CoveException(report + ": no such text file");
        }
        String text = Files.readString(report, StandardCharsets.UTF_8);
        List<QualityReport.Row> rows = new ArrayList<>();
        try (Model source = SecureCli.load(input, t, null)) {
            int ctx = contextLength > 0 ? contextLength : Math.min(512, source.config().contextLength());
            int[] tokens = Perplexity.tokenize(source, text);
            Perplexity.Options opts = Perplexity.Options.context(ctx).withMaxWindows(chunks);
            notice(err, String.format(Locale.ROOT, "cove: measuring on %s: %d tokens, context %d%n", report.getFileName(), tokens.length, ctx));
            long weights;
            long sourceBytes;
            try (GgufFile f = SecureCli.inspect(input)) {
                weights = f.parameterCount();
                sourceBytes = 0;
                for (var info : f.tensors().values()) {
                    sourceBytes += info.byteSize();
                }
            }
            ProgressLine p0 = ProgressLine.forTerminal(err, "perplexity of the source");
            rows.add(QualityReport.source("source", source, source.fileSize(), sourceBytes * 8.0 / weights, tokens,
                    opts.withProgress((d, n, ppl) -> p0.update(d, n, String.format(Locale.ROOT, "PPL %.4f", ppl)))));
            p0.finish();
            for (int i = 0; i < files.size(); i++) {
                ProgressLine p = ProgressLine.forTerminal(err, "evaluating " + labels.get(i));
                rows.add(QualityReport.quantized(labels.get(i), source, files.get(i), results.get(i), t, tokens,
                        opts.withProgress((d, n, ppl) -> p.update(d, n, String.format(Locale.ROOT, "PPL %.4f", ppl)))));
                p.finish();
            }
        }
        out.println();
        out.print(QualityReport.format(rows));
        out.println("RMSE: weights against the source's; KL divergence: mean per token, in nats, of the source's next-token"
                + " distribution from the quantization's; top-1 agree: how often both rank the same token first.");
    }

    private static boolean isTypeName(String word) {
        try {
            FileType.parse(word);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void notice(PrintWriter err, String line) {
        if (!Notices.quiet()) {
            err.println(line);
        }
    }

    /** A one-line progress bar on a terminal (redrawn with a carriage return); silent when output is not a terminal. */
    static final class ProgressLine {
        private final PrintWriter err;
        private final String label;
        private final boolean enabled;
        private long lastDraw;
        private boolean drawn;

        private ProgressLine(PrintWriter err, String label, boolean enabled) {
            this.err = err;
            this.label = label;
            this.enabled = enabled;
        }

        static ProgressLine forTerminal(PrintWriter err, String label) {
            return new ProgressLine(err, label, System.console() != null && System.getenv("COVE_NO_PROGRESS") == null
                    && !Notices.quiet());
        }

        void update(long done, long total, String detail) {
            if (!enabled) {
                return;
            }
            long now = System.nanoTime();
            if (done < total && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
            String line = String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %s", label, "=".repeat(filled), " ".repeat(width - filled),
                    total <= 0 ? 0 : done * 100 / total, detail);
            if (line.length() > 110) {
                line = line.substring(0, 110);
            }
            err.print(line + "\u001b[K");
            err.flush();
            drawn = true;
        }

        void finish() {
            if (enabled && drawn) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }
    }
}
