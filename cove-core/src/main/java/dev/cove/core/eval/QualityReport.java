package dev.cove.core.eval;

import dev.cove.core.Model;
import dev.cove.core.quantize.Quantizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code cove quantize --report} prints: for the source and each quantization, the file
 * size, bits per weight, the RMSE of the weights against the source, and on a text the
 * perplexity, the KL divergence from the source and how often both agree on the most likely token.
 */
public final class QualityReport {

    /**
     * One line of the table. {@code rmse}, {@code kl} and {@code top1} are NaN for the source itself.
     *
     * @param label     the type (Q4_K_M ...) or "source"
     * @param fileSize  bytes of the GGUF file
     * @param bpw       bits per weight of the tensor data
     */
    public record Row(String label, long fileSize, double bpw, double rmse, double perplexity, double perplexityError,
                      double kl, double klError, double top1, double top1Error) {
    }

    private QualityReport() {
    }

    /** The source's line: its own perplexity. */
    public static Row source(String label, Model source, long fileSize, double bpw, int[] tokens, Perplexity.Options options) {
        Perplexity.Result r = Perplexity.compute(source, tokens, options);
        return new Row(label, fileSize, bpw, Double.NaN, r.perplexity(), r.error(), Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** A quantization's line: {@code quantized} (the file {@code result} describes) evaluated against {@code source}. */
    public static Row quantized(String label, Model source, Path quantized, Quantizer.Result result, int threads, int[] tokens,
                                Perplexity.Options options) {
        try (Model q = Model.load(quantized, threads)) {
            Perplexity.Comparison c = Perplexity.compare(source, q, tokens, options);
            return new Row(label, result.fileSize(), result.bitsPerWeight(), result.rmse(), c.model().perplexity(),
                    c.model().error(), c.meanKl(), c.klError(), c.top1(), c.top1Error());
        }
    }

    /** The rows as a fixed-width text table with a header line. */
    public static String format(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"type", "size", "bpw", "RMSE", "perplexity", "KL divergence", "top-1 agree"});
        for (Row r : rows) {
            cells.add(new String[] {
                r.label(),
                size(r.fileSize()),
                f("%.2f", r.bpw()),
                Double.isNaN(r.rmse()) ? "-" : f("%.3e", r.rmse()),
                f("%.4f", r.perplexity()) + " ± " + f("%.4f", r.perplexityError()),
                Double.isNaN(r.kl()) ? "-" : f("%.6f", r.kl()) + " ± " + f("%.6f", r.klError()),
                Double.isNaN(r.top1()) ? "-" : f("%.2f%%", 100 * r.top1()) + " ± " + f("%.2f", 100 * r.top1Error()),
            });
        }
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            String[] row = cells.get(r);
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                if (i == 0) {
                    b.append(cell).append(" ".repeat(width[i] - cell.length()));
                } else {
                    b.append("  ").append(" ".repeat(width[i] - cell.length())).append(cell);
                }
            }
            b.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                b.append("-".repeat(total - 2)).append('\n');
            }
        }
        return b.toString();
    }

    private static String f(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return f("%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return f("%.2f MiB", bytes / (double) (1L << 20));
        }
        return f("%.1f KiB", bytes / 1024.0);
    }
}
