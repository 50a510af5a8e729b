package dev.cove.spark;

import dev.cove.core.batch.BatchStats;
import dev.cove.secure.InferenceFacts;
import dev.cove.secure.InferenceRecorder;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import dev.cove.secure.audit.AuditKeys;
import dev.cove.secure.audit.AuditLog;
import dev.cove.secure.audit.AuditLogConfig;
import dev.cove.secure.audit.Principal;
import dev.cove.secure.keys.Pkcs12KeyStore;
import dev.cove.secure.store.CoveHome;
import dev.cove.secure.telemetry.Telemetry;
import dev.cove.secure.telemetry.TelemetrySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One audit record per partition, in the executor's {@code COVE_HOME/audit} log (the keystore of
 * {@code COVE_KEYSTORE}, else {@code COVE_HOME/keys/cove.p12}, opened with
 * {@code COVE_KEYSTORE_PASSWORD}): the partition's rows as one inference of the job's model, with
 * its prompt and generated token counts and wall time. Counts only: there is no place for text.
 */
final class PartitionAudit {
    private PartitionAudit() {
    }

    static void record(CoveSparkOptions options, ModelDigest digest, RequestKind kind, Instant started,
            BatchStats stats) {
        Map<String, String> env = System.getenv();
        Path home = options.coveHome() != null ? Path.of(options.coveHome()) : CoveHome.resolve(env);
        String keystore = env.get("COVE_KEYSTORE");
        Path keys = keystore != null && !keystore.isBlank() ? Path.of(keystore) : home.resolve("keys").resolve("cove.p12");
        char[] password = env.getOrDefault("COVE_KEYSTORE_PASSWORD", "").toCharArray();
        if (password.length == 0) {
            throw new IllegalArgumentException("audit=true needs the keystore password on every executor:"
                    + " set COVE_KEYSTORE_PASSWORD (spark.executorEnv.COVE_KEYSTORE_PASSWORD)");
        }
        synchronized (PartitionAudit.class) { // tasks of one JVM append to one log in turn
            AuditLog log = AuditLog.open(AuditLogConfig.defaults(home.resolve("audit")),
                    AuditKeys.from(Pkcs12KeyStore.open(keys, password)));
            InferenceRecorder recorder = new InferenceRecorder(Optional.of(log), Telemetry.open(TelemetrySettings.off()));
            Outcome outcome = stats.failedRows() == 0 ? Outcome.OK : stats.failedRows() == stats.rows() ? Outcome.FAILED
                    : Outcome.OK;
            recorder.record(new InferenceFacts(started, Principal.currentUser(), Origin.EMBEDDED_API,
                    digest, kind,
                    (int) Math.min(Integer.MAX_VALUE, stats.promptTokens()),
                    (int) Math.min(Integer.MAX_VALUE, stats.completionTokens()), Duration.ofNanos(stats.nanos()), 0,
                    outcome));
        }
    }
}
