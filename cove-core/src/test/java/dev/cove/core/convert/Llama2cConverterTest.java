package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufTensorInfo;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufValue.GgufArray;
import dev.cove.core.gguf.GgufValueType;
import dev.cove.core.tensor.GgmlType;
import dev.cove.core.tokenizer.TokenType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cConverterTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Keys of the shipped file (made by llama.cpp's convert-llama2c-to-ggml) whose value Cove
     * deliberately writes differently, with the value Cove writes for stories260K (null: left out).
     */
    private static final Map<String, GgufValue> ACCEPTED_DIFFERENCES = new LinkedHashMap<>();

    static {
        // llama.cpp writes its own default n_ctx (128), not the checkpoint's max_seq_len.
        ACCEPTED_DIFFERENCES.put("llama.context_length", GgufValue.ofUInt32(512));
        // llama.cpp writes "llama"; the checkpoint's name says which model this is.
        ACCEPTED_DIFFERENCES.put("general.name", GgufValue.ofString("stories260K"));
        // llama.cpp writes 0xFFFFFFFF ("none"), which its own loader rejects as a bad special token id.
        ACCEPTED_DIFFERENCES.put("tokenizer.ggml.seperator_token_id", null);
        ACCEPTED_DIFFERENCES.put("tokenizer.ggml.padding_token_id", null);
    }

    @TempDir
    Path dir;

    @Test
    void stories260kConvertsToWhatLlamaCppWrote() {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        Path shipped = SharedData.require("models/stories260K/stories260K.gguf");
        Path out = dir.resolve("stories260K.gguf");

        Llama2cConverter.Result result = Llama2cConverter.convert(bin, tok, out);

        assertThat(result.tensorCount()).isEqualTo(48);
        assertThat(result.fileSize()).isEqualTo(sizeOf(out));
        assertThat(result.contextLength()).isEqualTo(512);
        try (GgufFile expected = GgufFile.open(shipped); GgufFile actual = GgufFile.open(out)) {
            // Tensors: same names in the same order, same types and shapes, same bytes. Equal q and k
            // bytes show that llama2.c's q/k rows are already in GGUF's RoPE layout (no permutation).
            assertThat(actual.tensors().keySet()).containsExactlyElementsOf(expected.tensors().keySet());
            for (GgufTensorInfo e : expected.tensors().values()) {
                GgufTensorInfo a = actual.tensor(e.name());
                assertThat(a.type()).as(e.name()).isEqualTo(e.type());
                assertThat(a.shape()).as(e.name()).containsExactly(e.shape());
                assertThat(actual.tensorData(a).mismatch(expected.tensorData(e))).as("bytes of " + e.name()).isEqualTo(-1L);
            }
            // Metadata: every key llama.cpp wrote, with its type and value, in its order, but for the accepted differences.
            List<String> expectedKeys = new ArrayList<>();
            for (Map.Entry<String, GgufValue> e : expected.metadata().asMap().entrySet()) {
                String key = e.getKey();
                GgufValue want = ACCEPTED_DIFFERENCES.containsKey(key) ? ACCEPTED_DIFFERENCES.get(key) : e.getValue();
                if (want != null) {
                    expectedKeys.add(key);
                    assertSameValue(key, actual.metadata().getValue(key), want);
                }
            }
            assertThat(actual.metadata().keys()).containsExactlyElementsOf(expectedKeys);
            assertThat(expected.metadata().getLong("llama.context_length")).isEqualTo(128);
            assertThat(expected.metadata().getString("general.name")).isEqualTo("llama");
            assertThat(expected.metadata().getLong("tokenizer.ggml.padding_token_id")).isEqualTo(0xFFFF_FFFFL);
        }
    }

    @Test
    void optionsReproduceLlamaCppsNameAndContextLength() {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        Path out = dir.resolve("out.gguf");

        Llama2cConverter.convert(bin, tok, out, Llama2cConverter.Options.defaults().withName("llama").withContextLength(128));

        try (GgufFile actual = GgufFile.open(out)) {
            assertThat(actual.metadata().getLong("llama.context_length")).isEqualTo(128);
            assertThat(actual.metadata().getString("general.name")).isEqualTo("llama");
        }
    }

    @Test
    void coveLoadsTheConvertedModel() {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        Path out = dir.resolve("stories260K.gguf");
        Llama2cConverter.convert(bin, tok, out);

        try (Model model = Model.load(out, 1)) {
            assertThat(model.config().embeddingLength()).isEqualTo(64);
            assertThat(model.config().contextLength()).isEqualTo(512);
            assertThat(model.config().headCountKv()).isEqualTo(4);
            assertThat(model.config().vocabularySize()).isEqualTo(512);
        }
    }

    /** Every tensor holds the right slice of the checkpoint: weight i of the file has value i. */
    @Test
    void tensorsComeFromTheirPlaceInTheCheckpoint() throws Exception {
        Llama2cFiles.Header h = Llama2cFiles.TINY;
        Path bin = Llama2cFiles.checkpoint(dir.resolve("tiny.bin"), h);
        Path tok = Llama2cFiles.tokenizer(dir.resolve("tok.bin"), Llama2cFiles.TINY_TOKENS);
        Path out = dir.resolve("tiny.gguf");

        Llama2cConverter.Result result = Llama2cConverter.convert(bin, tok, out);

        int d = h.dim();
        int kv = h.kvDim();
        int f = h.hidden();
        int v = 7;
        int layers = h.layers();
        // Offsets, in floats, of each array of run.c's memory_map_weights.
        long emb = 0;
        long rmsAtt = emb + (long) v * d;
        long wq = rmsAtt + (long) layers * d;
        long wk = wq + (long) layers * d * d;
        long wv = wk + (long) layers * d * kv;
        long wo = wv + (long) layers * d * kv;
        long rmsFfn = wo + (long) layers * d * d;
        long w1 = rmsFfn + (long) layers * d;
        long w2 = w1 + (long) layers * d * f;
        long w3 = w2 + (long) layers * d * f;
        long rmsFinal = w3 + (long) layers * d * f;
        long wcls = rmsFinal + d + (long) h.seqLen() * h.headSize();

        assertThat(result.tensorCount()).isEqualTo(3 + 9 * layers);
        assertThat(result.config()).isEqualTo(new Llama2cConfig(8, 12, 2, 4, 2, 7, 6, false));
        try (GgufFile g = GgufFile.open(out)) {
            expectTensor(g, "token_embd.weight", new long[] {d, v}, emb);
            expectTensor(g, "output_norm.weight", new long[] {d}, rmsFinal);
            expectTensor(g, "output.weight", new long[] {d, v}, wcls);
            for (int l = 0; l < layers; l++) {
                String p = "blk." + l + ".";
                expectTensor(g, p + "attn_q.weight", new long[] {d, d}, wq + (long) l * d * d);
                expectTensor(g, p + "attn_k.weight", new long[] {d, kv}, wk + (long) l * d * kv);
                expectTensor(g, p + "attn_v.weight", new long[] {d, kv}, wv + (long) l * d * kv);
                expectTensor(g, p + "attn_output.weight", new long[] {d, d}, wo + (long) l * d * d);
                expectTensor(g, p + "attn_norm.weight", new long[] {d}, rmsAtt + (long) l * d);
                expectTensor(g, p + "ffn_gate.weight", new long[] {d, f}, w1 + (long) l * d * f);
                expectTensor(g, p + "ffn_down.weight", new long[] {f, d}, w2 + (long) l * d * f);
                expectTensor(g, p + "ffn_up.weight", new long[] {d, f}, w3 + (long) l * d * f);
                expectTensor(g, p + "ffn_norm.weight", new long[] {d}, rmsFfn + (long) l * d);
            }
            var m = g.metadata();
            assertThat(m.getLong("llama.embedding_length")).isEqualTo(8);
            assertThat(m.getLong("llama.feed_forward_length")).isEqualTo(12);
            assertThat(m.getLong("llama.block_count")).isEqualTo(2);
            assertThat(m.getLong("llama.attention.head_count")).isEqualTo(4);
            assertThat(m.getLong("llama.attention.head_count_kv")).isEqualTo(2);
            assertThat(m.getLong("llama.rope.dimension_count")).isEqualTo(2);
            assertThat(m.getLong("llama.context_length")).isEqualTo(6);
            assertThat(m.getString("general.name")).isEqualTo("tiny");
        }
    }

    @Test
    void sharedClassifierIsWrittenAsACopyOfTheEmbedding() throws Exception {
        Llama2cFiles.Header h = new Llama2cFiles.Header(8, 12, 1, 2, 2, 7, 4);
        Path bin = Llama2cFiles.checkpoint(dir.resolve("shared.bin"), h);
        Path tok = Llama2cFiles.tokenizer(dir.resolve("tok.bin"), Llama2cFiles.TINY_TOKENS);
        Path out = dir.resolve("shared.gguf");

        Llama2cConverter.convert(bin, tok, out);

        try (GgufFile g = GgufFile.open(out)) {
            expectTensor(g, "output.weight", new long[] {8, 7}, 0);
            expectTensor(g, "token_embd.weight", new long[] {8, 7}, 0);
        }
    }

    @Test
    void tokensGetLlamaCppsTextsAndTypes() throws Exception {
        Path bin = Llama2cFiles.checkpoint(dir.resolve("tiny.bin"), Llama2cFiles.TINY);
        Path tok = Llama2cFiles.tokenizer(dir.resolve("tok.bin"), Llama2cFiles.TINY_TOKENS);
        Path out = dir.resolve("tiny.gguf");

        Llama2cConverter.convert(bin, tok, out);

        try (GgufFile g = GgufFile.open(out)) {
            var m = g.metadata();
            assertThat(m.getStringArray("tokenizer.ggml.tokens"))
                    .containsExactly("<unk>", "<s>", "</s>", "<0x41>", "\u2581hello", "", "wor\u2581ld");
            assertThat(m.getIntArray("tokenizer.ggml.token_type")).containsExactly(
                    TokenType.UNKNOWN.code(), TokenType.CONTROL.code(), TokenType.CONTROL.code(), TokenType.BYTE.code(),
                    TokenType.NORMAL.code(), TokenType.CONTROL.code(), TokenType.NORMAL.code());
            float[] scores = m.getFloatArray("tokenizer.ggml.scores");
            assertThat(scores).containsExactly(0f, -1f, -2f, -0f, -4f, -5f, -6f);
            assertThat(Float.floatToRawIntBits(scores[3])).isEqualTo(Float.floatToRawIntBits(-0.0f));
            assertThat(m.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(m.getLong("tokenizer.ggml.unknown_token_id")).isZero();
            assertThat(m.getLong("tokenizer.ggml.bos_token_id")).isEqualTo(1);
            assertThat(m.getLong("tokenizer.ggml.eos_token_id")).isEqualTo(2);
        }
    }

    @Test
    void byteTokensAreRecognisedAsLlamaCppDoes() {
        assertThat(Llama2cTokenizer.isByteToken("<0x0A>")).isTrue();
        assertThat(Llama2cTokenizer.isByteToken("<0xff>")).isTrue();
        assertThat(Llama2cTokenizer.isByteToken("<0x")).isFalse();
        assertThat(Llama2cTokenizer.isByteToken("<0xZZ>")).isFalse();
        assertThat(Llama2cTokenizer.isByteToken("0x41")).isFalse();
    }

    private static void expectTensor(GgufFile g, String name, long[] shape, long firstFloat) {
        GgufTensorInfo t = g.tensor(name);
        assertThat(t.type()).as(name).isEqualTo(GgmlType.F32);
        assertThat(t.shape()).as(name).containsExactly(shape);
        MemorySegment data = g.tensorData(t);
        long n = t.elementCount();
        for (long i = 0; i < n; i++) {
            float value = data.getAtIndex(F32, i);
            if (value != firstFloat + i) {
                throw new AssertionError(name + "[" + i + "] = " + value + ", expected float number " + (firstFloat + i)
                        + " of the checkpoint");
            }
        }
    }

    private static void assertSameValue(String key, GgufValue actual, GgufValue expected) {
        assertThat(actual).as("metadata key " + key).isNotNull();
        assertThat(actual.type()).as("type of " + key).isEqualTo(expected.type());
        if (expected.type() == GgufValueType.ARRAY) {
            GgufArray a = (GgufArray) actual.value();
            GgufArray e = (GgufArray) expected.value();
            assertThat(a.elementType()).as("element type of " + key).isEqualTo(e.elementType());
            switch (e.values()) {
                case float[] ef -> {
                    float[] af = (float[]) a.values();
                    assertThat(af).as(key).hasSameSizeAs(ef);
                    for (int i = 0; i < ef.length; i++) {
                        assertThat(Float.floatToRawIntBits(af[i])).as(key + "[" + i + "]").isEqualTo(Float.floatToRawIntBits(ef[i]));
                    }
                }
                case int[] ei -> assertThat((int[]) a.values()).as(key).containsExactly(ei);
                case String[] es -> assertThat((String[]) a.values()).as(key).containsExactly(es);
                default -> throw new AssertionError("unexpected array type of " + key);
            }
        } else if (expected.type() == GgufValueType.FLOAT32) {
            assertThat(Float.floatToRawIntBits((Float) actual.value())).as(key)
                    .isEqualTo(Float.floatToRawIntBits((Float) expected.value()));
        } else {
            assertThat(Objects.equals(actual.value(), expected.value())).as(key + ": " + actual + " vs " + expected).isTrue();
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
