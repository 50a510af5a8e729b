package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.core.CoveException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each pre-tokenizer on sample strings; expectations follow the regexes' semantics in llama.cpp. */
class PreTokenizerTest {

    private static List<String> split(String pre, String text) {
        return PreTokenizer.of(PreTokenizer.resolve(pre).type()).split(text);
    }

    @Test
    void gpt2() {
        assertThat(split("gpt-2", "Hello world")).containsExactly("Hello", " world");
        assertThat(split("gpt-2", "I'm here, don't!!! 123")).containsExactly("I", "'m", " here", ",", " don", "'t", "!!!", " 123");
        assertThat(split("gpt-2", "  two   spaces  ")).containsExactly(" ", " two", "  ", " spaces", "  ");
        assertThat(split("gpt-2", "a\tb\n\nc")).containsExactly("a", "\t", "b", "\n", "\n", "c");
        assertThat(split("gpt-2", "naïve café 42€")).containsExactly("naïve", " café", " 42", "€");
        assertThat(split("gpt-2", "I'M")).containsExactly("I", "'", "M"); // case-sensitive contractions
        // the names sharing GPT-2's expression
        for (String name : new String[] {"mpt", "olmo", "phi-2", "gpt-neox", "jais"}) {
            assertThat(split(name, "I'm here")).as(name).containsExactly("I", "'m", " here");
        }
    }

    @Test
    void llama3() {
        assertThat(split("llama-bpe", "Hello World's 12345")).containsExactly("Hello", " World", "'s", " ", "123", "45");
        assertThat(split("llama3", "I'LL go")).containsExactly("I", "'LL", " go");
        assertThat(split("llama3", "a\n\nb  c")).containsExactly("a", "\n\n", "b", " ", " c");
        assertThat(split("llama3", "x...\n\ny")).containsExactly("x", "...\n\n", "y");
        assertThat(split("llama3", "(hello)")).containsExactly("(hello", ")");
        assertThat(split("dbrx", "Hello World's")).containsExactly("Hello", " World", "'s");
    }

    @Test
    void qwen2AndStablelm2() {
        for (String name : new String[] {"qwen2", "stablelm2"}) {
            assertThat(split(name, "abc 2024!")).as(name).containsExactly("abc", " ", "2", "0", "2", "4", "!");
            assertThat(split(name, "héllo wörld's")).as(name).containsExactly("héllo", " wörld", "'s");
            assertThat(split(name, "a\r\n\r\nb")).as(name).containsExactly("a", "\r\n\r\n", "b");
        }
    }

    @Test
    void deepseekCoder() {
        assertThat(split("deepseek-coder", "Hello\nworld 123, ok"))
                .containsExactly("Hello", "\n", "world", " ", "1", "2", "3", ",", " ok");
        assertThat(split("deepseek-coder", "print(\"你好\")")).containsExactly("print", "(\"", "你好", "\")");
    }

    @Test
    void deepseekLlm() {
        assertThat(split("deepseek-llm", "Hello\n世界 42")).containsExactly("Hello", "\n", "世界", " ", "42");
        assertThat(split("deepseek-llm", "Ωμέγα K ok  ")).containsExactly("Ωμέγα", " K", " ok", "  ");
        // the third expression's range ":-~" spans the ASCII letters, so they split from a non-ASCII prefix
        assertThat(split("deepseek-llm", "Ωmega")).containsExactly("Ω", "mega");
    }

    @Test
    void defaultAndFalcon() {
        assertThat(split("default", "Hello, world! 1234567"))
                .containsExactly("Hello", ",", " world", "!", " ", "123", "456", "7");
        assertThat(split("falcon", "a`b 1234")).containsExactly("a", "`", "b", " ", "123", "4");
    }

    @Test
    void starcoderFamily() {
        for (String name : new String[] {"starcoder", "refact", "smollm", "command-r"}) {
            assertThat(split(name, "abc123 x")).as(name).containsExactly("abc", "1", "2", "3", " x");
        }
    }

    @Test
    void poroBloomViking() {
        assertThat(split("poro-chat", "Hello, world. Ok")).containsExactly("Hello", ",", " world", ".", " Ok");
        assertThat(split("bloom", "Hello, world. Ok")).containsExactly("Hello", ",", " world", ".", " Ok");
        assertThat(split("viking", "abc 12")).containsExactly("abc", " ", "1", "2");
    }

