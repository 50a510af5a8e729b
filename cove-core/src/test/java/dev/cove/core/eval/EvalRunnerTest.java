package dev.cove.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cove.core.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running suites on the real stories260K model: greedy text against expectations, and the model compared with itself. */
class EvalRunnerTest {
    private static Model model;

    @BeforeAll
    static void load() {
        Path p = Path.of("../../shared/models/stories260K/stories260K.gguf");
        assumeTrue(Files.exists(p), "../shared is absent: skipping");
        model = Model.load(p, 2);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    // shared/README.md: llama.cpp's greedy continuation of this prompt
    private static final String SUITE = """
            {"id": "robot", "prompt": "Once upon a time, there was a little robot", "expected": " named Benny. Benny loved to play with his toys and run ar", "max_tokens": 24, "metrics": [{"name": "rougeL", "threshold": 0.99}, {"name": "bleu", "threshold": 99}, {"name": "kl", "threshold": 1e-9}, {"name": "top1", "threshold": 1}], "tags": ["robots"]}
            {"id": "wrong", "prompt": "Once upon a time, there was a little robot", "expected": " who could fly to the moon", "max_tokens": 8, "metric": "exact", "threshold": 1}
            """;

    @Test
    void greedyOutputIsScoredAndComparedWithTheBase() {
        EvalSuite suite = EvalSuite.parseJsonLines("robot.jsonl", SUITE, "rougeL");
        EvalReport r = EvalRunner.run(suite, List.of(new EvalRunner.Candidate("stories", model)), model,
                EvalRunner.Options.greedy(64), EvalRunner.Progress.NONE);
        EvalReport.CaseResult robot = r.models().get(0).cases().get(0);
        assertThat(robot.error()).isNull();
        assertThat(robot.output()).startsWith(" named Benny. Benny loved to play");
        assertThat(robot.scores()).extracting(EvalReport.Score::score).usingComparatorForType(
                (Double x, Double y) -> Math.abs(x - y) < 1e-9 ? 0 : Double.compare(x, y), Double.class)
                .containsExactly(1.0, 100.0, 0.0, 1.0);
        assertThat(robot.passed()).isTrue();
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.caseId()).isEqualTo("wrong");
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.message()).isEqualTo("exact 0.0000 < 1.0000");
        });
        assertThat(r.models().get(0).corpusBleu()).containsOnlyKeys("bleu");
        assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 eval check failed in robot.jsonl").hasMessageContaining("stories / wrong (line 2): exact")
                .message().doesNotContain("moon");
        assertThat(dev.cove.core.json.Json.write(r.toJson())).contains("\"id\":\"robot\"").doesNotContain("Benny");
    }

    @Test
    void comparisonsNeedABase(@TempDir Path dir) throws Exception {
        EvalSuite suite = EvalSuite.parseJsonLines("robot.jsonl", SUITE, "rougeL");
        assertThatThrownBy(() -> EvalRunner.run(suite, List.of(new EvalRunner.Candidate("stories", model)), null,
                EvalRunner.Options.greedy(8), EvalRunner.Progress.NONE)).hasMessageContaining("need the base model");
        Path file = dir.resolve("ok.jsonl");
        Files.writeString(file, "{\"prompt\": \"Once upon a time\", \"expected\": \", there was a little girl\", \"max_tokens\": 6,"
                + " \"threshold\": 0.7}\n");
        CoveEval.assertSuite(model, file);
    }
}
