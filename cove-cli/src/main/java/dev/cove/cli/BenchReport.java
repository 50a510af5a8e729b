package dev.cove.cli;

import java.util.List;
import java.util.Locale;

/**
 * What {@code cove bench} measured, as a table or as JSON. One row per test, llama-bench's way:
 * {@code pp512} or {@code tg64}, with {@code @ d1024} when the cache held that many tokens first.
 * The JSON keeps the single-test fields of the first pp and tg rows at the top level for scripts
 * written before several values per option existed, and lists every row under {@code tests}.
 */
record BenchReport(String model, long fileBytes, String type, int threads, String kernels, String kvCache, double loadSeconds,
                   List<Row> rows, long peakRss, double bandwidth, long bytesPerToken, String cpu, String grammar) {

    /**
     * One test: {@code prompt} tokens as a batch (pp) or {@code gen} tokens one by one (tg), after
     * {@code depth} cached tokens; tokens per second per repetition, the time to first token (pp
     * only) and, for a constrained tg, the unconstrained speed measured alternately with it.
     */
    record Row(int prompt, int gen, int depth, double[] speed, double[] ttft, double[] unconstrained) {
        String name() {
            return (prompt > 0 ? "pp" + prompt : "tg" + gen) + (depth > 0 ? " @ d" + depth : "");
        }

        boolean isPrompt() {
            return prompt > 0;
        }

        /** Constrained over unconstrained generation speed, from the means over the repetitions. */
        double grammarRatio() {
            return mean(speed) / mean(unconstrained);
        }
    }

    private Row first(boolean prompt) {
        return rows.stream().filter(r -> r.isPrompt() == prompt).findFirst().orElse(null);
    }

    double roofline() {
        return bandwidth > 0 ? bandwidth / bytesPerToken : 0;
    }

    String toTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "model      %s (%s, %.0f MiB), %d threads, kernels: %s, KV cache %s%n", model,
                type, fileBytes / 1048576.0, threads, kernels, kvCache));
        b.append(String.format(Locale.ROOT, "cpu        %s, %d logical processors%n", cpu, Runtime.getRuntime().availableProcessors()));
        b.append(String.format(Locale.ROOT, "%-16s %16s%n", "test", "tokens/s"));
        for (Row r : rows) {
            String note = !r.isPrompt() && grammar != null ? "   constrained by " + grammar + " (greedy)" : "";
            b.append(String.format(Locale.ROOT, "%-16s %16s%s%n", r.name(), meanStd(r.speed()), note));
            if (r.unconstrained() != null) {
                b.append(String.format(Locale.ROOT, "%-16s %16s   unconstrained, alternating with it: constrained at %.3fx%n",
                        r.name(), meanStd(r.unconstrained()), r.grammarRatio()));
            }
        }
        b.append(String.format(Locale.ROOT, "load                 %.2f s%n", loadSeconds));
        Row pp = first(true);
        if (pp != null) {
            b.append(String.format(Locale.ROOT, "time to first token  %.3f s (prompt of %d tokens + 1 token%s)%n", mean(pp.ttft()),
                    pp.prompt(), pp.depth() > 0 ? ", after " + pp.depth() : ""));
        }
        if (peakRss > 0) {
            b.append(String.format(Locale.ROOT, "peak RSS (VmHWM)     %.0f MiB%n", peakRss / 1048576.0));
        }
        Row tg = first(false);
        if (bandwidth > 0) {
            b.append(String.format(Locale.ROOT, "read bandwidth       %.1f GB/s with %d threads; %.1f MB of weights per token%n",
                    bandwidth / 1e9, threads, bytesPerToken / 1e6));
            if (tg != null) {
                b.append(String.format(Locale.ROOT, "roofline             %.1f tok/s; %s at %.0f%% of it%n", roofline(), tg.name(),
                        100 * mean(tg.speed()) / roofline()));
            }
        }
        return b.toString().stripTrailing();
    }

    String toJson() {
        Row pp = first(true);
        Row tg = first(false);
        StringBuilder b = new StringBuilder("{");
        field(b, "model", quote(model)).append(',');
        field(b, "file_bytes", Long.toString(fileBytes)).append(',');
        field(b, "type", quote(type)).append(',');
        field(b, "threads", Integer.toString(threads)).append(',');
        field(b, "kernels", quote(kernels)).append(',');
        field(b, "kv_type", quote(kvCache)).append(',');
        field(b, "cpu", quote(cpu)).append(',');
        field(b, "load_s", num(loadSeconds)).append(',');
        field(b, "n_prompt", Integer.toString(pp == null ? 0 : pp.prompt())).append(',');
        field(b, "pp_tok_s", pp == null ? "null" : stats(pp.speed())).append(',');
        field(b, "n_gen", Integer.toString(tg == null ? 0 : tg.gen())).append(',');
        field(b, "tg_tok_s", tg == null ? "null" : stats(tg.speed())).append(',');
        field(b, "ttft_s", pp == null ? "null" : num(mean(pp.ttft()))).append(',');
        field(b, "peak_rss_bytes", Long.toString(peakRss)).append(',');
        field(b, "read_bandwidth_bytes_s", bandwidth > 0 ? num(bandwidth) : "null").append(',');
        field(b, "weight_bytes_per_token", Long.toString(bytesPerToken)).append(',');
        field(b, "roofline_tok_s", bandwidth > 0 ? num(roofline()) : "null").append(',');
        field(b, "tg_grammar", grammar == null ? "null" : quote(grammar)).append(',');
        boolean constrained = tg != null && tg.unconstrained() != null;
        field(b, "tg_unconstrained_tok_s", constrained ? stats(tg.unconstrained()) : "null").append(',');
        field(b, "tg_grammar_ratio", constrained ? num(tg.grammarRatio()) : "null").append(',');
        field(b, "tg_fraction_of_roofline", bandwidth > 0 && tg != null ? num(mean(tg.speed()) / roofline()) : "null").append(',');
        b.append("\"tests\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i > 0 ? "," : "").append('{');
            field(b, "name", quote(r.name())).append(',');
            field(b, "n_prompt", Integer.toString(r.prompt())).append(',');
            field(b, "n_gen", Integer.toString(r.gen())).append(',');
            field(b, "n_depth", Integer.toString(r.depth())).append(',');
            field(b, "tok_s", stats(r.speed()));
            if (r.ttft() != null) {
                b.append(',');
                field(b, "ttft_s", num(mean(r.ttft())));
            }
            if (r.unconstrained() != null) {
                b.append(',');
                field(b, "unconstrained_tok_s", stats(r.unconstrained())).append(',');
                field(b, "grammar_ratio", num(r.grammarRatio()));
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        return b.append('"').append(name).append("\":").append(value);
    }

    private static String stats(double[] v) {
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

    static String meanStd(double[] v) {
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
