package dev.cove.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.core.Model;
import dev.cove.core.SharedData;
import dev.cove.core.chat.ChatMessage;
import dev.cove.core.generate.GenerationOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link BatchGenerator} on stories260K: llama.cpp's greedy text, the same results at any parallelism, row errors. */
class BatchGeneratorTest {
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

    private static GenerationOptions options() {
        return GenerationOptions.defaults().seed(42).maxTokens(24).contextLength(128);
    }

    private static List<BatchRow> rows(int n) {
        String[] starts = {"Once upon a time", "The little dog", "Lily and Ben went to the park", "One day, a cat",
            "Tom had a red ball", "The sun was"};
        return IntStream.range(0, n).mapToObj(i -> BatchRow.ofPrompt("r" + i, starts[i % starts.length])
                .with(8 + i % 17, null, (long) i)).toList();
    }

    @Test
    void greedyTextIsLlamaCppsGreedyContinuation() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(SharedData.require("reference/stories260K.json").toFile());
        int n = ref.get("greedy_tokens").size();
        String prompt = ref.get("prompt").asText();
        List<BatchRow> batch = new ArrayList<>();
        batch.add(BatchRow.ofPrompt("ref", prompt).with(n, 0f, null));
        batch.addAll(rows(6)); // other rows in flight beside it
        BatchResult result = new BatchGenerator(model, options(), 4).runAll(batch).getFirst();
        assertThat(result.text()).isEqualTo(" named Benny. Benny loved to play with his toys and run ar");
        assertThat(result.completionTokens()).isEqualTo(n);
        assertThat(result.promptTokens()).isEqualTo(ref.get("prompt_tokens").size());
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void resultsAreTheSameWithOneFourOrSixteenInFlight() {
        List<BatchRow> rows = rows(40);
        List<BatchResult> one = new BatchGenerator(model, options(), 1).runAll(rows);
        List<BatchResult> four = new BatchGenerator(model, options(), 4).runAll(rows);
        List<BatchResult> sixteen = new BatchGenerator(model, options(), 16).runAll(rows);
        assertThat(four).isEqualTo(one);
        assertThat(sixteen).isEqualTo(one);
        // Split differently, the rows still give the same results.
        List<BatchResult> halves = new ArrayList<>(new BatchGenerator(model, options(), 3).runAll(rows.subList(0, 17)));
        halves.addAll(new BatchGenerator(model, options(), 5).runAll(rows.subList(17, 40)));
        assertThat(halves).isEqualTo(one);
        assertThat(one).allSatisfy(r -> {
            assertThat(r.failed()).isFalse();
            assertThat(r.text()).isNotEmpty();
        });
        assertThat(one.stream().map(BatchResult::text).distinct().count()).as("seeds differ, texts differ")
                .isGreaterThan(30);
    }

    @Test
    void aRowsSeedAndTemperatureAreItsOwn() {
        BatchRow row = BatchRow.ofPrompt("a", "Once upon a time");
        List<BatchResult> results = new BatchGenerator(model, options(), 4).runAll(List.of(
                row.with(null, null, 1L), new BatchRow("b", row.prompt(), null, null, null, 1L),
                new BatchRow("c", row.prompt(), null, null, null, 2L),
                new BatchRow("g1", row.prompt(), null, null, 0f, 1L), new BatchRow("g2", row.prompt(), null, null, 0f, 2L)));
        assertThat(results.get(1).text()).isEqualTo(results.get(0).text());
        assertThat(results.get(2).text()).isNotEqualTo(results.get(0).text());
        assertThat(results.get(4).text()).as("greedy ignores the seed").isEqualTo(results.get(3).text());
    }

    @Test
    void aBadRowGetsItsOwnErrorAndTheOthersGoOn() {
        String longPrompt = "Once upon a time there was a dog. ".repeat(40);
        List<BatchResult> results = new BatchGenerator(model, options(), 4).runAll(List.of(
                BatchRow.ofPrompt("ok1", "The little dog"),
                BatchRow.ofPrompt("long", longPrompt),
                BatchRow.ofPrompt("bos-only", ""),
                new BatchRow("badtemp", "The sun", null, null, Float.NaN, null),
                BatchRow.ofPrompt("zero", "The sun").with(0, null, null),
                BatchRow.ofPrompt("ok2", "The sun was")));
        assertThat(results.get(0).failed()).isFalse();
        assertThat(results.get(1).error()).contains("tokens but the context holds 128").doesNotContain("dog");
        assertThat(results.get(1).promptTokens()).isGreaterThan(128);
        assertThat(results.get(3).error()).contains("temperature");
        assertThat(results.get(4).failed()).isFalse();
        assertThat(results.get(4).text()).isEmpty();
        assertThat(results.get(4).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(results.get(5).failed()).isFalse();
        assertThat(results.get(5).completionTokens()).isPositive();
    }

    @Test
    void anEmptyPromptWithoutBosIsAnError() {
        BatchResult r = new BatchGenerator(model, options().addBos(false), 2).runAll(List.of(BatchRow.ofPrompt("e", "")))
                .getFirst();
        assertThat(r.error()).contains("empty");
    }

    @Test
    void conversationsAreAnsweredWithTheChatFormat() {
        List<BatchResult> results = new BatchGenerator(model, options(), 2).runAll(List.of(
                BatchRow.ofMessages("c", List.of(ChatMessage.user("Tell me a story")))));
        assertThat(results.getFirst().failed()).isFalse();
        assertThat(results.getFirst().promptTokens()).isGreaterThan(3);
    }

    @Test
    void rowsAreReadOnlyAsSequencesFreeUp() {
        AtomicInteger pulled = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        Iterator<BatchRow> source = rows(20).iterator();
        Iterator<BatchRow> counting = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public BatchRow next() {
                assertThat(pulled.get() - delivered.get()).as("rows in flight").isLessThan(3);
                pulled.incrementAndGet();
                return source.next();
            }
        };
        BatchStats stats = new BatchGenerator(model, options(), 3).run(counting, r -> delivered.incrementAndGet());
        assertThat(stats.rows()).isEqualTo(20);
        assertThat(stats.failedRows()).isZero();
        assertThat(stats.completionTokens()).isPositive();
    }

    @Test
    void aFailingCallbackStopsTheRun() {
        AtomicInteger seen = new AtomicInteger();
        assertThatThrownBy(() -> new BatchGenerator(model, options(), 4).run(rows(10).iterator(), r -> {
            if (seen.incrementAndGet() == 3) {
                throw new IllegalStateException("disk full");
            }
        })).hasMessage("disk full");
        assertThat(seen.get()).isEqualTo(3);
    }

    @Test
    void badConfigurationIsRefused() {
        assertThatThrownBy(() -> new BatchGenerator(model, options(), 0)).hasMessageContaining("between 1 and 256");
        assertThatThrownBy(() -> new BatchRow("x", null, null, null, null, null)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> new BatchGenerator(model, options(), 2).runAll(List.of(BatchRow.ofPrompt("d", "a"),
                BatchRow.ofPrompt("d", "b")))).hasMessageContaining("twice");
    }
}
