package dev.cove.secure;

import dev.cove.secure.audit.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything the privacy layer may know about one finished inference: counts, times, ids and
 * categories. The engine and server fill this in; there is no place in it for text.
 */
public record InferenceFacts(
        Instant started,
        Principal principal,
        Origin origin,
        ModelDigest model,
        RequestKind kind,
        int promptTokens,
        int outputTokens,
        Duration latency,
        long peakMemoryBytes,
        Outcome outcome) {

    public InferenceFacts {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(outcome, "outcome");
    }
}
