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

    /** {@code reason}: {@code queue_full}, {@code queue_timeout}, {@code shutdown}, {@code engine_error}. */
    default void rejected(String model, String reason) {
    }
}
