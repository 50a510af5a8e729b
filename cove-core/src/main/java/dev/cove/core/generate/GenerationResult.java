package dev.cove.core.generate;

/** What one call to {@link Session#generate} produced, with its timings. */
public record GenerationResult(
        String text,
        int promptTokens,
        int reusedPromptTokens,
        int generatedTokens,
        StopReason stopReason,
        long promptNanos,
        long generationNanos) {

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
