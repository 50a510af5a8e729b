package dev.cove.core.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * Lazy grammars ({@link Grammar#afterEach}, {@link Grammar#whenOutputStartsWith}): the output is
 * free until the trigger, held to the grammar from there to the end of one of its strings, then
 * free again. Driven token by token over real tokenizations, checking before each token what
 * {@link TokenConstraint#allows} says and that the mask agrees.
 */
class LazyGrammarTest {
    private static final String STORIES = "models/stories260K/stories260K.gguf";
    private static final String LLAMA = "vocab/ggml-vocab-llama-spm.gguf";

    @Test
    void freeUntilTheMarkerThenHeldUntilTheStringEndsThenFreeAgain() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        Grammar g = Grammar.parse("root ::= \" \" [0-9]{2} \".\"").afterEach("<go>");
        assertThat(firstRefused(g, tokenizer, "Tom ran fast.<go> 12. Then he sat.<go> 34. The end")).isEqualTo(-1);
        assertThat(firstRefusedText(g, tokenizer, "Tom ran<go> 1x")).endsWith("x");
        assertThat(firstRefused(g, tokenizer, "no marker at all: 1x, {}, anything")).isEqualTo(-1);
    }

    @Test
    void aMarkerSplitAcrossTokensIsSeen() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        TokenConstraint c = Grammar.parse("root ::= \"!\"").afterEach("<go>").constrain(tokenizer);
        for (byte b : "a<go".getBytes()) {
            c.accept(byteToken(tokenizer, b));
            assertThat(c.isHolding()).isFalse();
        }
        c.accept(byteToken(tokenizer, (byte) '>'));
        assertThat(c.isHolding()).isTrue();
        assertThat(c.allows(byteToken(tokenizer, (byte) '?'))).isFalse();
        assertThat(c.isAccepting()).as("end of generation waits for the grammar").isFalse();
        c.accept(byteToken(tokenizer, (byte) '!'));
        assertThat(c.isHolding()).isFalse();
        assertThat(c.isComplete()).as("a lazy grammar never ends the generation").isFalse();
        c.reset();
        assertThat(c.isHolding()).isFalse();
    }

    @Test
    void aControlTokenWhoseTextIsTheMarkerTriggers() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        int bos = tokenizer.vocabulary().bos();
        String text = tokenizer.vocabulary().tokenText(bos);
        TokenConstraint c = Grammar.parse("root ::= \"!\"").afterEach(text).constrain(tokenizer);
        c.accept(bos);
        assertThat(c.isHolding()).isTrue();
        assertThat(c.allows(byteToken(tokenizer, (byte) '!'))).isTrue();
        assertThat(c.allows(byteToken(tokenizer, (byte) '?'))).isFalse();
    }

    @Test
    void anAtStartTriggerHoldsOnlyWhenTheOutputBeginsWithIt() {
        Tokenizer tokenizer = Vocabs.of(LLAMA);
        Grammar g = Grammar.parse("root ::= \"{\" [a-z]+ \"}\"").whenOutputStartsWith("{");
        assertThat(firstRefused(g, tokenizer, "{abc} then {anything 1 2 3")).isEqualTo(-1);
        assertThat(firstRefusedText(g, tokenizer, "  {ab1}")).contains("1");
        assertThat(firstRefused(g, tokenizer, "Sure: {ab1}")).isEqualTo(-1);
    }

    @Test
    void theMaskSaysWhatTheCheckSaysWhileHeldAndLetsAllThroughWhileFree() {
        Tokenizer tokenizer = Vocabs.of(STORIES);
        TokenConstraint c = Grammar.parse("root ::= [a-c]+ \";\"").afterEach("<go>").constrain(tokenizer);
        int n = tokenizer.vocabulary().size();
        for (int token : tokenizer.encode("xy<go>ab", false, false)) {
            float[] logits = new float[n];
            c.apply(logits, n);
            for (int t = 0; t < n; t++) {
                assertThat(logits[t] != Float.NEGATIVE_INFINITY).as("token %d", t).isEqualTo(c.allows(t));
            }
            c.accept(token);
        }
        assertThat(c.isHolding()).isTrue();
    }

    /** The index of the first token of {@code text} the constraint refuses, or -1. */
    static int firstRefused(Grammar g, Tokenizer tokenizer, String text) {
        TokenConstraint c = g.constrain(tokenizer);
        int[] tokens = tokenizer.encode(text, false, false);
        for (int i = 0; i < tokens.length; i++) {
            if (!c.allows(tokens[i])) {
                return i;
            }
            c.accept(tokens[i]);
        }
        return -1;
    }

    /** The text up to and including the first refused token. */
    private static String firstRefusedText(Grammar g, Tokenizer tokenizer, String text) {
        int[] tokens = tokenizer.encode(text, false, false);
        int at = firstRefused(g, tokenizer, text);
        assertThat(at).as("a refused token in %s", text).isNotNegative();
        return tokenizer.decode(java.util.Arrays.copyOf(tokens, at + 1));
    }

    private static int byteToken(Tokenizer tokenizer, byte b) {
        int id = tokenizer.vocabulary().tokenId(String.format("<0x%02X>", b & 0xff));
        assertThat(id).isGreaterThanOrEqualTo(0);
        return id;
    }
}
