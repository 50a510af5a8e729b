package dev.cove.secure.audit;

import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One inference as the audit log keeps it: who, when, which model, what kind, how much and how
 * long, and how it ended. There is deliberately no field that can hold prompt or output text.
 */
public record AuditRecord(
        Instant time,
        Principal principal,
        Origin origin,
        ModelDigest model,
        RequestKind kind,
        int promptTokens,
        int outputTokens,
        Duration latency,
        Outcome outcome) {

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(outcome, "outcome");
        if (promptTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency cannot be negative");
        }
    }
}
