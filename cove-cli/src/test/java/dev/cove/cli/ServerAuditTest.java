package dev.cove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cove.secure.InferenceRecorder;
import dev.cove.secure.ModelDigest;
import dev.cove.secure.Origin;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import dev.cove.secure.audit.AuditEntry;
import dev.cove.secure.audit.AuditKeys;
import dev.cove.secure.audit.AuditLog;
import dev.cove.secure.audit.AuditLogConfig;
import dev.cove.secure.audit.AuditReader;
import dev.cove.secure.keys.Pkcs12KeyStore;
import dev.cove.secure.telemetry.Telemetry;
import dev.cove.secure.telemetry.TelemetrySettings;
import dev.cove.server.batch.FinishReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerAuditTest {

    @Test
    void everyCompletedRequestBecomesOneAuditRecord(@TempDir Path dir) {
        AuditKeys keys = AuditKeys.from(Pkcs12KeyStore.open(dir.resolve("keys.p12"), "pw".toCharArray()));
        AuditLog log = AuditLog.open(AuditLogConfig.defaults(dir.resolve("audit")), keys);
        ModelDigest digest = ModelDigest.of(new byte[32]);
        ServerAudit audit = new ServerAudit(new InferenceRecorder(Optional.of(log), Telemetry.open(TelemetrySettings.off())),
                Map.of("stories", digest));

        audit.completed("stories", false, FinishReason.STOP, 12, 30, 5_000_000);
        audit.completed("stories", true, FinishReason.CANCELLED, 4, 0, 1_000_000);

        List<AuditEntry> entries = new ArrayList<>();
        new AuditReader(keys).read(dir.resolve("audit"), null, entries::add);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).record().origin()).isEqualTo(Origin.SERVER);
        assertThat(entries.get(0).record().kind()).isEqualTo(RequestKind.COMPLETION);
        assertThat(entries.get(0).record().outcome()).isEqualTo(Outcome.OK);
        assertThat(entries.get(0).record().promptTokens()).isEqualTo(12);
        assertThat(entries.get(0).record().model()).isEqualTo(digest);
        assertThat(entries.get(1).record().kind()).isEqualTo(RequestKind.EMBEDDING);
        assertThat(entries.get(1).record().outcome()).isEqualTo(Outcome.CANCELLED);
    }
}
