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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Qwen3, Gemma 3 and Phi-3 vocabularies of {@code shared/vocab} (the first two written by
 * {@code tools/hf_vocab_to_gguf.py} with the metadata llama.cpp's converter writes, Phi-3's by
 * llama.cpp's converter from the SentencePiece model) turned back
 * into the tokenizer.json / tokenizer_config.json Hugging Face ships, converted with a tiny model
 * of the family: the converted file must carry the same tokens, token types, merges, special ids
 * and flags as llama.cpp's (Gemma's scores in the same order, which is all SentencePiece
 * merging looks at), and Cove must tokenize llama.cpp's test strings with it exactly as with the
 * original file.
 */
class HfRealVocabTest {
    @TempDir
    Path tmp;

    @Test
    void qwen3TokenizerAsLlamaCppWritesIt() throws IOException {
        Path vocabFile = SharedData.require("vocab/ggml-vocab-qwen2.gguf");
        try (GgufFile original = GgufFile.open(vocabFile)) {
            GgufMetadata md = original.metadata();
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            String[] merges = md.getStringArray("tokenizer.ggml.merges");
            Map<String, Integer> vocab = new LinkedHashMap<>();
            List<Object> added = new ArrayList<>();
            Map<String, Object> decoder = new LinkedHashMap<>();
            for (int i = 0; i < tokens.length; i++) {
                if (types[i] == TokenType.NORMAL.code()) {
                    vocab.put(tokens[i], i);
                } else if (types[i] == TokenType.CONTROL.code() || types[i] == TokenType.USER_DEFINED.code()) {
                    Map<String, Object> a = new LinkedHashMap<>(HfFiles.added(i, tokens[i]));
                    a.put("special", types[i] == TokenType.CONTROL.code());
                    added.add(a);
                    decoder.put(String.valueOf(i), a);
                }
            }
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("type", "BPE");
            model.put("dropout", null);
            model.put("unk_token", null);
            model.put("byte_fallback", false);
            model.put("ignore_merges", false);
            model.put("vocab", vocab);
            // the newer pair form of transformers 4.45+, as Qwen3's own file has it
            model.put("merges", Arrays.stream(merges).map(m -> List.of(m.split(" ", 2))).toList());
            Map<String, Object> tj = new LinkedHashMap<>();
            tj.put("version", "1.0");
            tj.put("added_tokens", added);
            tj.put("normalizer", Map.of("type", "NFC"));
            tj.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(
                    Map.of("type", "Split", "pattern", Map.of("Regex", HfTokenizer.QWEN2_REGEX), "behavior", "Isolated",
                            "invert", false),
                    Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false, "use_regex", false))));
            tj.put("post_processor", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false,
                    "use_regex", false));
            tj.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false, "use_regex", false));
            tj.put("model", model);
            Map<String, Object> tc = new LinkedHashMap<>();
            tc.put("add_bos_token", false);
            tc.put("add_prefix_space", false);
            tc.put("added_tokens_decoder", decoder);
            tc.put("bos_token", null);
            tc.put("chat_template", md.getString("tokenizer.chat_template"));
            tc.put("eos_token", "<|im_end|>");
            tc.put("pad_token", "<|endoftext|>");
            tc.put("unk_token", null);
            tc.put("tokenizer_class", "Qwen2Tokenizer");

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("bos_token_id", null);
            extra.put("eos_token_id", null);
            HfArchFiles.Arch a = HfArchFiles.arch("Qwen3ForCausalLM", 8, 8, 1, 2, 1, 4, tokens.length, true, extra);
            try (GgufFile converted = convert("qwen3", a, tj, tc)) {
                GgufMetadata c = converted.metadata();
                assertThat(c.getString("tokenizer.ggml.model")).isEqualTo("gpt2");
                assertThat(c.getString("tokenizer.ggml.pre")).isEqualTo("qwen2");
                assertThat(c.getStringArray("tokenizer.ggml.tokens")).isEqualTo(tokens);
                assertThat(c.getIntArray("tokenizer.ggml.token_type")).isEqualTo(types);
                assertThat(c.getStringArray("tokenizer.ggml.merges")).isEqualTo(merges);
                assertSameTokenizerKeys(md, c);
                assertSameTokenization(md, c, "qwen2");
            }
        }
    }

    @Test
    void gemma3TokenizerAsLlamaCppWritesIt() throws IOException {
        Path vocabFile = SharedData.require("vocab/ggml-vocab-gemma3.gguf");
        try (GgufFile original = GgufFile.open(vocabFile)) {
            GgufMetadata md = original.metadata();
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            // hf_vocab_to_gguf.py: a piece made by merge r scores -r, the others -(merges + id)
            Map<Long, Integer> counts = new HashMap<>();
            for (int i = 0; i < tokens.length; i++) {
                if (types[i] == TokenType.NORMAL.code()) {
                    counts.merge((long) -scores[i] - i, 1, Integer::sum);
                }
            }
            long mergeCount = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            Map<String, Integer> vocab = new LinkedHashMap<>();
            List<Object> added = new ArrayList<>();
            Map<String, Object> decoder = new LinkedHashMap<>();
            List<Integer> merged = new ArrayList<>();
            for (int i = 0; i < tokens.length; i++) {
                String text = types[i] == TokenType.USER_DEFINED.code() ? tokens[i].replace(' ', '\u2581') : tokens[i];
                vocab.put(text, i);
                if (types[i] == TokenType.CONTROL.code() || types[i] == TokenType.USER_DEFINED.code()) {
                    Map<String, Object> a = new LinkedHashMap<>(HfFiles.added(i, text));
                    a.put("special", types[i] == TokenType.CONTROL.code());
                    added.add(a);
                    decoder.put(String.valueOf(i), a);
                } else if (types[i] == TokenType.NORMAL.code() && -scores[i] < mergeCount) {
                    merged.add(i);
                }
            }
            assertThat(vocab).hasSize(tokens.length);
            merged.sort(Comparator.comparingDouble(i -> -scores[i]));
            List<String> merges = new ArrayList<>();
            for (int id : merged) {
                merges.add(split(tokens[id], vocab));
            }
            Map<String, Object> tj = HfFiles.spmTokenizerJson(vocab, merges);
            tj.put("added_tokens", added);
            tj.put("normalizer", Map.of("type", "Replace", "pattern", Map.of("String", " "), "content", "\u2581"));
            tj.put("post_processor", Map.of("type", "TemplateProcessing",
                    "single", List.of(Map.of("SpecialToken", Map.of("id", "<bos>", "type_id", 0)),
                            Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                    "pair", List.of(Map.of("SpecialToken", Map.of("id", "<bos>", "type_id", 0)),
                            Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
                            Map.of("SpecialToken", Map.of("id", "<bos>", "type_id", 1)),
                            Map.of("Sequence", Map.of("id", "B", "type_id", 1))),
                    "special_tokens", Map.of()));
            ((Map<String, Object>) tj.get("model")).put("unk_token", "<unk>");
            Map<String, Object> tc = new LinkedHashMap<>();
            tc.put("add_bos_token", true);
            tc.put("add_eos_token", false);
            tc.put("added_tokens_decoder", decoder);
            tc.put("bos_token", "<bos>");
            tc.put("chat_template", md.getString("tokenizer.chat_template"));
            tc.put("eos_token", "<end_of_turn>");
            tc.put("pad_token", "<pad>");
            tc.put("unk_token", "<unk>");
            tc.put("tokenizer_class", "GemmaTokenizer");

            HfArchFiles.Arch a = HfArchFiles.arch("Gemma3ForCausalLM", 8, 8, 1, 2, 1, 4, tokens.length, true,
                    Map.of("sliding_window_pattern", 6));
            try (GgufFile converted = convert("gemma3", a, tj, tc)) {
                GgufMetadata c = converted.metadata();
                assertThat(c.getString("tokenizer.ggml.model")).isEqualTo("llama");
                assertThat(c.getString("tokenizer.ggml.pre")).isEqualTo("default");
                assertThat(c.getStringArray("tokenizer.ggml.tokens")).isEqualTo(tokens);
                assertThat(c.getIntArray("tokenizer.ggml.token_type")).isEqualTo(types);
                float[] cs = c.getFloatArray("tokenizer.ggml.scores");
                int[] normal = IntStream.range(0, tokens.length).filter(i -> types[i] == TokenType.NORMAL.code()).toArray();
                assertThat(sortedByScore(normal, cs)).as("NORMAL pieces in score order").isEqualTo(sortedByScore(normal, scores));
                for (int i = 0; i < tokens.length; i++) {
                    if (types[i] == TokenType.CONTROL.code() || types[i] == TokenType.USER_DEFINED.code()) {
                        assertThat(cs[i]).as("score of %s", tokens[i]).isEqualTo(scores[i]);
                    }
                }
                assertSameTokenizerKeys(md, c);
                assertSameTokenization(md, c, "gemma3");
            }
        }
    }

    /**
     * Phi-3's SentencePiece vocabulary (ggml-vocab-phi-3.gguf, from an older llama.cpp whose
     * converter typed the padding ids UNKNOWN; today's, like Cove, types them UNUSED).
     */
    @Test
    void phi3TokenizerAsLlamaCppWritesIt() throws IOException {
        Path vocabFile = SharedData.require("vocab/ggml-vocab-phi-3.gguf");
        try (GgufFile original = GgufFile.open(vocabFile)) {
            GgufMetadata md = original.metadata();
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            int real = 32011;
            Map<String, Integer> vocab = new LinkedHashMap<>();
            for (int i = 0; i < 32000; i++) {
                vocab.put(tokens[i], i);
            }
            // transformers' LlamaConverter: every split of a piece into two pieces, ordered by the piece's score
            record Merge(String left, String right, float score) {
            }
            List<Merge> merges = new ArrayList<>();
            for (int id = 0; id < 32000; id++) {
                if (types[id] != TokenType.NORMAL.code()) {
                    continue;
                }
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
            merges.sort(Comparator.comparing((Merge m) -> -m.score()));
            Map<String, Object> tj = HfFiles.spmTokenizerJson(vocab, merges.stream().map(m -> m.left() + " " + m.right()).toList());
            List<Object> added = new ArrayList<>();
            for (int i : new int[] {0, 1, 2}) {
                Map<String, Object> a = new LinkedHashMap<>(HfFiles.added(i, tokens[i]));
                a.put("special", types[i] == TokenType.CONTROL.code()); // </s> is not special in Phi-3's file
                added.add(a);
            }
            for (int i = 32000; i < real; i++) {
                added.add(HfFiles.added(i, tokens[i]));
            }
            tj.put("added_tokens", added);
            Map<String, Object> tc = new LinkedHashMap<>();
            tc.put("add_bos_token", true);
            tc.put("add_eos_token", false);
            tc.put("bos_token", "<s>");
            tc.put("chat_template", md.getString("tokenizer.chat_template"));
            tc.put("eos_token", "<|endoftext|>");
            tc.put("pad_token", "<|endoftext|>");
            tc.put("unk_token", "<unk>");
            tc.put("tokenizer_class", "LlamaTokenizer");

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("bos_token_id", 1);
            extra.put("eos_token_id", 32000);
            extra.put("pad_token_id", 32000);
            HfArchFiles.Arch a = HfArchFiles.arch("Phi3ForCausalLM", 8, 8, 1, 2, 1, 4, tokens.length, false, extra);
            try (GgufFile converted = convert("phi3", a, tj, tc)) {
                GgufMetadata c = converted.metadata();
                assertThat(c.getString("tokenizer.ggml.model")).isEqualTo("llama");
                assertThat(c.getStringArray("tokenizer.ggml.tokens")).isEqualTo(tokens);
                int[] ct = c.getIntArray("tokenizer.ggml.token_type");
                float[] cs = c.getFloatArray("tokenizer.ggml.scores");
                assertThat(Arrays.copyOf(ct, real)).isEqualTo(Arrays.copyOf(types, real));
                for (int i = real; i < tokens.length; i++) {
                    assertThat(ct[i]).isEqualTo(TokenType.UNUSED.code());
                    assertThat(cs[i]).isEqualTo(scores[i]);
                }
                for (int i = 0; i < real; i++) {
                    if (types[i] == TokenType.CONTROL.code() || types[i] == TokenType.USER_DEFINED.code()) {
                        assertThat(cs[i]).as("score of %s", tokens[i]).isEqualTo(scores[i]);
                    }
                }
                assertSameTokenizerKeys(md, c);
                assertSameTokenization(md, c, "phi-3");
            }
        }
    }

    /** "left right" for a merged piece: a split into two pieces of the vocabulary when there is one. */
    private static String split(String piece, Map<String, Integer> vocab) {
        for (int i = piece.offsetByCodePoints(0, 1); i < piece.length(); i = piece.offsetByCodePoints(i, 1)) {
            if (vocab.containsKey(piece.substring(0, i)) && vocab.containsKey(piece.substring(i))) {
                return piece.substring(0, i) + " " + piece.substring(i);
            }
        }
        int first = piece.offsetByCodePoints(0, 1);
        return piece.substring(0, first) + " " + piece.substring(first);
    }

    private static int[] sortedByScore(int[] ids, float[] scores) {
        return Arrays.stream(ids).boxed().sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    private GgufFile convert(String name, HfArchFiles.Arch a, Map<String, Object> tj, Map<String, Object> tc) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve(name));
        HfArchFiles.writeConfig(dir, a);
        HfFiles.safetensors(dir.resolve("model.safetensors"), HfArchFiles.weights(a, 51, "F16"), "F16");
        Files.writeString(dir.resolve("tokenizer.json"), HfFiles.JSON.writeValueAsString(tj), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), HfFiles.JSON.writeValueAsString(tc), StandardCharsets.UTF_8);
        Path out = tmp.resolve(name + ".gguf");
        HfConverter.convert(dir, out, HfConverter.Options.defaults());
        return GgufFile.open(out);
    }

    /** Every tokenizer.* key of llama.cpp's file except the token arrays (compared by the caller), with the same value. */
    private static void assertSameTokenizerKeys(GgufMetadata original, GgufMetadata converted) {
        for (String k : original.keys()) {
            if (!k.startsWith("tokenizer.") || k.equals("tokenizer.ggml.tokens") || k.equals("tokenizer.ggml.token_type")
                    || k.equals("tokenizer.ggml.scores") || k.equals("tokenizer.ggml.merges")) {
                continue;
            }
            assertThat(converted.contains(k)).as("converted file has %s", k).isTrue();
            assertThat(converted.get(k)).as(k).isEqualTo(original.get(k));
        }
        for (String k : converted.keys()) {
            if (k.startsWith("tokenizer.")) {
                assertThat(original.contains(k)).as("llama.cpp's file has %s", k).isTrue();
            }
        }
    }

    private static void assertSameTokenization(GgufMetadata original, GgufMetadata converted, String name) throws IOException {
        Tokenizer expected = Tokenizer.fromGguf(original);
        Tokenizer actual = Tokenizer.fromGguf(converted);
        String all = Files.readString(SharedData.require("vocab/ggml-vocab-" + name + ".gguf.inp"), StandardCharsets.UTF_8);
        String separator = "\n__ggml_vocab_test__\n";
        int n = 0;
        for (int pos = 0; pos < all.length(); n++) {
            int next = all.indexOf(separator, pos);
            String text = all.substring(pos, next);
            pos = next + separator.length();
            assertThat(actual.encode(text, false, false)).as("string %d", n).isEqualTo(expected.encode(text, false, false));
            assertThat(actual.encode(text, true, true)).as("string %d with specials", n).isEqualTo(expected.encode(text, true, true));
        }
        assertThat(n).isGreaterThan(40);
    }
}
