package dev.cove.core.eval;

import dev.cove.core.Model;
import java.nio.file.Path;
import java.util.List;

/**
 * Quality gates in a Java build's own tests. In a JUnit 5 (or any) test:
 *
 * <pre>
 * try (Model model = Model.load(Path.of("model.Q4_K_M.gguf"))) {
 *     CoveEval.assertSuite(model, Path.of("src/test/resources/answers.jsonl"));
 * }
 * </pre>
 *
 * A failed threshold throws an {@link AssertionError} listing each failing case and metric (ids
 * and numbers, never text), which JUnit reports as a test failure: no test-framework dependency
 * is needed, so cove-core stays dependency-free. {@link #run} returns the whole report for tests
 * that assert on it themselves.
 */
public final class CoveEval {
    /** Tokens generated for cases that set no {@code max_tokens}, as {@code cove eval}'s default. */
    public static final int DEFAULT_MAX_TOKENS = 64;
    /** The metric of cases that name none, as {@code cove eval}'s default. */
    public static final String DEFAULT_METRIC = "rougeL";

    private CoveEval() {
    }

    /** Runs a JSONL suite greedily against {@code model}. */
    public static EvalReport run(Model model, Path suite) {
        return run(model, null, suite);
    }

    /** Runs a JSONL suite greedily against {@code model}; {@code base} is the source its kl and top1 checks compare it with. */
    public static EvalReport run(Model model, Model base, Path suite) {
        EvalSuite s = EvalSuite.read(suite, DEFAULT_METRIC);
        String name = model.path() == null ? "model" : String.valueOf(model.path().getFileName());
        return EvalRunner.run(s, List.of(new EvalRunner.Candidate(name, model)), base,
                EvalRunner.Options.greedy(DEFAULT_MAX_TOKENS), EvalRunner.Progress.NONE);
    }

    /** Runs the suite and fails with an {@link AssertionError} when a threshold is not met. */
    public static void assertSuite(Model model, Path suite) {
        run(model, suite).assertPassed();
    }

    /** As {@link #assertSuite(Model, Path)}, with a base model for kl and top1 checks. */
    public static void assertSuite(Model model, Model base, Path suite) {
        run(model, base, suite).assertPassed();
    }
}
