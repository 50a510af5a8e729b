package dev.cove.secure;

import dev.cove.secure.audit.AuditLog;
import dev.cove.secure.audit.AuditRecord;
import dev.cove.secure.telemetry.Measurement;
import dev.cove.secure.telemetry.ModelFingerprint;
import dev.cove.secure.telemetry.Telemetry;
import java.util.Optional;

/**
 * The one call the CLI, the server and the embedding API make after each inference: an audit
 * record (if auditing is on) and a telemetry event (if telemetry is on), from the same facts.
 *
 * <p>The audit append is part of serving the request: if it fails, the exception reaches the
 * caller, because an unaudited inference in a deployment that requires auditing is an error.
 * Telemetry never fails the caller.
 */
public final class InferenceRecorder {
    private final Optional<AuditLog> audit;
    private final Telemetry telemetry;

    public InferenceRecorder(Optional<AuditLog> audit, Telemetry telemetry) {
        this.audit = audit;
        this.telemetry = telemetry;
    }

    /** Records {@code facts}; returns the audit sequence number, if audited. */
    public Optional<Long> record(InferenceFacts facts) {
        Optional<Long> seq = audit.map(log -> log.append(new AuditRecord(facts.started(), facts.principal(),
                facts.origin(), facts.model(), facts.kind(), facts.promptTokens(), facts.outputTokens(),
                facts.latency(), facts.outcome())));
        telemetry.record(new Measurement(ModelFingerprint.of(facts.model()), facts.kind(), facts.outcome(),
                facts.promptTokens(), facts.outputTokens(), facts.latency().toNanos() / 1000, facts.peakMemoryBytes()));
        return seq;
    }
}
