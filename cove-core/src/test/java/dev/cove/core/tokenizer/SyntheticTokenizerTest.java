package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.CoveException;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.gguf.GgufValue;
import dev.cove.core.gguf.GgufValue.GgufArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The algorithms on small hand-made vocabularies: no shared data needed. */
class SyntheticTokenizerTest {

    /** A SentencePiece vocabulary: {@code <unk> <s> </s>}, the 256 byte tokens, then {@code extra} with their scores. */
    static GgufMetadata spm(Map<String, Float> extra, Map<String, GgufValue> more) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
            scores.add(0f);
        }
        extra.forEach((text, score) -> {
            tokens.add(text);
            types.add(1);
            scores.add(score);
        });
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        m.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        m.put("tokenizer.ggml.scores", GgufValue.ofArray(GgufArray.ofFloats(s)));
        m.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufArray.ofInt32s(types.stream().mapToInt(i -> i).toArray())));
        m.putAll(more);
        return new GgufMetadata(m);
    }

    /** A byte-level BPE vocabulary: the 256 byte spellings, then {@code extra}, with {@code merges}. */
    static GgufMetadata bpe(String pre, List<String> extra, List<String> merges) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.encode(b)));
        }
        tokens.addAll(extra);
        tokens.add("<|endoftext|>");
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, 1);
        types[types.length - 1] = 3;
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        if (pre != null) {
            m.put("tokenizer.ggml.pre", GgufValue.ofString(pre));
        }
        m.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        m.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufArray.ofInt32s(types)));
        m.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings(merges.toArray(String[]::new))));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(tokens.size() - 1));
        return new GgufMetadata(m);
    }

    private static Map<String, Float> scores(Object... textScore) {
        Map<String, Float> m = new LinkedHashMap<>();
        for (int i = 0; i < textScore.length; i += 2) {
            m.put((String) textScore[i], ((Number) textScore[i + 1]).floatValue());
        }
        return m;
    }

    private static final int FIRST_EXTRA = 3 + 256;

    @Test
    void spmMergesHighestScoreFirst() {
        // "ab" scores higher than "▁a": ▁ a b -> ▁ ab
        Tokenizer t = Tokenizer.fromGguf(spm(scores("▁", -10, "a", -10, "b", -10, "▁a", -5, "ab", -1), Map.of()));
        assertThat(t.encode("ab", false, false)).containsExactly(FIRST_EXTRA, FIRST_EXTRA + 4);
        // "▁a" scores higher: ▁ a b -> ▁a b
        t = Tokenizer.fromGguf(spm(scores("▁", -10, "a", -10, "b", -10, "▁a", -1, "ab", -5), Map.of()));
        assertThat(t.encode("ab", false, false)).containsExactly(FIRST_EXTRA + 3, FIRST_EXTRA + 2);
        // with "▁ab" both paths end in one token
        t = Tokenizer.fromGguf(spm(scores("▁", -10, "a", -10, "b", -10, "▁a", -1, "ab", -5, "▁ab", -3), Map.of()));
        assertThat(t.encode("ab", false, false)).containsExactly(FIRST_EXTRA + 5);
        assertThat(t.encode("ab", true, false)).containsExactly(1, FIRST_EXTRA + 5);
        assertThat(t.decode(t.encode("ab", true, false))).isEqualTo("ab");
    }

    @Test
    void spmTiesGoToTheLeftmostPair() {
        Map<String, GgufValue> noPrefix = Map.of("tokenizer.ggml.add_space_prefix", GgufValue.ofBool(false));
        Tokenizer t = Tokenizer.fromGguf(spm(scores("a", -1, "aa", -2), noPrefix));
        assertThat(t.encode("aaa", false, false)).containsExactly(FIRST_EXTRA + 1, FIRST_EXTRA);
        assertThat(t.encode("aaaaa", false, false)).containsExactly(FIRST_EXTRA + 1, FIRST_EXTRA + 1, FIRST_EXTRA);
    }

    @Test
    void spmFallsBackToByteTokens() {
        Tokenizer t = Tokenizer.fromGguf(spm(scores("▁", -1, "a", -1), Map.of()));
        // "é" is C3 A9; <0xNN> is token 3 + NN
        assertThat(t.encode("aé", false, false)).containsExactly(FIRST_EXTRA, FIRST_EXTRA + 1, 3 + 0xC3, 3 + 0xA9);
        assertThat(t.decode(t.encode("aé", true, false))).isEqualTo("aé");
    }

    @Test
    void bpeMergesLowestRankFirst() {
        List<String> extra = List.of("th", "he", "the", "Ġt", "Ġthe");
        int base = 256;
        Tokenizer t = Tokenizer.fromGguf(bpe("gpt-2", extra, List.of("t h", "h e", "th e", "Ġ t", "Ġt he")));
        assertThat(t.encode("the", false, false)).containsExactly(base + 2);
        // Ġ t h e: "t h" (rank 0) goes first, then "th e"; "Ġt" never forms, so neither does "Ġthe"
        // (token b of this vocabulary is byte b's spelling: Ġ is 0x20)
        assertThat(t.encode(" the", false, false)).containsExactly(0x20, base + 2);
        t = Tokenizer.fromGguf(bpe("gpt-2", extra, List.of("Ġ t", "h e", "Ġt he")));
        assertThat(t.encode(" the", false, false)).containsExactly(base + 4);
        // a merge whose result is not a token: llama.cpp then spells the symbol with one-byte
        // tokens, which exist only for ASCII spellings, so "Ġ" is lost
        t = Tokenizer.fromGguf(bpe("gpt-2", extra, List.of("Ġ t", "Ġt h")));
        assertThat(t.encode(" the", false, false)).containsExactly((int) 't', (int) 'h', (int) 'e');
        t = Tokenizer.fromGguf(bpe("gpt-2", extra, List.of("h e", "t h")));
        assertThat(t.encode("the", false, false)).containsExactly((int) 't', base + 1);
        assertThat(t.decode(t.encode(" the them", false, false))).isEqualTo(" the them");
        assertThat(t.vocabulary().addBos()).isFalse();
        assertThat(t.encode("x", true, false)).containsExactly((int) 'x');
    }

    @Test
    void bpeWithoutPreUsesDefault() {
        Tokenizer t = Tokenizer.fromGguf(bpe(null, List.of(), List.of()));
        assertThat(t.vocabulary().preTokenizer()).isEqualTo("default");
        assertThat(t.decode(t.encode("héllo, wörld 1234", false, false))).isEqualTo("héllo, wörld 1234");
    }

    @Test
    void unsupportedModelsAreClearErrors() {
        assertThatThrownBy(() -> Tokenizer.fromGguf(bpe("mystery-bpe", List.of(), List.of())))
                .isInstanceOf(CoveException.class)
                .hasMessageContaining("mystery-bpe");
        Map<String, GgufValue> m = new LinkedHashMap<>(bpe("gpt-2", List.of(), List.of()).asMap());
        m.put("tokenizer.ggml.model", GgufValue.ofString("bert"));
        assertThatThrownBy(() -> Tokenizer.fromGguf(new GgufMetadata(m)))
                .isInstanceOf(CoveException.class)
                .hasMessageContaining("'bert'")
                .hasMessageContaining("not supported");
        m.remove("tokenizer.ggml.model");
        assertThatThrownBy(() -> Tokenizer.fromGguf(new GgufMetadata(m)))
                .isInstanceOf(CoveException.class)
                .hasMessageContaining("tokenizer.ggml.model");
        Map<String, GgufValue> noMerges = new LinkedHashMap<>(bpe("gpt-2", List.of(), List.of()).asMap());
        noMerges.remove("tokenizer.ggml.merges");
        assertThatThrownBy(() -> Tokenizer.fromGguf(new GgufMetadata(noMerges)))
                .isInstanceOf(CoveException.class)
                .hasMessageContaining("tokenizer.ggml.merges");
    }

    @Test
    void specialIdsComeFromMetadata() {
        Map<String, GgufValue> more = Map.of(
                "tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(2),
                "tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(1),
                "tokenizer.ggml.add_bos_token", GgufValue.ofBool(false),
                "tokenizer.ggml.add_eos_token", GgufValue.ofBool(true),
                "tokenizer.ggml.padding_token_id", GgufValue.ofUInt32(99999));
        Tokenizer t = Tokenizer.fromGguf(spm(scores("▁", -1, "a", -1), more));
        Vocabulary v = t.vocabulary();
        assertThat(v.bos()).isEqualTo(2);
        assertThat(v.eos()).isEqualTo(1);
        assertThat(v.pad()).isEqualTo(Vocabulary.NONE); // out of range: ignored
        assertThat(t.encode("a", true, false)).containsExactly(FIRST_EXTRA, FIRST_EXTRA + 1, 1);
        assertThat(v.isEndOfGeneration(1)).isTrue();
        assertThat(v.isEndOfGeneration(2)).isTrue(); // "</s>" is recognised by its text
        assertThatThrownBy(() -> v.tokenText(-1)).isInstanceOf(CoveException.class);
        assertThatThrownBy(() -> t.decode(new int[] {v.size()})).isInstanceOf(CoveException.class);
    }
}
