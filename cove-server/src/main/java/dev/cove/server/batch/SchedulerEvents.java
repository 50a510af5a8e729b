package dev.cove.server.batch;

/**
 * Observations the scheduler reports for metrics: counts and durations only, never text.
 * Called on the scheduler thread; implementations must be quick and must not throw.
 */
public interface SchedulerEvents {
    SchedulerEvents NONE = new SchedulerEvents() {
    };

    default void admitted(String model, long queueNanos) {
    }

    default void promptEvaluated(String model, int evaluatedTokens, int reusedTokens) {
    }

    default void firstToken(String model, long sinceSubmitNanos) {
    }

    default void tokensGenerated(String model, int tokens) {
    }

    default void step(String model, int sequences, int tokens, long nanos) {
    }

    default void finished(String model, FinishReason reason) {
    }

    /**
     * A running sequence was cancelled (its client went away or gave up) and its KV slot is free
     * again. Reported before {@link #finished}; queued requests that are cancelled hold no slot.
     */
    default void freedCancelled(String model) {
    }

    /**
     * A request has ended and its answer is complete: the facts an audit log keeps (counts and
     * durations, never text). {@code latencyNanos} runs from submission to the end.
     */
    default void completed(String model, boolean embedding, FinishReason reason, int promptTokens,
                           int generatedTokens, long latencyNanos) {
    }

    /** Reports to {@code first}, then {@code second}. */
    static SchedulerEvents both(SchedulerEvents first, SchedulerEvents second) {
        return new SchedulerEvents() {
            @Override
            public void admitted(String model, long queueNanos) {
                first.admitted(model, queueNanos);
                second.admitted(model, queueNanos);
            }

            @Override
            public void promptEvaluated(String model, int evaluatedTokens, int reusedTokens) {
                first.promptEvaluated(model, evaluatedTokens, reusedTokens);
                second.promptEvaluated(model, evaluatedTokens, reusedTokens);
            }

            @Override
            public void firstToken(String model, long sinceSubmitNanos) {
                first.firstToken(model, sinceSubmitNanos);
                second.firstToken(model, sinceSubmitNanos);
            }

            @Override
            public void tokensGenerated(String model, int tokens) {
                first.tokensGenerated(model, tokens);
                second.tokensGenerated(model, tokens);
            }

            @Override
            public void step(String model, int sequences, int tokens, long nanos) {
                first.step(model, sequences, tokens, nanos);
                second.step(model, sequences, tokens, nanos);
            }

            @Override
            public void finished(String model, FinishReason reason) {
                first.finished(model, reason);
                second.finished(model, reason);
            }

            @Override
            public void freedCancelled(String model) {
                first.freedCancelled(model);
                second.freedCancelled(model);
            }

            @Override
            public void completed(String model, boolean embedding, FinishReason reason, int promptTokens,
                                  int generatedTokens, long latencyNanos) {
                first.completed(model, embedding, reason, promptTokens, generatedTokens, latencyNanos);
                second.completed(model, embedding, reason, promptTokens, generatedTokens, latencyNanos);
            }

            @Override
            public void rejected(String model, String reason) {
                first.rejected(model, reason);
                second.rejected(model, reason);
            }
        };
    }

    /** {@code reason}: {@code queue_full}, {@code queue_timeout}, {@code shutdown}, {@code engine_error}. */
    default void rejected(String model, String reason) {
    }
}
