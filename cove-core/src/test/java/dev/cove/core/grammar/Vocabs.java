package dev.cove.core.grammar;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.tokenizer.Tokenizer;
import java.util.HashMap;
import java.util.Map;

/** Real tokenizers from ../shared, loaded once per test run. */
final class Vocabs {
    private static final Map<String, Tokenizer> LOADED = new HashMap<>();

    private Vocabs() {
    }

    /** The tokenizer of a GGUF file under ../shared; skips the test when it is absent. */
    static synchronized Tokenizer of(String relative) {
        return LOADED.computeIfAbsent(relative, r -> {
            try (GgufFile f = GgufFile.open(SharedData.require(r))) {
                return Tokenizer.fromGguf(f.metadata());
            }
        });
    }
}
