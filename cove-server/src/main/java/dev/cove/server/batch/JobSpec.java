package dev.cove.server.batch;

import dev.cove.core.grammar.Grammar;
import dev.cove.core.sample.SamplingOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a request asks of the scheduler, already tokenized and validated.
 *
 * @param kind         generate text, or pool embeddings
 * @param prompts      one prompt to continue, or the inputs to embed (each non-empty)
 * @param sampling     how to pick tokens (ignored for embeddings)
 * @param maxTokens    tokens to generate at most; negative means until the context is full
 * @param stopStrings  output text that ends generation, not emitted
 * @param timeout      the whole request's time limit: queued, prefilling and generating
 * @param grammar      constrains the output to this grammar's strings; null for none
 * @param logprobs     how many most likely alternatives to report with each token's log-probability
 *                     ({@link dev.cove.core.sample.TokenLogprobs}); negative for no log-probabilities
 */
public record JobSpec(Kind kind, List<int[]> prompts, SamplingOptions sampling, int maxTokens,
        List<String> stopStrings, Duration timeout, Grammar grammar, int logprobs) {

    public enum Kind {
        GENERATE, EMBED
    }

    public JobSpec {
        Objects.requireNonNull(kind, "kind");
        prompts = List.copyOf(prompts);
        Objects.requireNonNull(sampling, "sampling");
        stopStrings = List.copyOf(stopStrings);
        Objects.requireNonNull(timeout, "timeout");
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one prompt");
        }
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("prompts must not be empty");
            }
        }
        if (kind == Kind.GENERATE && prompts.size() != 1) {
            throw new IllegalArgumentException("a generation continues exactly one prompt");
        }
    }

    public static JobSpec generate(int[] prompt, SamplingOptions sampling, int maxTokens, List<String> stopStrings,
            Duration timeout) {
        return new JobSpec(Kind.GENERATE, List.of(prompt), sampling, maxTokens, stopStrings, timeout, null, -1);
    }

    /** A generation whose output follows {@code grammar} (null: unconstrained). */
    public static JobSpec generate(int[] prompt, SamplingOptions sampling, int maxTokens, List<String> stopStrings,
            Duration timeout, Grammar grammar) {
        return new JobSpec(Kind.GENERATE, List.of(prompt), sampling, maxTokens, stopStrings, timeout, grammar, -1);
    }

    public static JobSpec embed(List<int[]> inputs, Duration timeout) {
        return new JobSpec(Kind.EMBED, inputs, SamplingOptions.greedy(), 0, List.of(), timeout, null, -1);
    }

    /** This generation, reporting each token's log-probability and its {@code top} most likely alternatives. */
    public JobSpec withLogprobs(int top) {
        if (top > dev.cove.core.sample.TokenLogprobs.MAX_TOP) {
            throw new IllegalArgumentException("at most " + dev.cove.core.sample.TokenLogprobs.MAX_TOP
                    + " alternatives: " + top);
        }
        return new JobSpec(kind, prompts, sampling, maxTokens, stopStrings, timeout, grammar, top);
    }

    public int totalPromptTokens() {
        int n = 0;
        for (int[] p : prompts) {
            n += p.length;
        }
        return n;
    }
}
