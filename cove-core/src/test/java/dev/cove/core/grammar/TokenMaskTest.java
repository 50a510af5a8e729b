package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The trie walk gives, for every state, exactly the tokens whose bytes the automaton accepts one
 * by one (the definition), on real vocabularies: byte-fallback SentencePiece (stories260K's 512
 * tokens; LLaMA's 32k), at states reached by random prefixes
 * of grammar strings, including ones that end inside a UTF-8 character.
 */
class TokenMaskTest {
    private static final String[] GRAMMARS = {
        Grammar.anyJsonObject().gbnf(),
        "root ::= [a-z]+ (\" \" [a-z]+)* \".\"",
        "root ::= \"é\" | \"中文\" [^a-z]{1,3} | \"😀\"+",
        "root ::= ([0-9]{1,3} \",\")* [0-9]{1,3}",
    };

    @ParameterizedTest
    @ValueSource(strings = {"models/stories260K/stories260K.gguf", "vocab/ggml-vocab-llama-spm.gguf"})
    void maskIsExactlyTheTokensTheAutomatonAccepts(String vocab) {
        Tokenizer tokenizer = Vocabs.of(vocab);
        TokenTrie trie = TokenTrie.of(tokenizer);
        SplittableRandom random = new SplittableRandom(7);
        int states = tokenizer.vocabulary().size() > 10_000 ? 3 : 12;
        for (String gbnf : GRAMMARS) {
            Grammar g = Grammar.parse(gbnf);
            TokenMasks masks = TokenMasks.of(g, trie);
            for (int i = 0; i < states; i++) {
                GrammarState state = randomPrefixState(g, random);
                long[] mask = masks.mask(state);
                for (int t = 0; t < trie.vocabularySize; t++) {
                    boolean expected = trie.bytes[t] != null && g.acceptBytes(state, trie.bytes[t]) != null;
                    boolean got = (mask[t >>> 6] & (1L << t)) != 0;
                    if (expected != got) {
                        throw new AssertionError("token " + t + " " + Arrays.toString(trie.bytes[t]) + ": expected "
                                + expected + " in " + gbnf);
                    }
                }
            }
        }
    }

    @Test
    void endOfGenerationOnlyWhereTheGrammarAccepts() {
        Tokenizer tokenizer = Vocabs.of("models/stories260K/stories260K.gguf");
        int eos = tokenizer.vocabulary().eos();
        TokenConstraint c = Grammar.parse("root ::= \"ab\" \"c\"?").constrain(tokenizer);
        int n = tokenizer.vocabulary().size();
        float[] logits = new float[n];
        c.apply(logits, n);
        assertThat(logits[eos]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> c.accept(eos)).isInstanceOf(GrammarException.class);
        for (byte b : "ab".getBytes(StandardCharsets.UTF_8)) {
            c.accept(byteToken(tokenizer, b));
        }
        Arrays.fill(logits, 1f);
        c.apply(logits, n);
        assertThat(logits[eos]).isEqualTo(1f);
        assertThat(c.isAccepting()).isTrue();
        assertThat(c.isComplete()).isFalse();
        c.accept(byteToken(tokenizer, (byte) 'c'));
        assertThat(c.isComplete()).isTrue();
        Arrays.fill(logits, 1f);
        c.apply(logits, n);
        for (int t = 0; t < n; t++) {
            assertThat(logits[t]).isEqualTo(t == eos || tokenizer.vocabulary().isEndOfGeneration(t) ? 1f
                    : Float.NEGATIVE_INFINITY);
        }
        assertThatThrownBy(() -> c.accept(byteToken(tokenizer, (byte) 'c'))).isInstanceOf(GrammarException.class)
                .hasMessageContaining("not allowed");
    }

    @Test
    void idsBeyondTheVocabularyAreMasked() {
        Tokenizer tokenizer = Vocabs.of("models/stories260K/stories260K.gguf");
        TokenConstraint c = Grammar.parse("root ::= [a-z]+").constrain(tokenizer);
        int n = tokenizer.vocabulary().size();
        float[] logits = new float[n + 10];
        c.apply(logits, n + 10);
        for (int t = n; t < n + 10; t++) {
            assertThat(logits[t]).isEqualTo(Float.NEGATIVE_INFINITY);
        }
    }

    private static int byteToken(Tokenizer tokenizer, byte b) {
        int id = tokenizer.vocabulary().tokenId(String.format("<0x%02X>", b & 0xff));
        assertThat(id).isGreaterThanOrEqualTo(0);
        return id;
    }

    /** The state after a random prefix of a random string of {@code g}, cut at a random byte. */
    static GrammarState randomPrefixState(Grammar g, SplittableRandom random) {
        String s = RandomStrings.sample(g, random, 60);
        byte[] bytes = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        int cut = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
        GrammarState state = g.acceptBytes(g.initial(), Arrays.copyOf(bytes, cut));
        assertThat(state).isNotNull();
        return state;
    }
}
