package dev.cove.core.generate.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.generate.GenerationOptions;
import dev.cove.core.generate.GenerationResult;
import dev.cove.core.generate.StopReason;
import dev.cove.core.sample.SamplingOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Greedy speculative decoding gives plain greedy decoding's tokens, one for one: against llama.cpp's
 * own greedy continuations, with prompt lookup and with draft models, and where an accepted run
 * of drafted tokens holds the end-of-generation token, a stop string or the -n limit.
 */
class GreedySpeculationTest {
    private static Model stories;
    private static Model small;
    private static Model smallQ4;

    /** A prompt that repeats itself, as an edit of a document does, so that lookups find long matches. */
    static final String REPEATING = "Once upon a time, there was a little girl named Lily. She loved to play outside"
            + " in the park. One day, she saw a big dog. Once upon a time, there was a little girl named Lily. She"
            + " loved to play";

    @BeforeAll
    static void load() {
        stories = Model.load(SharedData.require("models/stories260K/stories260K.gguf"), 2);
        small = Model.load(SharedData.require("models/small-test/small-f32.gguf"), 2);
        smallQ4 = Model.load(SharedData.require("models/small-test/small-q4_0.gguf"), 2);
    }

    @AfterAll
    static void close() {
        for (Model m : new Model[] {stories, small, smallQ4}) {
            if (m != null) {
                m.close();
            }
        }
    }

    private static GenerationOptions greedy(int maxTokens) {
        return GenerationOptions.defaults().sampling(SamplingOptions.greedy()).maxTokens(maxTokens).contextLength(512);
    }

    record Run(List<Integer> ids, GenerationResult result) {
    }

    static Run run(Model model, GenerationOptions options, int[] prompt) {
        List<Integer> ids = new ArrayList<>();
        GenerationResult r = model.newSession(options).generate(prompt, t -> {
            if (t.id() >= 0) {
                ids.add(t.id());
            }
        });
        return new Run(ids, r);
    }

    private static int[] ints(JsonNode array) {
        return IntStream.range(0, array.size()).map(i -> array.get(i).asInt()).toArray();
    }

    private static JsonNode reference(String name) throws IOException {
        return new ObjectMapper().readTree(SharedData.require("reference/" + name + ".json").toFile());
    }

    private static List<Integer> list(int[] a) {
        return IntStream.of(a).boxed().toList();
    }

    @Test
    void promptLookupReproducesLlamaCppsGreedyStory() throws IOException {
        JsonNode ref = reference("stories260K-bos");
        int[] expected = ints(ref.get("greedy_tokens"));
        Run r = run(stories, greedy(expected.length).speculation(Speculation.promptLookup(10)),
                new int[] {stories.tokenizer().vocabulary().bos()});
        assertThat(r.ids()).containsExactlyElementsOf(list(expected));
        assertThat(r.result().text()).isEqualTo(ref.get("greedy_text").asText());
        assertThat(r.result().draftedTokens()).isPositive();
        assertThat(r.result().acceptedDraftTokens()).isPositive();
    }

    @Test
    void speculationOnTheSmallTestModelReproducesLlamaCppsGreedyTokens() throws IOException {
        JsonNode ref = reference("small-f32");
        int[] prompt = ints(ref.get("prompt_tokens"));
        int[] expected = ints(ref.get("greedy_tokens"));
        for (Speculation s : List.of(Speculation.promptLookup(8), Speculation.draftModel(smallQ4, 6),
                Speculation.draftModel(stories, 4))) {
            Run r = run(small, greedy(expected.length).speculation(s), prompt);
            assertThat(r.ids()).as("%s", s).containsExactlyElementsOf(list(expected));
        }
    }

    @Test
    void promptLookupOnARepeatingPromptIsPlainGreedyAndKeepsDrafts() {
        int[] prompt = stories.tokenizer().encode(REPEATING, true, false);
        Run plain = run(stories, greedy(300), prompt);
        Run fast = run(stories, greedy(300).speculation(Speculation.promptLookup(12)), prompt);
        assertThat(fast.ids()).isEqualTo(plain.ids());
        assertThat(fast.result().text()).isEqualTo(plain.result().text());
        assertThat(fast.result().stopReason()).isEqualTo(plain.result().stopReason());
        assertThat(fast.result().acceptedDraftTokens()).isGreaterThan(20);
    }

