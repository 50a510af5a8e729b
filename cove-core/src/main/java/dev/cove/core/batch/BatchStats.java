package dev.cove.core.batch;

/**
 * Counts of one {@link BatchGenerator#run}: how many rows, how many failed, the tokens read and
 * written, and the wall time. Counts only, never text: fit for audit records and progress lines.
 */
public record BatchStats(int rows, int failedRows, long promptTokens, long completionTokens, long nanos) {

    /** Generated tokens per second of wall time. */
    public double completionTokensPerSecond() {
        return nanos == 0 ? 0 : completionTokens * 1e9 / nanos;
    }
}
