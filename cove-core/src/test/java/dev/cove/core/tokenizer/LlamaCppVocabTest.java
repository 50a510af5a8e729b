package dev.cove.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** llama.cpp's own tokenizer test vectors (test-tokenizer-0): every string must give exactly llama.cpp's ids. */
class LlamaCppVocabTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "phi-3", "gpt-2", "deepseek-coder", "llama3", "qwen2", "gemma3"})
    void everyTestStringTokenizesExactlyAsLlamaCpp(String name) throws IOException {
        Tokenizer tokenizer = TestVocabs.vocab(name);
        List<TestVocabs.Case> cases = TestVocabs.cases(name);
        assertThat(cases).hasSizeGreaterThan(40);
        List<String> failures = new ArrayList<>();
        for (TestVocabs.Case c : cases) {
            int[] actual = tokenizer.encode(c.text(), false, false);
            if (!Arrays.equals(actual, c.expected())) {
                failures.add(c + "\n    expected " + Arrays.toString(c.expected()) + "\n    actual   " + Arrays.toString(actual));
            }
        }
        assertThat(failures).as("strings tokenized differently from llama.cpp by " + name).isEmpty();
    }
}
