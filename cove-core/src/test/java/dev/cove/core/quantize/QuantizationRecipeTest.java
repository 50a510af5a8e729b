package dev.cove.core.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.tensor.GgmlType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** llama.cpp's mixes on model shapes other than small-test's, and its fallbacks for rows that are not whole blocks. */
class QuantizationRecipeTest {

    /** The tensor names of an n-layer llama in llama.cpp's order, with 4096-wide rows. */
    private static Map<String, GgmlType> decide(FileType type, int layers, int heads, int kvHeads, boolean tied, long width) {
        List<String> names = new ArrayList<>();
        if (!tied) {
            names.add("output.weight");
        }
        names.add("output_norm.weight");
        names.add("token_embd.weight");
        for (int l = 0; l < layers; l++) {
            for (String s : new String[] {"attn_k", "attn_norm", "attn_output", "attn_q", "attn_v", "ffn_down", "ffn_gate",
                "ffn_norm", "ffn_up"}) {
                names.add("blk." + l + "." + s + ".weight");
            }
        }
        names.sort(TensorOrder.LLAMA_CPP);
        QuantizationRecipe r = new QuantizationRecipe(type, false,
                new QuantizationRecipe.ModelShape("llama", layers, heads, kvHeads, 0), names, null, null);
        Map<String, GgmlType> out = new LinkedHashMap<>();
        for (String n : names) {
            long[] shape = n.contains("norm") ? new long[] {width} : new long[] {width, width};
            out.put(n, r.decide(n, shape, GgmlType.F16).type());
        }
        return out;
    }

