package dev.cove.core.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tensor.TypeCodecs;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quantizes {@code small-test/small-f32.gguf} and compares with the files {@code llama-quantize}
 * made from it in the same folder: every file {@code --pure}, and {@code small-q4_k_m.gguf} with
 * llama.cpp's default Q4_K_M recipe.
 */
class QuantizerLlamaCppTest {

    @TempDir
    static Path dir;

    private static Path source;

    @BeforeAll
    static void source() {
        source = SharedData.root() == null ? null : SharedData.root().resolve("models/small-test/small-f32.gguf");
    }

    private static Path quantize(String type, boolean pure) {
        Path src = SharedData.require("models/small-test/small-f32.gguf");
        Path out = dir.resolve("cove-" + type.toLowerCase(java.util.Locale.ROOT) + (pure ? "-pure" : "") + ".gguf");
        Quantizer.quantize(src, out, Quantizer.Options.of(FileType.parse(type)).withPure(pure).withThreads(2)
                .withMeasureError(true));
        return out;
    }

    /** The whole file is byte-identical: metadata, tensor order, types, offsets and data. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "f16", "bf16", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k"})
    void pureFileIsByteIdenticalToLlamaCpp(String type) throws IOException {
        Path reference = SharedData.require("models/small-test/small-" + type + ".gguf");
        Path ours = quantize(type, true);
        assertSameTensors(ours, reference);
        assertThat(Files.readAllBytes(ours)).as("whole file %s vs %s", ours.getFileName(), reference.getFileName())
                .isEqualTo(Files.readAllBytes(reference));
    }

    /** Q4_K_M picks llama.cpp's type for every tensor (Q6_K for output, half of attn_v and ffn_down) and its bytes. */
    @Test
    void q4KmRecipeChoosesLlamaCppsTypesAndBytes() throws IOException {
        Path reference = SharedData.require("models/small-test/small-q4_k_m.gguf");
        Path ours = quantize("Q4_K_M", false);
        try (GgufFile a = GgufFile.open(ours); GgufFile b = GgufFile.open(reference)) {
            assertThat(typesOf(a)).isEqualTo(typesOf(b));
            assertThat(b.tensor("output.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(b.tensor("blk.1.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(b.tensor("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q4_K);
            assertThat(a.metadata().getLong("general.file_type")).isEqualTo(15);
        }
        assertSameTensors(ours, reference);
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(reference));
    }

    /** The criterion for K-quants: per-tensor RMSE against the F32 source at most 2% above llama.cpp's. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "q4_k_m"})
    void kQuantErrorIsNoWorseThanLlamaCpps(String type) {
        Path reference = SharedData.require("models/small-test/small-" + type + ".gguf");
        Path ours = quantize(type, !type.equals("q4_k_m"));
        try (GgufFile f32 = GgufFile.open(source); GgufFile a = GgufFile.open(ours); GgufFile b = GgufFile.open(reference)) {
            int compared = 0;
            for (GgufTensorInfo t : b.tensors().values()) {
                if (!t.type().isQuantized()) {
                    continue;
                }
                float[] src = floats(f32, f32.tensor(t.name()));
                double theirs = rmse(src, floats(b, t));
                double mine = rmse(src, floats(a, a.tensor(t.name())));
                assertThat(mine).as("%s %s RMSE (llama.cpp %.6g)", type, t.name(), theirs).isLessThanOrEqualTo(theirs * 1.02);
                compared++;
            }
            assertThat(compared).isGreaterThan(10);
        }
    }

    @Test
    void measuredErrorIsTheRmseOfTheWrittenWeights() {
        Path src = SharedData.require("models/small-test/small-f32.gguf");
        Path out = dir.resolve("measured-q4_0.gguf");
        Quantizer.Result r = Quantizer.quantize(src, out, Quantizer.Options.of(FileType.Q4_0).withPure(true).withThreads(2)
                .withMeasureError(true));
        try (GgufFile f32 = GgufFile.open(src); GgufFile q = GgufFile.open(out)) {
            for (Quantizer.TensorResult t : r.tensors()) {
                String name = t.plan().name();
                double expected = rmse(floats(f32, f32.tensor(name)), floats(q, q.tensor(name)));
                assertThat(t.rmse()).as(name).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9 + expected * 1e-9));
            }
        }
        assertThat(r.bitsPerWeight()).isBetween(4.5, 4.6);
        assertThat(r.fileSize()).isEqualTo(out.toFile().length());
        assertThat(r.rmse()).isGreaterThan(0);
    }

    /** F16 and BF16 sources are dequantized exactly and quantized like F32 ones; no --allow-requantize needed. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"f16", "bf16"})
    void halfPrecisionSourcesQuantize(String source) {
        Path src = SharedData.require("models/small-test/small-" + source + ".gguf");
        Path out = dir.resolve("from-" + source + "-q4_0.gguf");
        Quantizer.Result r = Quantizer.quantize(src, out, Quantizer.Options.of(FileType.Q4_0).withPure(true).withThreads(2));
        assertThat(r.warnings()).isEmpty();
        try (GgufFile in = GgufFile.open(src); GgufFile q = GgufFile.open(out)) {
            GgufTensorInfo t = q.tensor("blk.0.ffn_up.weight");
            assertThat(t.type()).isEqualTo(GgmlType.Q4_0);
            float[] values = floats(in, in.tensor(t.name()));
            byte[] expected = new byte[Math.toIntExact(t.byteSize())];
            TypeCodecs.of(GgmlType.Q4_0).quantize(values, 0, java.lang.foreign.MemorySegment.ofArray(expected), 0, values.length);
            assertThat(q.tensorData(t).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected);
            assertThat(q.metadata().getLong("general.file_type")).isEqualTo(2);
        }
    }

    private static Map<String, GgmlType> typesOf(GgufFile f) {
        Map<String, GgmlType> m = new java.util.LinkedHashMap<>();
        f.tensors().forEach((k, v) -> m.put(k, v.type()));
        return m;
    }

    /** Same tensor names in the same order, same types and shapes, same bytes: checked first for a readable failure. */
    private static void assertSameTensors(Path ours, Path reference) {
        try (GgufFile a = GgufFile.open(ours); GgufFile b = GgufFile.open(reference)) {
            assertThat(new ArrayList<>(a.tensors().keySet())).isEqualTo(new ArrayList<>(b.tensors().keySet()));
            List<String> differing = new ArrayList<>();
            for (GgufTensorInfo t : b.tensors().values()) {
                GgufTensorInfo u = a.tensor(t.name());
                assertThat(u.type()).as(t.name()).isEqualTo(t.type());
                assertThat(u.shape()).as(t.name()).isEqualTo(t.shape());
                byte[] x = a.tensorData(u).toArray(ValueLayout.JAVA_BYTE);
                byte[] y = b.tensorData(t).toArray(ValueLayout.JAVA_BYTE);
                if (!Arrays.equals(x, y)) {
                    differing.add(t.name() + " " + t.type());
                }
            }
            assertThat(differing).as("tensors whose bytes differ from llama.cpp's").isEmpty();
            assertThat(new ArrayList<>(a.metadata().keys())).isEqualTo(new ArrayList<>(b.metadata().keys()));
            assertThat(a.metadata().getLong("general.file_type")).isEqualTo(b.metadata().getLong("general.file_type"));
            assertThat(a.metadata().getLong("general.quantization_version"))
                    .isEqualTo(b.metadata().getLong("general.quantization_version"));
        }
    }

    static float[] floats(GgufFile f, GgufTensorInfo t) {
        float[] v = new float[Math.toIntExact(t.elementCount())];
        TypeCodecs.of(t.type()).dequantize(f.segment(), t.fileOffset(), v, 0, v.length);
        return v;
    }

    static double rmse(float[] a, float[] b) {
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sq += d * d;
        }
        return Math.sqrt(sq / a.length);
    }
}
