package dev.cove.core.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GgufFileTest {

    static Stream<String> sharedModels() {
        return Stream.of("small-f32", "small-f16", "small-bf16", "small-q8_0", "small-q4_0", "small-q4_1",
                "small-q5_0", "small-q5_1", "small-q2_k", "small-q3_k", "small-q4_k", "small-q5_k", "small-q6_k",
                "small-q4_k_m");
    }

    @ParameterizedTest
    @MethodSource("sharedModels")
    void readsEveryLlamaCppFile(String name) {
        Path path = SharedData.require("models/small-test/" + name + ".gguf");
        try (GgufFile file = GgufFile.open(path)) {
            assertThat(file.version()).isEqualTo(3);
            assertThat(file.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(file.metadata().getInt("llama.embedding_length")).isEqualTo(256);
            assertThat(file.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(512);
            assertThat(file.tensors()).containsKey("token_embd.weight");
            GgufTensorInfo q = file.tensor("blk.0.attn_q.weight");
            assertThat(q.shape()).containsExactly(256, 256);
            GgufTensorInfo last = file.tensors().values().stream()
                    .max(java.util.Comparator.comparingLong(GgufTensorInfo::end)).orElseThrow();
            assertThat(last.end()).isLessThanOrEqualTo(file.fileSize());
        }
    }

    @Test
    void mixedTypesFileHasSeveralTypes() {
        Path path = SharedData.require("models/small-test/small-q4_k_m.gguf");
        try (GgufFile file = GgufFile.open(path)) {
            assertThat(file.tensors().values().stream().map(GgufTensorInfo::type).distinct().count()).isGreaterThan(2);
        }
    }

    @Test
    void writerRoundTripsMetadataAndTensorsOfARealFile(@TempDir Path dir) throws IOException {
        Path source = SharedData.require("models/small-test/small-q4_k_m.gguf");
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile in = GgufFile.open(source)) {
            GgufWriter writer = new GgufWriter().putAll(in.metadata());
            for (GgufTensorInfo t : in.tensors().values()) {
                writer.addTensor(t.name(), t.type(), t.shape(), GgufWriter.TensorPayload.of(in.tensorData(t)));
            }
            writer.write(copy);
            try (GgufFile out = GgufFile.open(copy)) {
                assertThat(out.metadata().keys()).containsExactlyElementsOf(in.metadata().keys());
                for (String key : in.metadata().keys()) {
                    assertThat(out.metadata().getValue(key).type()).isEqualTo(in.metadata().getValue(key).type());
                    assertThat(out.metadata().get(key)).usingRecursiveComparison().isEqualTo(in.metadata().get(key));
                }
                for (GgufTensorInfo t : in.tensors().values()) {
                    GgufTensorInfo u = out.tensor(t.name());
                    assertThat(u.type()).isEqualTo(t.type());
                    assertThat(u.shape()).isEqualTo(t.shape());
                    assertThat(out.tensorData(u).mismatch(in.tensorData(t))).isEqualTo(-1);
                }
            }
        }
        // The llama.cpp file was written with the same layout rules: the copy is byte-identical.
        assertThat(Files.mismatch(source, copy)).isEqualTo(-1);
    }

    @Test
    void everyMetadataTypeAndNestedArraysRoundTrip(@TempDir Path dir) {
        Path path = dir.resolve("types.gguf");
        GgufArray nested = new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                GgufArray.ofInt32s(1, 2, 3), GgufArray.ofInt32s(), GgufArray.ofInt32s(-7)});
        new GgufWriter()
                .put("u8", new GgufValue(GgufValueType.UINT8, (byte) 200))
                .put("i8", new GgufValue(GgufValueType.INT8, (byte) -5))
                .put("u16", new GgufValue(GgufValueType.UINT16, (short) 60000))
                .put("i16", new GgufValue(GgufValueType.INT16, (short) -300))
                .put("u32", GgufValue.ofUInt32(-1))
                .put("i32", GgufValue.ofInt32(-123456))
                .put("f32", GgufValue.ofFloat32(1.5f))
                .put("bool", GgufValue.ofBool(true))
                .put("str", GgufValue.ofString("héllo ▁ 世界"))
                .put("u64", GgufValue.ofUInt64(1L << 40))
                .put("i64", new GgufValue(GgufValueType.INT64, -(1L << 40)))
                .put("f64", new GgufValue(GgufValueType.FLOAT64, 2.25))
                .putArray("strs", GgufArray.ofStrings("a", "", "ccc"))
                .putArray("floats", GgufArray.ofFloats(0.5f, -1f))
                .putArray("nested", nested)
                .putUInt32("general.alignment", 64)
                .addTensor("t", GgmlType.F32, new long[] {4, 2}, GgufWriter.TensorPayload.ofFloats(new float[8]))
                .addTensor("u", GgmlType.Q8_0, new long[] {32}, GgufWriter.TensorPayload.of(
                        java.lang.foreign.MemorySegment.ofArray(new byte[34])))
                .write(path);
        try (GgufFile f = GgufFile.open(path)) {
            GgufMetadata m = f.metadata();
            assertThat(m.getInt("u8")).isEqualTo(200);
            assertThat(m.getInt("i8")).isEqualTo(-5);
            assertThat(m.getInt("u16")).isEqualTo(60000);
            assertThat(m.getInt("i16")).isEqualTo(-300);
            assertThat(m.getLong("u32")).isEqualTo(0xFFFF_FFFFL);
            assertThat(m.getInt("i32")).isEqualTo(-123456);
            assertThat(m.getFloat("f32")).isEqualTo(1.5f);
            assertThat(m.getBoolean("bool", false)).isTrue();
            assertThat(m.getString("str")).isEqualTo("héllo ▁ 世界");
            assertThat(m.getLong("u64")).isEqualTo(1L << 40);
            assertThat(m.getLong("i64")).isEqualTo(-(1L << 40));
            assertThat(m.getFloat("f64")).isEqualTo(2.25f);
            assertThat(m.getStringArray("strs")).containsExactly("a", "", "ccc");
            assertThat(m.getFloatArray("floats")).containsExactly(0.5f, -1f);
            GgufArray[] inner = (GgufArray[]) m.getArray("nested").values();
            assertThat((int[]) inner[0].values()).containsExactly(1, 2, 3);
            assertThat((int[]) inner[1].values()).isEmpty();
            assertThat((int[]) inner[2].values()).containsExactly(-7);
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            assertThat(f.tensor("u").fileOffset() % 64).isZero();
            assertThat(f.tensor("u").byteSize()).isEqualTo(34);
        }
    }
}