    /** The model as its own draft keeps every drafted token: long accepted runs, where limits must cut in. */
    @Test
    void everyTokenLimitFallingInsideAnAcceptedRunStopsThere() {
        int[] prompt = stories.tokenizer().encode("Once upon a time", true, false);
        Run plain = run(stories, greedy(40), prompt);
        for (int n = 0; n <= 40; n++) {
            Run fast = run(stories, greedy(n).speculation(Speculation.draftModel(stories, 8)), prompt);
            assertThat(fast.ids()).as("-n %d", n).isEqualTo(plain.ids().subList(0, n));
            assertThat(fast.result().stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(fast.result().generatedTokens()).isEqualTo(n);
        }
        Run fast = run(stories, greedy(40).speculation(Speculation.draftModel(stories, 8)), prompt);
        assertThat(fast.result().acceptanceRate()).isGreaterThan(0.9);
    }

    @Test
    void aStopStringInsideAnAcceptedRunEndsTheTextWhereItWould() {
        int[] prompt = stories.tokenizer().encode("Once upon a time", true, false);
        String text = run(stories, greedy(60), prompt).result().text();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 6);
        GenerationOptions options = greedy(60).stopStrings(List.of(stop));
        Run plain = run(stories, options, prompt);
        Run fast = run(stories, options.speculation(Speculation.draftModel(stories, 8)), prompt);
        assertThat(plain.result().stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(fast.result().stopReason()).isEqualTo(StopReason.STOP_STRING);
        assertThat(fast.result().text()).isEqualTo(plain.result().text());
        assertThat(fast.ids()).isEqualTo(plain.ids());
    }

    @Test
    void theEndOfGenerationTokenInsideAnAcceptedRunEndsIt() {
        int eos = stories.tokenizer().vocabulary().eos();
        int[] prompt = stories.tokenizer().encode("Once upon a time", true, false);
        // A bias that makes end-of-generation the greedy pick some tokens in, not at once.
        Run plain = null;
        float bias = 0;
        for (float b = 2; b < 30 && (plain == null || plain.result().stopReason() != StopReason.END_OF_GENERATION
                || plain.ids().size() < 6); b += 0.5f) {
            bias = b;
            plain = run(stories, greedy(100).sampling(SamplingOptions.greedy().logitBias(eos, b)), prompt);
        }
        assertThat(plain.result().stopReason()).isEqualTo(StopReason.END_OF_GENERATION);
        assertThat(plain.ids().size()).isGreaterThanOrEqualTo(6);
        GenerationOptions options = greedy(100).sampling(SamplingOptions.greedy().logitBias(eos, bias));
        for (Speculation s : List.of(Speculation.draftModel(stories, 16), Speculation.promptLookup(16))) {
            Run fast = run(stories, options.speculation(s), prompt);
            assertThat(fast.ids()).as("%s", s).isEqualTo(plain.ids());
            assertThat(fast.result().stopReason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(fast.result().text()).isEqualTo(plain.result().text());
        }
    }

    @Test
    void aSessionGoesOnSpeculatingInItsNextTurn() {
        int[] first = stories.tokenizer().encode("Once upon a time", true, false);
        var plainSession = stories.newSession(greedy(30));
        var fastSession = stories.newSession(greedy(30).speculation(Speculation.draftModel(stories, 5)));
        String a = plainSession.generate(first, t -> { }).text() + plainSession.generate(REPEATING, t -> { }).text();
        String b = fastSession.generate(first, t -> { }).text() + fastSession.generate(REPEATING, t -> { }).text();
        assertThat(b).isEqualTo(a);
        assertThat(fastSession.cachedTokens()).containsExactly(plainSession.cachedTokens());
    }
}