    @Test
    void tekkenAndGpt4o() {
        assertThat(split("tekken", "HelloWorld foo")).containsExactly("Hello", "World", " foo");
        assertThat(split("gpt-4o", "I'm HAPPY")).containsExactly("I'm", " HAPPY");
        assertThat(split("gpt-4o", "1234567")).containsExactly("123", "456", "7");
    }

    @Test
    void deepseekV3AndSeedCoder() {
        assertThat(split("deepseek-v3", "abc 1234 日本語")).containsExactly("abc", " ", "123", "4", " ", "日本語");
        assertThat(split("seed-coder", "x = 10")).containsExactly("x", " =", " ", "1", "0");
    }

    @Test
    void piecesAlwaysConcatenateToTheInput() {
        Random random = new Random(7);
        for (String name : new String[] {"default", "llama3", "qwen2", "deepseek-llm", "deepseek-coder", "falcon", "mpt",
            "starcoder", "gpt-2", "stablelm2", "bloom", "tekken", "gpt-4o", "deepseek-v3"}) {
            for (int i = 0; i < 50; i++) {
                String text = randomText(random, 40);
                assertThat(String.join("", split(name, text))).as(name).isEqualTo(text);
            }
        }
    }

    /** llama.cpp runs GPT-2's and Llama 3's expressions with hand-written scanners; they must agree with the expressions. */
    @Test
    void scannersAgreeWithTheirRegularExpressions() {
        PreTokenizer gpt2Scanner = new PreTokenizer(List.of(PreTokenizer.GPT2_REGEX));
        PreTokenizer gpt2Regex = new PreTokenizer(List.of("(?:" + PreTokenizer.GPT2_REGEX + ")"));
        PreTokenizer llama3Scanner = new PreTokenizer(List.of(PreTokenizer.LLAMA3_REGEX));
        PreTokenizer llama3Regex = new PreTokenizer(List.of("(?:" + PreTokenizer.LLAMA3_REGEX + ")"));
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            String text = randomText(random, 30);
            assertThat(gpt2Scanner.split(text)).as(TestVocabs.escape(text)).isEqualTo(gpt2Regex.split(text));
            assertThat(llama3Scanner.split(text)).as(TestVocabs.escape(text)).isEqualTo(llama3Regex.split(text));
        }
    }

    @Test
    void categoriesFollowLlamaCppsCollapsedText() {
        // llama.cpp's \p{S} has no ASCII '~' (its ASCII list is $+<=>^`|); '+' is a symbol
        assertThat(new PreTokenizer(List.of("\\p{S}+")).split("a~b+c")).containsExactly("a~b", "+", "c");
        // non-ASCII letters, digits and whitespace keep their categories
        assertThat(new PreTokenizer(List.of("\\p{L}+")).split("añb٣\u3000z")).containsExactly("añb", "٣\u3000", "z");
        assertThat(new PreTokenizer(List.of("\\s+")).split("a\u3000\u00A0b")).containsExactly("a", "\u3000\u00A0", "b");
        assertThat(PreTokenizer.collapseRegex("[^\\s\\p{L}]|\\p{N}")).isEqualTo("[^\\s\u00D2A-Za-z]|[\u00D10-9]");
    }

    @Test
    void unknownNameIsAClearError() {
        assertThatThrownBy(() -> PreTokenizer.resolve("mystery-bpe"))
                .isInstanceOf(CoveException.class)
                .hasMessageContaining("'mystery-bpe'")
                .hasMessageContaining("tokenizer.ggml.pre");
        assertThat(PreTokenizer.resolve(null).name()).isEqualTo("default");
        assertThat(PreTokenizer.resolve("").name()).isEqualTo("default");
    }

    private static final String[] ALPHABET = {
        "a", "b", "Z", "é", "ß", "Ω", "я", "中", "日", "가", "0", "7", "٣", "½", " ", " ", " ", "  ", "\t", "\n", "\r", "\u00A0",
        "\u3000", "'", "'s", "'LL", "'re", "'d", ",", ".", "!", "?", "-", "_", "~", "$", "+", "€", "(", ")", "\"", "🦙", "😀",
        "\u200d", "\u0301", "\u0000", "x",
    };

    private static String randomText(Random random, int pieces) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(pieces) + 1;
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
