package dev.cove.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.cove.core.SharedData;
import dev.cove.core.gguf.GgufFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Recognizing formats in real {@code tokenizer.chat_template} strings (test resources) and by name. */
class ChatFormatDetectTest {

    static String template(String name) {
        try (InputStream in = ChatFormatDetectTest.class.getResourceAsStream(name + ".jinja")) {
            assertThat(in).as("test resource %s.jinja", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Arguments> templates() {
        return Stream.of(
                arguments("tinyllama-1.1b-chat-v1.0", ChatFormat.ZEPHYR),
                arguments("llama-2-7b-chat", ChatFormat.LLAMA2),
                arguments("meta-llama-3-8b-instruct", ChatFormat.LLAMA3),
                arguments("llama-3.1-8b-instruct", ChatFormat.LLAMA3),
                arguments("qwen2-7b-instruct", ChatFormat.CHATML),
                arguments("qwen2.5-7b-instruct", ChatFormat.CHATML),
                arguments("mistral-7b-instruct-v0.2", ChatFormat.MISTRAL_V1),
                arguments("mistral-7b-instruct-v0.2-legacy", ChatFormat.MISTRAL_V1_LEGACY),
                arguments("mistral-7b-instruct-v0.3", ChatFormat.MISTRAL_V3),
                arguments("mistral-nemo-instruct-2407", ChatFormat.MISTRAL_V3_TEKKEN),
                arguments("mistral-large-instruct-2411", ChatFormat.MISTRAL_V7),
                arguments("mistral-small-3.1-24b-instruct-2503", ChatFormat.MISTRAL_V7_TEKKEN),
                arguments("phi-3-mini-4k-instruct", ChatFormat.PHI3),
                arguments("gemma-2-9b-it", ChatFormat.GEMMA),
                arguments("gemma-3-4b-it", ChatFormat.GEMMA));
    }

    @ParameterizedTest
    @MethodSource("templates")
    void recognizesRealTemplates(String name, ChatFormat expected) {
        String t = template(name);
        assertThat(ChatFormat.fromTemplate(t)).contains(expected);
        assertThat(ChatFormat.detect(t)).isEqualTo(expected);
        assertThat(ChatFormat.detect(t, token -> true)).isEqualTo(expected);
    }

    @Test
    void unknownTemplatesFallBackOnTheVocabulary() {
        String glm = template("glm-4-9b-chat"); // uses <|user|> and <|assistant|>, but is none of ours
        assertThat(ChatFormat.fromTemplate(glm)).isEmpty();
        assertThat(ChatFormat.detect(glm)).isEqualTo(ChatFormat.PLAIN);
        assertThat(ChatFormat.detect(glm, Set.of("<|im_start|>", "<|im_end|>")::contains))
                .isEqualTo(ChatFormat.CHATML);
        assertThat(ChatFormat.detect("{{ messages }}", Set.of("<s>")::contains)).isEqualTo(ChatFormat.PLAIN);
    }

    @Test
    void absentTemplatesFallBackOnTheVocabulary() {
        assertThat(ChatFormat.fromTemplate(null)).isEmpty();
        assertThat(ChatFormat.fromTemplate("  ")).isEmpty();
        assertThat(ChatFormat.detect(null)).isEqualTo(ChatFormat.PLAIN);
        assertThat(ChatFormat.detect(null, "<|im_start|>"::equals)).isEqualTo(ChatFormat.CHATML);
        assertThat(ChatFormat.detect("", token -> false)).isEqualTo(ChatFormat.PLAIN);
    }

    @ParameterizedTest
    @EnumSource(ChatFormat.class)
    void aFormatsIdOrNameSelectsIt(ChatFormat format) {
        assertThat(ChatFormat.byId(format.id())).contains(format);
        assertThat(ChatFormat.byId(format.name())).contains(format);
        assertThat(ChatFormat.detect(format.id())).isEqualTo(format);
    }

    @Test
    void idsFollowLlamaCpp() {
        assertThat(ChatFormat.CHATML.id()).isEqualTo("chatml");
        assertThat(ChatFormat.LLAMA2.id()).isEqualTo("llama2");
        assertThat(ChatFormat.LLAMA3.id()).isEqualTo("llama3");
        assertThat(ChatFormat.MISTRAL_V3_TEKKEN.id()).isEqualTo("mistral-v3-tekken");
        assertThat(ChatFormat.byId("nonsense")).isEmpty();
        assertThat(ChatFormat.byId(null)).isEmpty();
    }

    @Test
    void markersAloneAreEnough() {
        assertThat(ChatFormat.fromTemplate("... <|im_start|> ...")).contains(ChatFormat.CHATML);
        assertThat(ChatFormat.fromTemplate("<<SYS>> [INST]")).contains(ChatFormat.LLAMA2);
        assertThat(ChatFormat.fromTemplate("<start_of_turn>")).contains(ChatFormat.GEMMA);
        assertThat(ChatFormat.fromTemplate("<|start_header_id|>x<|end_header_id|>")).contains(ChatFormat.LLAMA3);
        assertThat(ChatFormat.fromTemplate("<|user|> <|assistant|> <|end|>")).contains(ChatFormat.PHI3);
        assertThat(ChatFormat.fromTemplate("<|user|> <|assistant|> </s>")).contains(ChatFormat.ZEPHYR);
        // Phi-4 uses ChatML's markers with <|im_sep|>: not ChatML
        assertThat(ChatFormat.fromTemplate("<|im_start|>user<|im_sep|>")).isEmpty();
    }

    /** The phi-3 vocabulary in ../shared carries the first Phi-3 mini template (no system role). */
    @Test
    void recognizesTheTemplateInARealGgufFile() {
        Path path = SharedData.require("vocab/ggml-vocab-phi-3.gguf");
        try (GgufFile file = GgufFile.open(path)) {
            String template = file.metadata().getString("tokenizer.chat_template");
            Set<String> vocabulary = new HashSet<>(Arrays.asList(file.metadata().getStringArray("tokenizer.ggml.tokens")));
            assertThat(ChatFormat.detect(template, vocabulary::contains)).isEqualTo(ChatFormat.PHI3);
        }
    }

    @Test
    void aGgufFileWithoutATemplateGetsThePlainFormat() {
        Path path = SharedData.require("vocab/ggml-vocab-llama-spm.gguf");
        try (GgufFile file = GgufFile.open(path)) {
            assertThat(file.metadata().contains("tokenizer.chat_template")).isFalse();
            Set<String> vocabulary = new HashSet<>(Arrays.asList(file.metadata().getStringArray("tokenizer.ggml.tokens")));
            assertThat(ChatFormat.detect(null, vocabulary::contains)).isEqualTo(ChatFormat.PLAIN);
        }
    }
}