    @Test
    void q4KmGivesHalfOfAttnVAndFfnDownSixBits() {
        Map<String, GgmlType> t = decide(FileType.Q4_K_M, 32, 32, 32, false, 4096);
        List<Integer> six = new ArrayList<>();
        for (int l = 0; l < 32; l++) {
            assertThat(t.get("blk." + l + ".attn_v.weight")).isEqualTo(t.get("blk." + l + ".ffn_down.weight"));
            if (t.get("blk." + l + ".attn_v.weight") == GgmlType.Q6_K) {
                six.add(l);
            }
            assertThat(t.get("blk." + l + ".attn_q.weight")).isEqualTo(GgmlType.Q4_K);
            assertThat(t.get("blk." + l + ".attn_norm.weight")).isEqualTo(GgmlType.F16); // not quantizable: unchanged
        }
        // use_more_bits: the first and last eighth, and every third layer in between
        assertThat(six).containsExactly(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
        assertThat(t.get("output.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("token_embd.weight")).isEqualTo(GgmlType.Q4_K);
    }

    @Test
    void q3KmAndQ2K() {
        Map<String, GgmlType> q3 = decide(FileType.Q3_K_M, 32, 32, 8, false, 4096);
        assertThat(q3.get("blk.0.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(q3.get("blk.1.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(q3.get("blk.2.attn_v.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(q3.get("blk.1.ffn_down.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(q3.get("blk.2.ffn_down.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(q3.get("blk.5.attn_output.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(q3.get("blk.5.ffn_up.weight")).isEqualTo(GgmlType.Q3_K);
        Map<String, GgmlType> q2 = decide(FileType.Q2_K, 32, 32, 8, false, 4096);
        assertThat(q2.get("blk.3.attn_v.weight")).isEqualTo(GgmlType.Q4_K); // 4 query heads per key/value head
        assertThat(q2.get("blk.3.ffn_down.weight")).isEqualTo(GgmlType.Q3_K);
        assertThat(q2.get("blk.3.attn_output.weight")).isEqualTo(GgmlType.Q3_K);
        assertThat(q2.get("blk.3.ffn_gate.weight")).isEqualTo(GgmlType.Q2_K);
        assertThat(decide(FileType.Q2_K, 32, 32, 32, false, 4096).get("blk.3.attn_v.weight")).isEqualTo(GgmlType.Q3_K);
    }

    @Test
    void seventyBGetsMoreBitsInAttnV() {
        Map<String, GgmlType> t = decide(FileType.Q4_K_S, 80, 64, 8, false, 256);
        assertThat(t.get("blk.10.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
    }

    @Test
    void tiedEmbeddingsAreQuantizedLikeTheOutput() {
        Map<String, GgmlType> t = decide(FileType.Q4_0, 4, 4, 4, true, 4096);
        assertThat(t.get("token_embd.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("blk.0.attn_q.weight")).isEqualTo(GgmlType.Q4_0);
    }

    @Test
    void llamaCppOrdersTensorsByLayerNumber() {
        List<String> names = new ArrayList<>(List.of("blk.10.attn_q.weight", "token_embd.weight", "blk.2.ffn_up.weight",
                "output.weight", "blk.2.attn_k.weight", "output_norm.weight"));
        names.sort(TensorOrder.LLAMA_CPP);
        assertThat(names).containsExactly("output.weight", "output_norm.weight", "token_embd.weight", "blk.2.attn_k.weight",
                "blk.2.ffn_up.weight", "blk.10.attn_q.weight");
    }

    /** stories260K: rows of 64 and 172 weights, never whole K-quant super-blocks of 256. */
    @Test
    void stories260KFallsBackWhereRowsAreNotWholeBlocks() {
        try (GgufFile f = GgufFile.open(SharedData.require("models/stories260K/stories260K.gguf"))) {
            Map<String, Quantizer.TensorPlan> plan = new LinkedHashMap<>();
            for (Quantizer.TensorPlan p : Quantizer.plan(f, Quantizer.Options.of(FileType.Q4_K_M))) {
                plan.put(p.name(), p);
            }
            assertThat(plan.get("output.weight").target()).isEqualTo(GgmlType.Q8_0); // llama.cpp: 64 % 256 != 0 -> Q8_0
            assertThat(plan.get("token_embd.weight").target()).isEqualTo(GgmlType.Q5_0); // Q4_K -> Q5_0
            assertThat(plan.get("blk.0.attn_q.weight").target()).isEqualTo(GgmlType.Q5_0);
            assertThat(plan.get("blk.4.attn_v.weight").target()).isEqualTo(GgmlType.Q8_0); // Q6_K -> Q8_0
            assertThat(plan.get("blk.0.attn_v.weight").target()).isEqualTo(GgmlType.Q5_0);
            assertThat(plan.get("blk.0.ffn_down.weight").target()).isEqualTo(GgmlType.F16); // 172: not even 32-blocks
            assertThat(plan.get("blk.0.ffn_down.weight").fallbackNote()).contains("172").contains("F16");
            assertThat(plan.get("blk.0.attn_norm.weight").target()).isEqualTo(GgmlType.F32);

            Map<String, Quantizer.TensorPlan> q80 = new LinkedHashMap<>();
            for (Quantizer.TensorPlan p : Quantizer.plan(f, Quantizer.Options.of(FileType.Q8_0))) {
                q80.put(p.name(), p);
            }
            assertThat(q80.get("blk.0.attn_q.weight").target()).isEqualTo(GgmlType.Q8_0);
            assertThat(q80.get("blk.0.ffn_down.weight").target()).isEqualTo(GgmlType.F16);
        }
    }

    @Test
    void fileTypeNamesAreLlamaQuantizes() {
        assertThat(FileType.parse("q4_k")).isEqualTo(FileType.Q4_K_M);
        assertThat(FileType.parse("Q5_K_S")).isEqualTo(FileType.Q5_K_S);
        assertThat(FileType.parse("bf16").id()).isEqualTo(32);
        assertThat(FileType.byId(15)).isEqualTo(FileType.Q4_K_M);
        assertThatThrownBy(() -> FileType.parse("IQ2_XXS")).hasMessageContaining("unknown quantization type");
    }
}
