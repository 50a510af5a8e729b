package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Special ids and flags read from the shared vocabulary files, as llama.cpp reports them. */
class VocabularyTest {

    @Test
    void llamaSpm() {
        Vocabulary v = TestVocabs.vocab("llama-spm").vocabulary();
        assertThat(v.model()).isEqualTo(Vocabulary.Model.SPM);
        assertThat(v.size()).isEqualTo(32000);
        assertThat(v.bos()).isEqualTo(1);
        assertThat(v.eos()).isEqualTo(2);
        assertThat(v.unk()).isEqualTo(0);
        assertThat(v.eot()).isEqualTo(Vocabulary.NONE);
        assertThat(v.newline()).isEqualTo(13);
        assertThat(v.addBos()).isTrue();
        assertThat(v.addEos()).isFalse();
        assertThat(v.addSpacePrefix()).isTrue();
        assertThat(v.preTokenizer()).isNull();
        assertThat(v.endOfGenerationIds()).containsExactly(2);
        assertThat(v.tokenId("▁Hello")).isEqualTo(15043);
        assertThat(v.tokenText(15043)).isEqualTo("▁Hello");
        assertThat(v.tokenId("no such token")).isEqualTo(Vocabulary.NONE);
        assertThat(v.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(v.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(v.tokenType(3)).isEqualTo(TokenType.BYTE);
        assertThat(v.tokenType(15043)).isEqualTo(TokenType.NORMAL);
        assertThat(v.score(15043)).isNegative();
    }

    @Test
    void phi3() {
        Vocabulary v = TestVocabs.vocab("phi-3").vocabulary();
        assertThat(v.eos()).isEqualTo(32000);
        assertThat(v.pad()).isEqualTo(32000);
        assertThat(v.eot()).isEqualTo(32007); // "<|end|>", recognised by its text
        assertThat(v.endOfGenerationIds()).containsExactly(2, 32000, 32007);
        assertThat(v.isEndOfGeneration(32007)).isTrue();
        assertThat(v.isEndOfGeneration(32010)).isFalse();
    }

    @Test
    void gpt2() {
        Vocabulary v = TestVocabs.vocab("gpt-2").vocabulary();
        assertThat(v.model()).isEqualTo(Vocabulary.Model.BPE);
        assertThat(v.size()).isEqualTo(50257);
        assertThat(v.bos()).isEqualTo(50256);
        assertThat(v.eos()).isEqualTo(50256);
        assertThat(v.eot()).isEqualTo(50256);
        assertThat(v.unk()).isEqualTo(Vocabulary.NONE);
        assertThat(v.addBos()).isFalse();
        assertThat(v.addSpacePrefix()).isFalse();
        assertThat(v.preTokenizer()).isEqualTo("gpt-2");
        assertThat(v.newline()).isEqualTo(198);
        assertThat(v.isControl(50256)).isTrue();
    }

    @Test
    void deepseekCoder() {
        Vocabulary v = TestVocabs.vocab("deepseek-coder").vocabulary();
        assertThat(v.bos()).isEqualTo(32013);
        assertThat(v.eos()).isEqualTo(32014);
        assertThat(v.eot()).isEqualTo(32014);
        assertThat(v.addBos()).isTrue();
        assertThat(v.fimPrefix()).isEqualTo(32016);
        assertThat(v.fimSuffix()).isEqualTo(32015);
        assertThat(v.fimMiddle()).isEqualTo(32017);
        assertThat(v.isControl(32016)).isTrue();
        assertThat(v.isUserDefined(32000)).isTrue();
        assertThat(v.preTokenizer()).isEqualTo("deepseek-coder");
    }
}
