package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import dev.cove.core.gguf.GgufMetadata;
import dev.cove.core.tokenizer.TokenType;
import dev.cove.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tokenizers through the converter: the vocabularies of {@code shared/vocab} (Llama 2's
 * SentencePiece vocabulary, GPT-2's byte-level BPE) are written as the tokenizer.json Hugging Face
 * makes of them, converted with a tiny model, and the converted file must tokenize llama.cpp's
 * test strings exactly as llama.cpp does with the original vocabulary.
 */
class HfTokenizerVectorsTest {
    @TempDir
    Path tmp;

    @Test
    void llama2TokenizerJsonTokenizesLikeTheSentencePieceModel() throws IOException {
        Path vocabFile = SharedData.require("vocab/ggml-vocab-llama-spm.gguf");
        String[] tokens;
        float[] scores;
        int[] types;
        try (GgufFile f = GgufFile.open(vocabFile)) {
            tokens = f.metadata().getStringArray("tokenizer.ggml.tokens");
            scores = f.metadata().getFloatArray("tokenizer.ggml.scores");
            types = f.metadata().getIntArray("tokenizer.ggml.token_type");
        }
        // transformers' LlamaConverter: the vocabulary, and merges from SentencePieceExtractor ordered by piece score
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            vocab.put(tokens[i], i);
        }
        record Merge(String left, String right, float score) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            String piece = tokens[id];
            List<Merge> local = new ArrayList<>();
            for (int i = 1; i < piece.length(); i++) {
                if (Character.isLowSurrogate(piece.charAt(i))) {
                    continue;
                }
                String l = piece.substring(0, i);
                String r = piece.substring(i);
                if (vocab.containsKey(l) && vocab.containsKey(r)) {
                    local.add(new Merge(l, r, scores[id]));
                }
            }
            local.sort(Comparator.comparing((Merge m) -> vocab.get(m.left())).thenComparing(m -> vocab.get(m.right())));
            merges.addAll(local);
        }
        merges.sort(Comparator.comparing((Merge m) -> -m.score())); // stable: reverse=True on score
        List<String> mergeStrings = merges.stream().map(m -> m.left() + " " + m.right()).toList();
        Map<String, Object> tj = HfFiles.spmTokenizerJson(vocab, mergeStrings);
        Tokenizer t = convert("llama2", tj, HfFiles.spmTokenizerConfig(), tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == TokenType.BYTE.code()) {
                assertThat(t.vocabulary().isByte(i)).isTrue();
            }
        }
        assertVectors(t, "llama-spm");
    }

    @Test
    void gpt2TokenizerJsonTokenizesLikeLlamaCpp() throws IOException {
        Path vocabFile = SharedData.require("vocab/ggml-vocab-gpt-2.gguf");
        String[] tokens;
        String[] merges;
        try (GgufFile f = GgufFile.open(vocabFile)) {
            tokens = f.metadata().getStringArray("tokenizer.ggml.tokens");
            merges = f.metadata().getStringArray("tokenizer.ggml.merges");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length - 1; i++) {
            vocab.put(tokens[i], i);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", Arrays.asList(merges));
        Map<String, Object> tj = new LinkedHashMap<>();
        tj.put("added_tokens", List.of(HfFiles.added(tokens.length - 1, "<|endoftext|>")));
        tj.put("normalizer", null);
        tj.put("pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true));
        tj.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        tj.put("model", model);
        Tokenizer t = convert("gpt2", tj, Map.of("bos_token", "<|endoftext|>", "eos_token", "<|endoftext|>"), tokens.length);
        assertThat(t.vocabulary().preTokenizer()).isEqualTo("gpt-2");
        assertVectors(t, "gpt-2");
    }

    /** Converts a one-layer model with this tokenizer and returns the converted file's tokenizer. */
    private Tokenizer convert(String name, Map<String, Object> tokenizerJson, Map<String, Object> tokenizerConfig, int vocabSize)
            throws IOException {
        HfFiles.Shape shape = new HfFiles.Shape("LlamaForCausalLM", 8, 8, 1, 2, 2, vocabSize, true, 10000, 1e-5);
        Path dir = Files.createDirectory(tmp.resolve(name));
        HfFiles.config(dir, shape, Map.of());
        HfFiles.safetensors(dir.resolve("model.safetensors"), HfFiles.weights(shape, 7, "F16"), "F16");
        HfFiles.json(dir.resolve("tokenizer.json"), tokenizerJson);
        HfFiles.json(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        Path out = tmp.resolve(name + ".gguf");
        HfConverter.convert(dir, out, HfConverter.Options.defaults());
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata md = f.metadata();
            return Tokenizer.fromGguf(md);
        }
    }

    private static void assertVectors(Tokenizer t, String name) throws IOException {
        Path inp = SharedData.require("vocab/ggml-vocab-" + name + ".gguf.inp");
        Path outFile = SharedData.require("vocab/ggml-vocab-" + name + ".gguf.out");
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        String separator = "\n__ggml_vocab_test__\n";
        List<String> texts = new ArrayList<>();
        for (int pos = 0; pos < all.length(); ) {
            int next = all.indexOf(separator, pos);
            texts.add(all.substring(pos, next));
            pos = next + separator.length();
        }
        List<String> lines = Files.readAllLines(outFile, StandardCharsets.UTF_8);
        assertThat(lines).hasSameSizeAs(texts);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = lines.get(i).trim();
            int[] expected = line.isEmpty() ? new int[0] : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            int[] actual = t.encode(texts.get(i), false, false);
            if (!Arrays.equals(actual, expected)) {
                failures.add("#" + i + " " + texts.get(i).replace("\n", "\\n") + "\n  expected " + Arrays.toString(expected)
                        + "\n  actual   " + Arrays.toString(actual));
            }
        }
        assertThat(texts).hasSizeGreaterThan(40);
        assertThat(failures).as("strings the converted " + name + " tokenizer splits differently from llama.cpp").isEmpty();
    }
}
