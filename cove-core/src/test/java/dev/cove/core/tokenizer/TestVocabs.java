package dev.cove.core.tokenizer;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the shared vocabulary files once per test run; tests skip when ../shared is absent. */
final class TestVocabs {
    private static final Map<String, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private TestVocabs() {
    }

    /** The tokenizer of {@code shared/vocab/ggml-vocab-NAME.gguf}, or of another shared GGUF path. */
    static Tokenizer vocab(String name) {
        return load("vocab/ggml-vocab-" + name + ".gguf");
    }

    static Tokenizer stories260K() {
        return load("models/stories260K/stories260K.gguf");
    }

    static Tokenizer load(String relative) {
        Path path = SharedData.require(relative);
        return CACHE.computeIfAbsent(relative, r -> {
            try (GgufFile file = GgufFile.open(path)) {
                return Tokenizer.fromGguf(file.metadata());
            }
        });
    }

    /** One test string of llama.cpp's tokenizer test vectors and the ids llama.cpp gives it (no BOS). */
    record Case(int index, String text, int[] expected) {
        @Override
        public String toString() {
            return "#" + index + " " + escape(text);
        }
    }

    /**
     * Reads {@code NAME.gguf.inp} / {@code .out}: llama.cpp's test-tokenizer-0 writes each string
     * followed by {@code "\n__ggml_vocab_test__\n"}, and one line of ids per string.
     */
    static List<Case> cases(String name) throws IOException {
        Path inp = SharedData.require("vocab/ggml-vocab-" + name + ".gguf.inp");
        Path outFile = SharedData.require("vocab/ggml-vocab-" + name + ".gguf.out");
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        String separator = "\n__ggml_vocab_test__\n";
        List<String> texts = new ArrayList<>();
        int pos = 0;
        while (pos < all.length()) {
            int next = all.indexOf(separator, pos);
            if (next < 0) {
                throw new IllegalStateException(inp + ": text after the last separator");
            }
            texts.add(all.substring(pos, next));
            pos = next + separator.length();
        }
        List<String> lines = Files.readAllLines(outFile, StandardCharsets.UTF_8);
        if (lines.size() != texts.size()) {
            throw new IllegalStateException(inp + " has " + texts.size() + " strings but " + outFile + " has " + lines.size()
                    + " lines");
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = lines.get(i).trim();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(i, texts.get(i), ids));
        }
        return cases;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
