package dev.cove.cli;

import dev.cove.core.generate.GenerationResult;
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
import dev.cove.secure.store.Manifest;
import dev.cove.secure.store.ModelStore;
import dev.cove.secure.store.Sha256;
import dev.cove.secure.telemetry.Telemetry;
import dev.cove.secure.telemetry.TelemetrySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Audit records for inferences run by the CLI and the server, when auditing is on
 * ({@code --audit} or {@code COVE_AUDIT=on}): who, when, which model (by SHA-256), token counts,
 * latency, outcome — never any text. The log lives in {@code $COVE_HOME/audit}, keyed by the
 * PKCS#12 keystore that {@code cove audit show/verify} read.
 */
final class CliAudit {
    private CliAudit() {
    }

    static boolean enabled(boolean flag) {
        String env = SecureCli.env().get("COVE_AUDIT");
        return flag || (env != null && (env.equalsIgnoreCase("on") || env.equals("1") || env.equalsIgnoreCase("true")));
    }

    /** Opens the audit log; telemetry stays off here (it has its own switch). */
    static InferenceRecorder openRecorder() {
        ModelStore store = SecureCli.store();
        String env = SecureCli.env().get("COVE_KEYSTORE");
        Path keystore = env != null && !env.isBlank() ? Path.of(env) : store.home().resolve("keys").resolve("cove.p12");
        char[] password = SecureCli.env().getOrDefault("COVE_KEYSTORE_PASSWORD", "").toCharArray();
        if (password.length == 0) {
            throw new IllegalArgumentException("auditing needs the keystore password: set COVE_KEYSTORE_PASSWORD");
        }
        AuditKeys keys = AuditKeys.from(Pkcs12KeyStore.open(keystore, password));
        AuditLog log = AuditLog.open(AuditLogConfig.defaults(store.home().resolve("audit")), keys);
        return new InferenceRecorder(Optional.of(log), Telemetry.open(TelemetrySettings.off()));
    }

    /** A store model's recorded digest, or a file's SHA-256. */
    static ModelDigest digest(String nameOrPath) {
        Path file = Path.of(nameOrPath);
        if (Files.isRegularFile(file)) {
            return Sha256.of(file);
        }
        return SecureCli.store().find(nameOrPath).map(Manifest::modelDigest).orElseThrow(
                () -> new IllegalArgumentException(nameOrPath + ": cannot identify the model for the audit log"));
    }

    /** Records one finished {@code cove run}. */
    static void record(String nameOrPath, RequestKind kind, Instant started, GenerationResult result) {
        Outcome outcome = switch (result.stopReason()) {
            case MAX_TOKENS, CONTEXT_FULL -> Outcome.TRUNCATED;
            case CANCELLED -> Outcome.CANCELLED;
            default -> Outcome.OK;
        };
        openRecorder().record(new InferenceFacts(started, Principal.currentUser(), Origin.CLI, digest(nameOrPath), kind,
                result.promptTokens(), result.generatedTokens(), Duration.between(started, Instant.now()),
                Runtime.getRuntime().totalMemory(), outcome));
    }
}
