package dev.cove.secure.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export to a local HTTPS collector: TLS verified, retried, and exactly once across outages and restarts. */
class TelemetryExportTest {
    private static final char[] TRUST_PASSWORD = "trust".toCharArray();

    @TempDir
    Path dir;
    private Path serverKeystore;
    private Path trustStore;
    private TestHttpsServer server;

    @BeforeEach
    void startServer() throws Exception {
        serverKeystore = TestHttpsServer.makeServerKeystore(dir, "collector");
        trustStore = TestHttpsServer.makeTrustStore(serverKeystore, dir.resolve("trust.p12"), TRUST_PASSWORD);
        server = TestHttpsServer.start(serverKeystore);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private ExportSettings export() {
        return ExportSettings.to(server.endpoint(), new TrustSource.TrustStoreFile(trustStore, TRUST_PASSWORD))
                .withBatch(10).withRetry(3, Duration.ofMillis(10)).withInterval(Duration.ofHours(1))
                .withRequestTimeout(Duration.ofSeconds(10));
    }

    private Telemetry open(Path spool, ExportSettings export) {
        return Telemetry.open(TelemetrySettings.local(spool).withExport(export));
    }

    private static List<Integer> promptTokens(List<String> lines) {
        List<Integer> out = new ArrayList<>();
        for (String l : lines) {
            out.add(TelemetryJson.parse(l).measurement().promptTokens());
        }
        return out;
    }

    private static void assertNoDuplicates(List<String> lines) {
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            assertThat(ids.add(TelemetryJson.parse(l).id().value().toString())).as("duplicate event").isTrue();
        }
    }

    @Test
    void exportsInBatchesOverVerifiedTls() throws Exception {
        Path spool = dir.resolve("spool");
        try (Telemetry t = open(spool, export())) {
            for (int i = 0; i < 25; i++) {
                t.record(TelemetryTest.measurement(i));
            }
            ExportResult r = t.flushNow();
            assertThat(r.delivered()).isTrue();
            assertThat(r.sent()).isEqualTo(25);
        }
        List<String> lines = server.acceptedLines();
        assertThat(promptTokens(lines)).containsExactlyElementsOf(IntStream.range(0, 25).boxed().toList());
        assertThat(server.idempotencyKeys()).hasSize(3).doesNotHaveDuplicates();
        assertThat(Files.readString(spool.resolve("export.cursor"))).isNotBlank();
    }

    @Test
    void anUntrustedCertificateGetsNoData() throws Exception {
        Path spool = dir.resolve("spool");
        ExportSettings systemTrust = ExportSettings.to(server.endpoint(), new TrustSource.SystemTrust())
                .withRetry(2, Duration.ofMillis(10)).withRequestTimeout(Duration.ofSeconds(10));
        try (Telemetry t = open(spool, systemTrust)) {
            t.record(TelemetryTest.measurement(1));
            assertThat(t.flushNow().delivered()).isFalse();
        }
        // Another collector with a different certificate, while we trust only the first one's.
        Path otherKeystore = TestHttpsServer.makeServerKeystore(dir, "impostor");
        try (TestHttpsServer impostor = TestHttpsServer.start(otherKeystore)) {
            ExportSettings wrongServer = ExportSettings.to(impostor.endpoint(),
                    new TrustSource.TrustStoreFile(trustStore, TRUST_PASSWORD)).withRetry(1, Duration.ZERO);
            try (Telemetry t = open(spool, wrongServer)) {
                assertThat(t.flushNow().delivered()).isFalse();
            }
            assertThat(impostor.everythingReceived()).isEmpty();
        }
        assertThat(server.everythingReceived()).isEmpty();
        // Nothing was lost: the trusted collector still gets the event.
        try (Telemetry t = open(spool, export())) {
            assertThat(t.flushNow().sent()).isEqualTo(1);
        }
        assertThat(server.acceptedLines()).hasSize(1);
    }

    @Test
    void retriesTransientFailuresWithinOneFlush() {
        server.failNext(2);
        try (Telemetry t = open(dir.resolve("spool"), export())) {
            t.record(TelemetryTest.measurement(1));
            assertThat(t.flushNow()).isEqualTo(new ExportResult(1, 0, true));
        }
        assertThat(server.acceptedLines()).hasSize(1);
    }

