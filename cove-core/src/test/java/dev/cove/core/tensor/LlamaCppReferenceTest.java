package dev.cove.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compares the codecs with llama.cpp on {@code shared/models/small-test}: {@code small-f32.gguf}
 * and the files {@code llama-quantize --pure} made from it. With --pure every 2-D weight has the
 * target type; 1-D tensors (norms) stay F32 and are skipped.
 */
class LlamaCppReferenceTest {

    /**
     * Every quantizer gives llama.cpp's bytes exactly. For the K-quants this goes beyond what is
     * required (an error within 2% of llama.cpp's, checked below) and holds because the reference
     * algorithms are transcribed operation for operation; should a future llama.cpp change them,
     * the RMSE test is the one that must keep passing.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.EXCLUDE, names = "F32")
    void quantizerIsByteIdenticalToLlamaCpp(GgmlType type) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            TinyGguf f32 = new TinyGguf(TestData.require("models/small-test/small-f32.gguf"), arena);
            TinyGguf ref = new TinyGguf(fileOf(type), arena);
            int compared = 0;
            for (TinyGguf.Tensor t : ref.tensors.values()) {
                if (t.type() != type) {
                    continue;
                }
                float[] source = f32.floats(f32.tensors.get(t.name()));
                byte[] ours = quantize(type, source);
                byte[] theirs = ref.data(t).toArray(ValueLayout.JAVA_BYTE);
                assertThat(ours).as("%s %s: first differing byte at %d", type, t.name(), firstDifference(ours, theirs))
                        .isEqualTo(theirs);
                compared++;
            }
            assertThat(compared).as("tensors of type %s in %s", type, fileOf(type)).isGreaterThan(0);
        }
    }

    /**
     * K-quants: our quantization of the F32 source must be as close to it as llama.cpp's (RMSE at
     * most 2% higher). Also prints how many super-blocks came out byte-identical.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void kQuantErrorMatchesLlamaCpp(GgmlType type) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            TinyGguf f32 = new TinyGguf(TestData.require("models/small-test/small-f32.gguf"), arena);
            TinyGguf ref = new TinyGguf(fileOf(type), arena);
            double oursSq = 0;
            double theirsSq = 0;
            long n = 0;
            long blocks = 0;
            long identicalBlocks = 0;
            for (TinyGguf.Tensor t : ref.tensors.values()) {
                if (t.type() != type) {
                    continue;
                }
                float[] source = f32.floats(f32.tensors.get(t.name()));
                byte[] ours = quantize(type, source);
                byte[] theirs = ref.data(t).toArray(ValueLayout.JAVA_BYTE);
                float[] ourValues = dequantize(type, ours, source.length);
                float[] theirValues = ref.floats(t);
                double o = sumSquaredError(source, ourValues);
                double r = sumSquaredError(source, theirValues);
                oursSq += o;
                theirsSq += r;
                n += source.length;
                int bs = type.typeSize();
                int tensorIdentical = 0;
                for (int b = 0; b < ours.length / bs; b++) {
                    if (java.util.Arrays.equals(ours, b * bs, (b + 1) * bs, theirs, b * bs, (b + 1) * bs)) {
                        tensorIdentical++;
                    }
                }
                blocks += ours.length / bs;
                identicalBlocks += tensorIdentical;
                System.out.printf(Locale.ROOT, "%s %-26s RMSE cove %.6e  llama.cpp %.6e  ratio %.4f  identical blocks %d/%d%n",
                        type, t.name(), Math.sqrt(o / source.length), Math.sqrt(r / source.length),
                        Math.sqrt(o / r), tensorIdentical, ours.length / bs);
            }
            assertThat(n).as("elements of type %s", type).isGreaterThan(0);
            double oursRmse = Math.sqrt(oursSq / n);
            double theirsRmse = Math.sqrt(theirsSq / n);
            System.out.printf(Locale.ROOT, "%s total: RMSE cove %.6e  llama.cpp %.6e  ratio %.4f  identical blocks %d/%d%n",
                    type, oursRmse, theirsRmse, oursRmse / theirsRmse, identicalBlocks, blocks);
            assertThat(oursRmse).as("%s RMSE vs F32 source (llama.cpp: %s)", type, theirsRmse)
                    .isLessThanOrEqualTo(1.02 * theirsRmse);
        }
    }

    /**
     * llama.cpp's default Q4_K_M recipe mixes Q4_K and Q6_K tensors in one file; each must match
     * our quantizer of its own type.
     */
    @Test
    void mixedQ4KMFileMatchesPerTensorType() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            TinyGguf f32 = new TinyGguf(TestData.require("models/small-test/small-f32.gguf"), arena);
            TinyGguf ref = new TinyGguf(TestData.require("models/small-test/small-q4_k_m.gguf"), arena);
            java.util.Set<GgmlType> seen = java.util.EnumSet.noneOf(GgmlType.class);
            for (TinyGguf.Tensor t : ref.tensors.values()) {
                float[] source = f32.floats(f32.tensors.get(t.name()));
                assertThat(quantize(t.type(), source)).as("%s (%s)", t.name(), t.type())
                        .isEqualTo(ref.data(t).toArray(ValueLayout.JAVA_BYTE));
                seen.add(t.type());
            }
            assertThat(seen).contains(GgmlType.Q4_K, GgmlType.Q6_K);
        }
    }

    private static Path fileOf(GgmlType type) {
        return TestData.require("models/small-test/small-" + type.name().toLowerCase(Locale.ROOT) + ".gguf");
    }

    static byte[] quantize(GgmlType type, float[] source) {
        byte[] out = new byte[Math.toIntExact(type.byteSize(source.length))];
        TypeCodecs.of(type).quantize(source, 0, MemorySegment.ofArray(out), 0, source.length);
        return out;
    }

    static float[] dequantize(GgmlType type, byte[] data, int count) {
        float[] out = new float[count];
        TypeCodecs.of(type).dequantize(MemorySegment.ofArray(data), 0, out, 0, count);
        return out;
    }

    static double sumSquaredError(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return a.length == b.length ? -1 : n;
    }
}
