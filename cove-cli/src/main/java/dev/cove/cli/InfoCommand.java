package dev.cove.cli;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.model.ModelConfig;
import dev.cove.core.model.ModelWeights;
import dev.cove.core.model.RopeConfig;
import dev.cove.core.tensor.GgmlType;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cove info MODEL}: a summary of a GGUF file's metadata and tensors. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Summarise a GGUF model: architecture, sizes, tensor types, metadata.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The model: a store name or a GGUF file (encrypted ones too).")
    String model;

    @Option(names = "--metadata", description = "Print every metadata key.")
    boolean allMetadata;

    @Option(names = "--tensors", description = "Print every tensor.")
    boolean allTensors;

    @Override
    public Integer call() {
        PrintStream out = Stdout.utf8();
        try (GgufFile file = SecureCli.inspect(model)) {
            GgufMetadata m = file.metadata();
            String arch = m.getString("general.architecture", "?");
            out.printf("file:          %s (%s, GGUF v%d)%n", model, bytes(file.fileSize()), file.version());
            out.printf("name:          %s%n", m.getString("general.name", "(none)"));
            out.printf("architecture:  %s%n", arch);
            printFamily(out, file);
            printKey(out, m, "context:       ", arch + ".context_length");
            printKey(out, m, "embedding:     ", arch + ".embedding_length");
            printKey(out, m, "layers:        ", arch + ".block_count");
            printKey(out, m, "heads:         ", arch + ".attention.head_count");
            printKey(out, m, "kv heads:      ", arch + ".attention.head_count_kv");
            printKey(out, m, "feed-forward:  ", arch + ".feed_forward_length");
            printKey(out, m, "rope base:     ", arch + ".rope.freq_base");
            out.printf("tokenizer:     %s%s, %d tokens%n", m.getString("tokenizer.ggml.model", "?"),
                    m.contains("tokenizer.ggml.pre") ? " (" + m.getString("tokenizer.ggml.pre") + ")" : "",
                    m.contains("tokenizer.ggml.tokens") ? m.getArray("tokenizer.ggml.tokens").length() : 0);
            out.printf("chat template: %s%n", m.contains("tokenizer.chat_template") ? "yes" : "no");

            Map<GgmlType, long[]> byType = new TreeMap<>();
            for (GgufTensorInfo t : file.tensors().values()) {
                long[] agg = byType.computeIfAbsent(t.type(), k -> new long[2]);
                agg[0]++;
                agg[1] += t.byteSize();
            }
            out.printf("parameters:    %s%n", ConvertCommand.count(file.parameterCount()));
            out.printf("tensors:       %d%n", file.tensors().size());
            byType.forEach((type, agg) -> out.printf("  %-6s %5d tensors, %s%n", type, agg[0], bytes(agg[1])));
            if (allMetadata) {
                out.println("metadata:");
                for (Map.Entry<String, GgufValue> e : m.asMap().entrySet()) {
                    String v = e.getValue().toString().replace("\n", "\\n");
                    out.printf("  %s = %s%n", e.getKey(), v.length() > 120 ? v.substring(0, 117) + "..." : v);
                }
            }
            if (allTensors) {
                out.println("tensors:");
                for (GgufTensorInfo t : file.tensors().values()) {
                    out.printf("  %-32s %-6s %-20s %s%n", t.name(), t.type(), java.util.Arrays.toString(t.shape()), bytes(t.byteSize()));
                }
            }
            out.flush();
            return 0;
        }
    }

    /** The family's features as Cove reads them, or why Cove cannot run the file. */
    private static void printFamily(PrintStream out, GgufFile file) {
        GgufMetadata m = file.metadata();
        int vocabulary = m.contains("tokenizer.ggml.tokens") ? m.getArray("tokenizer.ggml.tokens").length() : 0;
        try {
            ModelConfig c = ModelConfig.fromGguf(m, vocabulary);
            ModelWeights.fromGguf(file, c); // checks that every tensor the family needs is there, in shape
            out.printf("family:        %s: %s%n", c.architecture(), String.join(", ", c.family().features()));
            out.printf("attention:     head size %d, scale 1/sqrt(%s)%s%s%n", c.headDim(),
                    trim(1 / (c.attentionScale() * c.attentionScale())),
                    c.windows().size() > 0 ? ", sliding window on " + c.windows() : "",
                    c.attentionSoftCap() > 0 ? ", soft-caps " + trim(c.attentionSoftCap()) + " (scores) and "
                            + trim(c.finalSoftCap()) + " (logits)" : "");
            RopeConfig r = c.rope();
            out.printf("rope:          %d of %d dimensions, base %s%s%s%n", r.dimensions(), c.headDim(), trim(r.freqBase()),
                    r.localFreqBase() != r.freqBase() ? " (local layers " + trim(r.localFreqBase()) + ")" : "",
                    r.freqScale() != 1f ? ", linear scale " + trim(r.freqScale()) : "");
        } catch (CoveException e) {
            out.printf("runs in Cove:  no: %s%n", e.getMessage());
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static void printKey(PrintStream out, GgufMetadata m, String label, String key) {
        if (m.contains(key)) {
            out.println(label + m.get(key));
        }
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }

}
