package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Special tokens in the input: parsed only on request (control tokens), always (user-defined tokens). */
class SpecialTokensTest {

    @Test
    void controlTokensAreParsedOnlyWhenAsked() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        // parsed: the text after a special token gets its own space prefix, as in llama.cpp
        assertThat(t.encode("<s>Hello</s>", false, true)).containsExactly(1, 15043, 2);
        assertThat(t.encode("<s>Hello</s>", true, true)).containsExactly(1, 1, 15043, 2);
        // not parsed: plain text, no control token comes out
        int[] plain = t.encode("<s>Hello</s>", true, false);
        assertThat(plain[0]).isEqualTo(1);
        assertThat(Arrays.copyOfRange(plain, 1, plain.length)).doesNotContain(1, 2).hasSizeGreaterThan(3);
        assertThat(t.decode(plain)).isEqualTo("<s>Hello</s>");
    }

    @Test
    void controlTokenTextInLiteralRangesStaysText() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        String text = "<s>[INST] a</s><s>b [/INST]</s>";
        java.util.BitSet literal = new java.util.BitSet();
        int start = text.indexOf(" a") + 1;
        literal.set(start, text.indexOf(" [/INST]")); // "a</s><s>b", as if typed by a user
        int[] tokens = t.encode(text, false, literal);
        // the template's <s> and final </s> are control tokens; the typed ones are text
        assertThat(tokens[0]).isEqualTo(1);
        assertThat(tokens[tokens.length - 1]).isEqualTo(2);
        assertThat(Arrays.stream(tokens).filter(id -> id == 1 || id == 2).count()).isEqualTo(2);
        assertThat(t.decode(tokens, true)).isEqualTo(text);
        // nothing literal: the same as parsing special tokens everywhere
        assertThat(t.encode(text, true, new java.util.BitSet())).containsExactly(t.encode(text, true, true));
        // a special token only partly inside a literal range is not parsed either
        java.util.BitSet tail = new java.util.BitSet();
        tail.set(text.length() - 2);
        int[] partly = t.encode(text, false, tail);
        assertThat(partly[partly.length - 1]).isNotEqualTo(2);
        assertThat(t.decode(partly, true)).isEqualTo(text);
    }

    @Test
    void specialTokensRenderOnlyWhenAsked() {
        Tokenizer t = TestVocabs.vocab("llama-spm");
        int[] tokens = t.encode("<s>Hello</s>", true, true);
        assertThat(t.decode(tokens)).isEqualTo("Hello");
        assertThat(t.decode(tokens, true)).isEqualTo("<s><s>Hello</s>");
        assertThat(t.tokenBytes(2)).asString().isEqualTo("</s>");
    }

    @Test
    void bpeControlTokens() {
        Tokenizer t = TestVocabs.vocab("gpt-2");
        assertThat(t.encode("a<|endoftext|>b", false, true)).containsExactly(64, 50256, 65);
        int[] plain = t.encode("a<|endoftext|>b", false, false);
        assertThat(plain).doesNotContain(50256).hasSizeGreaterThan(3);
        assertThat(t.decode(plain)).isEqualTo("a<|endoftext|>b");
        // gpt2 models add no BOS unless the file asks
        assertThat(t.encode("a", true, false)).containsExactly(64);

        Tokenizer ds = TestVocabs.vocab("deepseek-coder");
        assertThat(ds.encode("a", true, false)).containsExactly(32013, 64);
        assertThat(ds.encode("<｜begin▁of▁sentence｜>a", false, true)).containsExactly(32013, 64);
    }

    @Test
    void userDefinedTokensAreAlwaysCutOut() {
        // deepseek-coder declares single characters such as 'õ' (32000) as user-defined tokens
        Tokenizer ds = TestVocabs.vocab("deepseek-coder");
        assertThat(ds.encode("õ", false, false)).containsExactly(32000);
        assertThat(ds.encode("<|User|>", false, false)).containsExactly(32019);
        assertThat(ds.decode(new int[] {32019})).isEqualTo("<|User|>"); // user-defined tokens always render
    }

    @Test
    void phi3SpecialTokensSwallowTheWhitespaceAfterThem() {
        Tokenizer t = TestVocabs.vocab("phi-3");
        int[] hi = t.encode("Hi", false, false);
        // <|user|> is a control token marked RSTRIP for Phi-3 (llama.cpp keys this on general.name)
        assertThat(t.encode("<|user|>\nHi", false, true)).containsExactly(IntStream.concat(IntStream.of(32010),
                IntStream.of(hi)).toArray());
        // "</s>" is user-defined in this file but, being an end-of-generation token, llama.cpp overrides its
        // type to control ("control-looking token"): it is parsed only on request, and is RSTRIP
        int[] world = t.encode("world", false, false);
        int[] expected = IntStream.concat(IntStream.concat(IntStream.of(t.encode("Hello", false, false)), IntStream.of(2)),
                IntStream.of(world)).toArray();
        assertThat(t.encode("Hello</s>   world", false, true)).containsExactly(expected);
        assertThat(t.encode("Hello</s>   world", false, false)).doesNotContain(2);
        assertThat(t.vocabulary().isControl(2)).isTrue();
        assertThat(t.vocabulary().isUserDefined(2)).isFalse();
    }
}
