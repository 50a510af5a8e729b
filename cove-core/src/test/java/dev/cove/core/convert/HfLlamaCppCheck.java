package dev.cove.core.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cove.core.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * By hand, not in the normal test run: converts a tiny checkpoint of each family, has llama.cpp
 * ({@code ../shared/tools/llama.cpp/run dump_logits}) load it, generate and write its logits,
 * and compares them with {@link HfArchFiles#referenceLogits} on the same tokens. Runs only with
 * {@code -Dcove.llamacpp=true}:
 * <pre>./mvnw -o -q -pl cove-core test -Dtest=HfLlamaCppCheck -Dcove.llamacpp=true</pre>
 */
class HfLlamaCppCheck {
    @TempDir
    Path tmp;

    static final String PROMPT = "hello world, the hello";
    static final List<String> QWEN3_MERGES = List.of("h e", "l l", "he ll", "hell o", "\u0120 w", "o r", "\u0120w or", "l d",
            "\u0120wor ld");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    // F32 output: exact weights, so only llama.cpp's own rounding remains (its GELU uses a float16
    // table: about 1e-7 for Gemma). BF16/F16 output: llama.cpp also rounds the activations to the
    // weights' type inside the matrix products, hence the looser bounds.
    @CsvSource({
        "qwen3, F32, F32, 1e-9",
        "qwen3, BF16, F32, 1e-9",
        "qwen3, BF16, AUTO, 2e-3",
        "gemma2, F32, F32, 2e-6",
        "gemma2, BF16, F32, 2e-6",
        "gemma2, BF16, AUTO, 5e-3",
        "gemma3, F32, F32, 2e-6",
        "gemma3, F16, F32, 5e-6", // llama.cpp's converter rounds 1 + w to float16 for an F16 checkpoint
        "gemma3, F16, AUTO, 1e-4",
        "gemma3-linear, F32, F32, 2e-6",
        "gemma3-final-softcap, F32, F32, 2e-6",
        "phi3, F32, F32, 1e-9",
        "phi3-longrope, BF16, F32, 1e-9",
        "phi3-longrope, BF16, AUTO, 5e-3",
    })
    void llamaCppRunsTheConvertedFileLikeTheReference(String family, String dtype, String outType, double maxNmse)
            throws IOException, InterruptedException {
        Assumptions.assumeTrue(Boolean.getBoolean("cove.llamacpp"), "by hand only: -Dcove.llamacpp=true");
        Path run = SharedData.require("tools/llama.cpp/run");
        HfArchFiles.Arch a = arch(family);
        Map<String, HfFiles.Weight> w = HfArchFiles.weights(a, 31, dtype);
        Path dir = Files.createDirectory(tmp.resolve(family));
        HfArchFiles.writeConfig(dir, a);
        HfFiles.safetensors(dir.resolve("model.safetensors"), w, dtype);
        if (family.startsWith("qwen3")) {
            HfFiles.json(dir.resolve("tokenizer.json"), HfFiles.byteLevelTokenizerJson(HfTokenizer.QWEN2_REGEX, QWEN3_MERGES));
            HfFiles.json(dir.resolve("tokenizer_config.json"), HfFiles.byteLevelTokenizerConfig());
        } else if (family.startsWith("gemma")) {
            HfFiles.json(dir.resolve("tokenizer.json"), HfArchFiles.gemmaTokenizerJson());
            HfFiles.json(dir.resolve("tokenizer_config.json"), HfArchFiles.gemmaTokenizerConfig());
        } else {
            HfFiles.json(dir.resolve("tokenizer.json"), HfArchFiles.phi3TokenizerJson(a.vocab()));
            HfFiles.json(dir.resolve("tokenizer_config.json"), HfArchFiles.phi3TokenizerConfig());
        }
        Path gguf = tmp.resolve(family + ".gguf");
        HfConverter.Result r = HfConverter.convert(dir, gguf, HfConverter.Options.defaults()
                .withOutType(HfConverter.OutType.parse(outType)).withName("tiny-test"));
        Path prefix = tmp.resolve(family + "-llamacpp");
        Process p = new ProcessBuilder(run.toString(), "dump_logits", gguf.toString(), prefix.toString(), PROMPT, "16")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("llama.cpp dump_logits on %s:\n%s", gguf, log).isZero();

        JsonNode json = HfFiles.JSON.readTree(prefix.resolveSibling(prefix.getFileName() + ".json").toFile());
        int nVocab = json.get("n_vocab").asInt();
        assertThat(nVocab).isEqualTo(a.vocab());
        assertThat(json.get("architecture").asText()).isEqualTo(r.architecture());
        int[] tokens = new int[json.get("prompt_tokens").size() + json.get("greedy_tokens").size()];
        int n = 0;
        for (JsonNode t : json.get("prompt_tokens")) {
            tokens[n++] = t.asInt();
        }
        for (JsonNode t : json.get("greedy_tokens")) {
            tokens[n++] = t.asInt();
        }
        ByteBuffer logits = ByteBuffer.wrap(Files.readAllBytes(prefix.resolveSibling(prefix.getFileName() + ".logits.f32")))
                .order(ByteOrder.LITTLE_ENDIAN);
        double[][] reference = HfArchFiles.referenceLogits(a, w, tokens);
        double worst = 0;
        for (int pos = 0; pos < tokens.length; pos++) {
            float[] row = new float[nVocab];
            logits.asFloatBuffer().position(pos * nVocab).get(row);
            worst = Math.max(worst, HfFiles.nmse(row, reference[pos]));
        }
        System.out.printf("llama.cpp on %s (%s weights %s): %d prompt tokens %s, %d positions, worst NMSE %.3g%n", family,
                dtype, r.weightType(), json.get("prompt_tokens").size(), json.get("prompt_tokens"), tokens.length, worst);
        assertThat(worst).as("worst NMSE of llama.cpp's logits against the reference").isLessThanOrEqualTo(maxNmse);
    }

    static HfArchFiles.Arch arch(String name) {
        return switch (name) {
            case "qwen3" -> HfArchFiles.arch("Qwen3ForCausalLM", 64, 96, 2, 4, 2, 32, 300, true,
                    Map.of("bos_token_id", 265, "eos_token_id", 267, "max_position_embeddings", 512));
            case "gemma2" -> HfArchFiles.arch("Gemma2ForCausalLM", 64, 96, 3, 4, 2, 32, 300, true, Map.of());
            case "gemma3" -> HfArchFiles.arch("Gemma3ForCausalLM", 64, 96, 4, 4, 2, 32, 300, true, Map.of());
            case "gemma3-linear" -> HfArchFiles.arch("Gemma3ForCausalLM", 64, 96, 4, 4, 2, 32, 300, true,
                    Map.of("rope_scaling", Map.of("rope_type", "linear", "factor", 4.0)));
            // llama.cpp applies gemma3.final_logit_softcapping when the key is there (no real Gemma 3 sets it)
            case "gemma3-final-softcap" -> HfArchFiles.arch("Gemma3ForCausalLM", 64, 96, 4, 4, 2, 32, 300, true,
                    Map.of("final_logit_softcapping", 3.0));
            case "phi3" -> HfArchFiles.arch("Phi3ForCausalLM", 64, 96, 2, 4, 2, 16, 300, false,
                    Map.of("partial_rotary_factor", 0.5, "eos_token_id", HfFamilyConverterTest.PHI3_EOS));
            case "phi3-longrope" -> {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("eos_token_id", HfFamilyConverterTest.PHI3_EOS);
                extra.put("max_position_embeddings", 4096);
                extra.put("original_max_position_embeddings", 1024);
                extra.put("rope_scaling", Map.of("type", "longrope",
                        "long_factor", List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 48.0, 64.0),
                        "short_factor", List.of(1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)));
                yield HfArchFiles.arch("Phi3ForCausalLM", 64, 96, 2, 4, 2, 16, 300, false, extra);
            }
            default -> throw new IllegalArgumentException(name);
        };
    }
}
