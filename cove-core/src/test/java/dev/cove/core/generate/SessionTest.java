package dev.cove.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.CoveException;
import dev.cove.core.Model;
import dev.cove.core.grammar.Grammar;
import dev.cove.core.SharedData;
import dev.cove.core.sample.SamplingOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End-to-end generation on the real stories260K model against llama.cpp's greedy output. */
class SessionTest {
    private static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(SharedData.require("models/stories260K/stories260K.gguf"), 2);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static GenerationOptions greedy() {
        return GenerationOptions.defaults().sampling(SamplingOptions.greedy());
    }

    private static JsonNode reference(String name) throws IOException {
        return new ObjectMapper().readTree(SharedData.require("reference/" + name + ".json").toFile());
    }

    private static int[] ints(JsonNode array) {
        return IntStream.range(0, array.size()).map(i -> array.get(i).asInt()).toArray();
    }

    @Test
    void greedyFromBosReproducesLlamaCpp() throws IOException {
        JsonNode ref = reference("stories260K-bos");
        int[] expected = ints(ref.get("greedy_tokens"));
        Session session = model.newSession(greedy().maxTokens(expected.length).contextLength(256));
        List<Integer> ids = new ArrayList<>();
        StringBuilder streamed = new StringBuilder();
        GenerationResult result = session.generate(new int[] {model.tokenizer().vocabulary().bos()}, t -> {
            if (t.id() >= 0) {
                ids.add(t.id());
            }
            streamed.append(t.text());
        });
        assertThat(ids).containsExactlyElementsOf(IntStream.of(expected).boxed().toList());
        assertThat(result.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(result.text()).isEqualTo(streamed.toString()).isEqualTo(ref.get("greedy_text").asText());
    }

    @Test
    void aLazyGrammarLeavesTheTextFreeUntilItsTriggerAndHoldsOnlyFromThere() {
        String free = model.newSession(greedy().maxTokens(40)).generate("Once upon a time", t -> { }).text();
        int at = free.indexOf(" was");
        assertThat(at).as(free).isPositive();
        Grammar held = Grammar.parse("root ::= \" 42 apples.\"").afterEach(" was");
        String lazy = model.newSession(greedy().maxTokens(40).grammar(held)).generate("Once upon a time", t -> { }).text();
        assertThat(lazy).startsWith(free.substring(0, at + " was".length()) + " 42 apples.");
        assertThat(lazy.length()).as("free again after the grammar's string").isGreaterThan(at + " was 42 apples.".length());
    }

    @Test
    void promptIsTokenizedAndContinuedAsLlamaCppDoes() throws IOException {
        JsonNode ref = reference("stories260K");
        int[] greedyTokens = ints(ref.get("greedy_tokens"));
        assertThat(model.tokenizer().encode(ref.get("prompt").asText(), true, false)).containsExactly(ints(ref.get("prompt_tokens")));
        Session session = model.newSession(greedy().maxTokens(greedyTokens.length));
        GenerationResult result = session.generate(ref.get("prompt").asText(), t -> { });
        assertThat(result.text()).isEqualTo(ref.get("greedy_text").asText());
        assertThat(result.promptTokens()).isEqualTo(ref.get("prompt_tokens").size());
    }

    @Test
    void sameSeedSameTextDifferentSeedDifferentText() {
        GenerationOptions sampled = GenerationOptions.defaults().temperature(1.0f).maxTokens(40);
        String a = model.newSession(sampled.seed(7)).generate("Once upon a time", t -> { }).text();
        String b = model.newSession(sampled.seed(7)).generate("Once upon a time", t -> { }).text();
        String c = model.newSession(sampled.seed(8)).generate("Once upon a time", t -> { }).text();
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void stopStringEndsGenerationAndIsNotEmitted() {
        Session session = model.newSession(greedy().maxTokens(100).stopStrings(List.of("Benny")));
        GenerationResult result = session.generate("Once upon a time, there was a little robot", t -> { });
        assertThat(result.stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(result.text()).isEqualTo(" named ");
    }

    @Test
    void cachedPrefixIsReusedAndGivesTheSameResult() {
        Session session = model.newSession(greedy().maxTokens(10));
        GenerationResult first = session.generate("Once upon a time, there was a little robot", t -> { });
        String followUp = "Once upon a time, there was a little robot" + first.text() + " One day";
        GenerationResult second = session.generate(followUp, t -> { });
        assertThat(second.reusedPromptTokens()).isGreaterThan(10);
        GenerationResult fresh = model.newSession(greedy().maxTokens(10)).generate(followUp, t -> { });
        assertThat(second.text()).isEqualTo(fresh.text());
    }

    @Test
    void promptLongerThanTheContextIsAClearError() {
        Session session = model.newSession(greedy().contextLength(16));
        assertThatThrownBy(() -> session.generate("Once upon a time ".repeat(20), t -> { }))
                .isInstanceOf(CoveException.class)
                .hasMessageContaining("the context holds 16");
    }

    @Test
    void generationStopsWhenTheContextIsFull() {
        Session session = model.newSession(greedy().contextLength(24));
        GenerationResult result = session.generate("Once upon a time", t -> { });
        assertThat(result.stopReason()).isIn(StopReason.CONTEXT_FULL, StopReason.END_OF_GENERATION);
        assertThat(session.position()).isLessThanOrEqualTo(24);
    }

    @Test
    void contextShiftKeepsGeneratingPastTheContext() {
        Session session = model.newSession(greedy().contextLength(32).maxTokens(80).contextShift(true));
        GenerationResult result = session.generate(new int[] {model.tokenizer().vocabulary().bos()}, t -> { });
        assertThat(result.generatedTokens()).isGreaterThan(32);
        assertThat(result.stopReason()).isIn(StopReason.MAX_TOKENS, StopReason.END_OF_GENERATION);
        assertThat(session.position()).isLessThanOrEqualTo(32);
        assertThat(session.cachedTokens()[0]).isEqualTo(model.tokenizer().vocabulary().bos());
    }

    @Test
    void emptyPromptIsRejected() {
        Session session = model.newSession(greedy().addBos(false));
        assertThatThrownBy(() -> session.generate("", t -> { })).isInstanceOf(CoveException.class).hasMessageContaining("empty");
    }
}
