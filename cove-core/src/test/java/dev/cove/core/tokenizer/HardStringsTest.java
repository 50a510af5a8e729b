package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cove's own hard strings (code, CJK, emoji sequences, digit runs, whitespace runs, special-token
 * text) against the ids llama.cpp's {@code llama-tokenize} gives them, for the shared Llama 3,
 * Qwen3, Gemma 3 and Phi-3 vocabularies. The ids are test data in
 * {@code src/test/resources/tokenizer/}, written by {@code tools/tokenizer/hard-string-vectors.mjs};
 * only the vocabulary files come from {@code ../shared}.
 */
class HardStringsTest {
    private static final String DIR = "/tokenizer/";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama3", "qwen2", "gemma3", "phi-3"})
    void plainTextWithoutBosTokenizesAsLlamaCpp(String name) throws IOException {
        check(name, "plain", false, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama3", "qwen2", "gemma3", "phi-3"})
    void promptWithBosAndSpecialTokensTokenizesAsLlamaCpp(String name) throws IOException {
        check(name, "prompt", true, true);
    }

    private static void check(String name, String mode, boolean addBos, boolean parseSpecial) throws IOException {
        Tokenizer tokenizer = TestVocabs.vocab(name); // skips without ../shared
        List<?> strings = (List<?>) MiniJson.parse(resource("hard-strings.json"));
        Map<String, Object> vectors = MiniJson.object(resource("hard-strings-vectors.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> vocab = (Map<String, Object>) ((Map<String, Object>) vectors.get("vocabs")).get(name);
        List<?> expected = (List<?>) vocab.get(mode);
        assertThat(expected).as("one id list per string").hasSameSizeAs(strings);
        assertThat(strings).hasSizeGreaterThan(60);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < strings.size(); i++) {
            String text = (String) strings.get(i);
            int[] want = MiniJson.ints(expected.get(i));
            int[] actual = tokenizer.encode(text, addBos, parseSpecial);
            if (!Arrays.equals(actual, want)) {
                failures.add("#" + i + " " + TestVocabs.escape(text) + "\n    expected " + Arrays.toString(want)
                        + "\n    actual   " + Arrays.toString(actual));
            }
        }
        assertThat(failures).as(name + " " + mode + ": strings tokenized differently from llama.cpp").isEmpty();
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = HardStringsTest.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IOException("test resource " + DIR + file + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
