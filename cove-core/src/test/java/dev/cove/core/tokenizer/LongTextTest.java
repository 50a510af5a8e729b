package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Megabyte inputs: a guard against quadratic behaviour (a quadratic merge loop would take hours
 * on these), not a performance measurement.
 */
class LongTextTest {
    private static final int MEGABYTE = 1 << 20;

    private static String prose() {
        String paragraph = "Once upon a time, there was a little robot named Benny. Benny loved to play with his toys "
                + "and run around the park! He'd say: \"I'm 3.14 years old\" — café, naïve, 東京, 🦙🦙\n\t";
        StringBuilder sb = new StringBuilder(MEGABYTE + paragraph.length());
        while (sb.length() < MEGABYTE) {
            sb.append(paragraph);
        }
        return sb.toString();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void megabyteOfProse() {
        String text = prose();
        for (String name : new String[] {"llama-spm", "gpt-2", "deepseek-coder"}) {
            Tokenizer t = TestVocabs.vocab(name);
            int[] tokens = t.encode(text, true, false);
            assertThat(tokens.length).as(name).isGreaterThan(MEGABYTE / 8);
            assertThat(t.decode(tokens)).as(name).hasSize(text.length());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void megabyteWithoutSpaces() {
        // one huge "word": every merge happens inside a single symbol list
        String text = "abcdefghij".repeat(MEGABYTE / 10);
        for (String name : new String[] {"llama-spm", "gpt-2"}) {
            Tokenizer t = TestVocabs.vocab(name);
            int[] tokens = t.encode(text, false, false);
            assertThat(tokens.length).as(name).isGreaterThan(MEGABYTE / 10);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void longRunsThroughEveryPreTokenizer() {
        // long runs of one class are where a recursive regex engine would overflow its stack
        int run = MEGABYTE / 8;
        String text = "a".repeat(run) + " ".repeat(run) + "1".repeat(run) + "\n".repeat(run) + "é".repeat(run)
                + "!".repeat(run) + " \t".repeat(run / 2) + "Ab".repeat(run / 2);
        for (String pre : new String[] {"default", "llama3", "qwen2", "deepseek-llm", "deepseek-coder", "deepseek-v3", "falcon",
            "starcoder", "gpt-2", "stablelm2", "bloom", "viking", "tekken", "gpt-4o", "seed-coder"}) {
            Tokenizer t = Tokenizer.fromGguf(SyntheticTokenizerTest.bpe(pre, List.of(), List.of()));
            assertThat(t.decode(t.encode(text, false, false))).as(pre).isEqualTo(text);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void megabyteOnSyntheticVocabularies() {
        String text = "aaaaaaab ".repeat(MEGABYTE / 9) + "a".repeat(MEGABYTE);
        Tokenizer spm = Tokenizer.fromGguf(SyntheticTokenizerTest.spm(
                Map.of("▁", -1f, "a", -1f, "b", -1f, "aa", -2f, "aaaa", -3f, "▁a", -4f), Map.of()));
        assertThat(spm.decode(spm.encode(text, true, false))).isEqualTo(text);
        Tokenizer bpe = Tokenizer.fromGguf(SyntheticTokenizerTest.bpe("gpt-2", List.of("aa", "aaaa", "Ġa"),
                List.of("a a", "aa aa", "Ġ a")));
        assertThat(bpe.decode(bpe.encode(text, false, false))).isEqualTo(text);
    }
}
