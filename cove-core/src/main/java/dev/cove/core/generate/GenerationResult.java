package dev.cove.core.generate;

/**
 * What one call to {@link Session#generate} produced, with its timings. With speculation,
 * {@code draftedTokens} counts the tokens drafted and verified, {@code acceptedDraftTokens} those of
 * them the model kept (both 0 without).
 */
public record GenerationResult(
        String text,
        int promptTokens,
        int reusedPromptTokens,
        int generatedTokens,
        StopReason stopReason,
        long promptNanos,
        long generationNanos,
        int draftedTokens,
        int acceptedDraftTokens) {

    /** A result without speculation. */
    public GenerationResult(String text, int promptTokens, int reusedPromptTokens, int generatedTokens,
            StopReason stopReason, long promptNanos, long generationNanos) {
        this(text, promptTokens, reusedPromptTokens, generatedTokens, stopReason, promptNanos, generationNanos, 0, 0);
    }

    /** The fraction of drafted tokens the model kept; 0 when nothing was drafted. */
    public double acceptanceRate() {
        return draftedTokens == 0 ? 0 : (double) acceptedDraftTokens / draftedTokens;
    }

    /** Prompt tokens actually evaluated per second (cached prefix tokens excluded). */
    public double promptTokensPerSecond() {
        int evaluated = promptTokens - reusedPromptTokens;
        return promptNanos == 0 ? 0 : evaluated * 1e9 / promptNanos;
    }

    /** Generated tokens per second, time to first token excluded. */
    public double generationTokensPerSecond() {
        return generationNanos == 0 ? 0 : Math.max(0, generatedTokens - 1) * 1e9 / generationNanos;
    }
}
