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
    @Test
    void llama3() {
        Vocabulary v = TestVocabs.vocab("llama3").vocabulary();
        assertThat(v.model()).isEqualTo(Vocabulary.Model.BPE);
        assertThat(v.size()).isEqualTo(128256);
        assertThat(v.preTokenizer()).isEqualTo("llama-bpe");
        assertThat(v.bos()).isEqualTo(128000);
        assertThat(v.eos()).isEqualTo(128009);
        assertThat(v.eot()).isEqualTo(128009);
        assertThat(v.addBos()).isTrue();
        assertThat(v.newline()).isEqualTo(198);
        assertThat(v.endOfGenerationIds()).containsExactly(128001, 128009);
        assertThat(v.specialTokens()).hasSize(256);
    }

    @Test
    void qwen3() {
        Vocabulary v = TestVocabs.vocab("qwen2").vocabulary();
        assertThat(v.preTokenizer()).isEqualTo("qwen2");
        assertThat(v.size()).isEqualTo(151936);
        assertThat(v.bos()).isEqualTo(11); // llama.cpp's BPE default, not added
        assertThat(v.addBos()).isFalse();
        assertThat(v.eos()).isEqualTo(151645);
        assertThat(v.eot()).isEqualTo(151645);
        assertThat(v.pad()).isEqualTo(151643);
        // "</s>" is an ordinary BPE token of Qwen3, made a control token and an end of
        // generation by llama.cpp because of its text
        assertThat(v.endOfGenerationIds()).containsExactly(128247, 151643, 151645, 151662, 151663, 151664);
        assertThat(v.tokenType(128247)).isEqualTo(TokenType.CONTROL);
        assertThat(v.isUserDefined(151667)).isTrue(); // <think>
        assertThat(v.specialTokens()).hasSize(27);
    }

    @Test
    void gemma3() {
        Vocabulary v = TestVocabs.vocab("gemma3").vocabulary();
        assertThat(v.model()).isEqualTo(Vocabulary.Model.SPM);
        assertThat(v.size()).isEqualTo(262144);
        assertThat(v.addSpacePrefix()).isFalse();
        assertThat(v.bos()).isEqualTo(2);
        assertThat(v.eos()).isEqualTo(106);
        assertThat(v.eot()).isEqualTo(106);
        assertThat(v.unk()).isEqualTo(3);
        assertThat(v.pad()).isEqualTo(0);
        assertThat(v.newline()).isEqualTo(248);
        assertThat(v.endOfGenerationIds()).containsExactly(1, 106, 212);
        // "</s>" is USER_DEFINED in the file; llama.cpp overrides its type to CONTROL (a warning
        // "control-looking token ... its type will be overridden"), so it is no longer matched in
        // text without special-token parsing
        assertThat(v.tokenType(212)).isEqualTo(TokenType.CONTROL);
        assertThat(v.isUserDefined(212)).isFalse();
        assertThat(v.specialTokens()).hasSize(6414);
    }
}
