package dev.cove.secure.telemetry;

import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import java.util.Objects;

/**
 * The numbers one inference contributes to telemetry. Every component is a number, an enum or
 * a record of those: there is no field that could hold prompt or output text, and a test keeps
 * it that way.
 */
public record Measurement(
        ModelFingerprint model,
        RequestKind kind,
        Outcome outcome,
        int promptTokens,
        int outputTokens,
        long latencyMicros,
        long peakMemoryBytes) {

    public Measurement {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (promptTokens < 0 || outputTokens < 0 || latencyMicros < 0 || peakMemoryBytes < 0) {
            throw new IllegalArgumentException("telemetry counts, latency and memory cannot be negative");
        }
    }
}
