package dev.cove.cli;

import dev.cove.secure.InferenceFacts;
import dev.cove.secure.InferenceRecorder;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import dev.cove.secure.audit.Principal;
import dev.cove.server.batch.FinishReason;
import dev.cove.server.batch.SchedulerEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Appends an audit record for every request the server completes ({@code cove serve --audit}).
 * Runs on the scheduler thread after the answer is complete; a failing append is logged (the
 * answer has already been sent) and counted in the server log, never silently dropped.
 */
final class ServerAudit implements SchedulerEvents {
    private static final System.Logger LOG = System.getLogger(ServerAudit.class.getName());
    private static final Principal SERVER = new Principal("cove-server");

    private final InferenceRecorder recorder;
    private final Map<String, ModelDigest> digests;

    ServerAudit(InferenceRecorder recorder, Map<String, ModelDigest> digestsByServedName) {
        this.recorder = recorder;
        this.digests = Map.copyOf(digestsByServedName);
    }

    @Override
    public void completed(String model, boolean embedding, FinishReason reason, int promptTokens,
                          int generatedTokens, long latencyNanos) {
        Outcome outcome = switch (reason) {
            case LENGTH, TIMEOUT -> Outcome.TRUNCATED;
            case CANCELLED -> Outcome.CANCELLED;
            default -> Outcome.OK;
        };
        Duration latency = Duration.ofNanos(latencyNanos);
        try {
            recorder.record(new InferenceFacts(Instant.now().minus(latency), SERVER, Origin.SERVER, digests.get(model),
                    embedding ? RequestKind.EMBEDDING : RequestKind.COMPLETION, promptTokens, generatedTokens, latency,
                    Runtime.getRuntime().totalMemory(), outcome));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "audit record not written: " + e.getClass().getSimpleName());
        }
    }
}