    @Test
    void survivesAnOutageAndAProcessRestartWithoutLossOrDuplication() throws Exception {
        Path spool = dir.resolve("spool");
        try (Telemetry t = open(spool, export())) {
            for (int i = 0; i < 10; i++) {
                t.record(TelemetryTest.measurement(i));
            }
            assertThat(t.flushNow().sent()).isEqualTo(10);

            server.setDown(true); // the outage starts
            for (int i = 10; i < 25; i++) {
                t.record(TelemetryTest.measurement(i));
            }
            assertThat(t.flushNow().delivered()).isFalse();
        } // closing tries once more, and fails

        // Another process records more during the outage, then exits.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                TelemetryRecorderMain.class.getName(), spool.toString(), server.endpoint().toString(),
                trustStore.toString(), new String(TRUST_PASSWORD), "12", "25")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.out"))).isZero();

        // The collector is back; a restarted process sends the whole backlog, once.
        server.setDown(false);
        server.failNext(0);
        try (Telemetry t = open(spool, export().withRetry(1, Duration.ZERO))) {
            assertThat(t.flushNow().delivered()).isTrue();
        }
        List<String> lines = server.acceptedLines();
        assertNoDuplicates(lines);
        assertThat(promptTokens(lines)).containsExactlyElementsOf(IntStream.range(0, 37).boxed().toList());

        // A further restart has nothing left to send.
        try (Telemetry t = open(spool, export())) {
            assertThat(t.flushNow()).isEqualTo(new ExportResult(0, 0, true));
        }
        assertThat(server.acceptedLines()).hasSize(37);
    }

    @Test
    void aRestartInTheMiddleOfABacklogResumesAtTheCursor() throws Exception {
        Path spool = dir.resolve("spool");
        server.setDown(true);
        try (Telemetry t = open(spool, export())) {
            for (int i = 0; i < 30; i++) {
                t.record(TelemetryTest.measurement(i));
            }
        }
        server.setDown(false);
        // Only one request gets through, then the collector fails again: 10 of 30 delivered.
        server.acceptOnly(1);
        try (Telemetry t = open(spool, export().withRetry(2, Duration.ZERO))) {
            ExportResult r = t.flushNow();
            assertThat(r).isEqualTo(new ExportResult(10, 0, false));
        }
        assertThat(server.acceptedLines()).hasSize(10);
        server.acceptOnly(Integer.MAX_VALUE);
        server.setDown(false);
        try (Telemetry t = open(spool, export())) {
            t.flushNow();
        }
        List<String> lines = server.acceptedLines();
        assertNoDuplicates(lines);
        assertThat(promptTokens(lines)).containsExactlyElementsOf(IntStream.range(0, 30).boxed().toList());
    }

    @Test
    void exportsOnItsIntervalWithoutBeingAsked() throws Exception {
        try (Telemetry t = open(dir.resolve("spool"), export().withInterval(Duration.ofMillis(200)))) {
            t.record(TelemetryTest.measurement(5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.acceptedLines().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(server.acceptedLines()).hasSize(1);
    }

    @Test
    void theRetryKeepsTheSameIdempotencyKey() throws Exception {
        Path spool = dir.resolve("spool");
        List<String> keys = new ArrayList<>();
        int[] calls = {0};
        BatchSender flaky = (body, key) -> {
            keys.add(key);
            return ++calls[0] >= 3;
        };
        TelemetrySettings s = TelemetrySettings.local(spool).withExport(export());
        try (ActiveTelemetry t = ActiveTelemetry.start(s, flaky)) {
            t.record(TelemetryTest.measurement(1));
            assertThat(t.flushNow()).isEqualTo(new ExportResult(1, 0, true));
        }
        assertThat(keys).hasSize(3).containsOnly(keys.getFirst());
    }

    @Test
    void handEditedSpoolLinesAreNeverSent() throws Exception {
        Path spool = dir.resolve("spool");
        try (Telemetry t = open(spool, export())) {
            t.record(TelemetryTest.measurement(1));
        }
        Files.writeString(spool.resolve("events-000000000000.jsonl"), "{\"note\":\"patient text pasted here\"}\n",
                StandardOpenOption.APPEND);
        try (Telemetry t = open(spool, export())) {
            t.record(TelemetryTest.measurement(2));
            // The first event went out when the first instance closed; the edited line is skipped.
            assertThat(t.flushNow()).isEqualTo(new ExportResult(1, 1, true));
        }
        assertThat(promptTokens(server.acceptedLines())).containsExactly(1, 2);
        assertThat(new String(server.everythingReceived())).doesNotContain("patient text");
    }
}
