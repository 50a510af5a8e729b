package dev.cove.secure.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryTest {
    @TempDir
    Path dir;

    static Measurement measurement(int n) {
        return new Measurement(new ModelFingerprint(0x1234_5678_9abc_def0L), RequestKind.CHAT, Outcome.OK, n, 2 * n,
                1000L + n, 64L << 20);
    }

    /** The schema guard: a field that could carry text fails this test, not a code review. */
    @Test
    void eventsAreNumbersEnumsAndIdsOnly() {
        assertClosed(TelemetryEvent.class, new HashSet<>());
    }

    private static void assertClosed(Class<?> type, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            return;
        }
        assertThat(type.isRecord()).as(type + " is a record").isTrue();
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> t = c.getType();
            boolean allowed = t.isPrimitive() || t.isEnum() || t == UUID.class || t.isRecord();
            assertThat(allowed).as("%s.%s has type %s; telemetry fields must be numbers, enums, UUIDs or records of those",
                    type.getSimpleName(), c.getName(), t.getName()).isTrue();
            if (t.isRecord()) {
                assertClosed(t, seen);
            }
        }
    }

    @Test
    void offByDefaultAndOffMeansNothingIsCreated() throws Exception {
        Path where = dir.resolve("telemetry");
        try (Telemetry t = Telemetry.open(TelemetrySettings.off())) {
            assertThat(t.enabled()).isFalse();
            t.record(measurement(1));
        }
        TelemetrySettings switchedOff = new TelemetrySettings(false, where, java.util.Optional.empty(),
                TelemetrySettings.DEFAULT_MAX_SPOOL_BYTES);
        try (Telemetry t = Telemetry.open(switchedOff)) {
            t.record(measurement(1));
        }
        assertThat(Files.exists(where)).isFalse();
    }

    @Test
    void killSwitchOverridesConfiguration() {
        System.setProperty(KillSwitch.PROPERTY, "off");
        try (Telemetry t = Telemetry.open(TelemetrySettings.local(dir.resolve("t")))) {
            assertThat(t.enabled()).isFalse();
        } finally {
            System.clearProperty(KillSwitch.PROPERTY);
        }
        assertThat(Files.exists(dir.resolve("t"))).isFalse();
    }

    @Test
    void writesJsonLinesLocally() throws Exception {
        try (Telemetry t = Telemetry.open(TelemetrySettings.local(dir))) {
            t.record(measurement(3));
            t.record(measurement(4));
        }
        List<String> lines = Files.readAllLines(dir.resolve("events-000000000000.jsonl"));
        assertThat(lines).hasSize(2);
        TelemetryEvent e = TelemetryJson.parse(lines.getFirst());
        assertThat(e.measurement()).isEqualTo(measurement(3));
        assertThat(lines.getFirst()).startsWith("{\"v\":1,\"id\":\"").contains("\"kind\":\"CHAT\"", "\"promptTokens\":3",
                "\"model\":\"123456789abcdef0\"");
        assertThat(TelemetryJson.write(e)).isEqualTo(lines.getFirst());
        String device = Files.readString(dir.resolve("device-id")).strip();
        assertThat(e.device().value()).isEqualTo(UUID.fromString(device));
    }

    @Test
    void parsingIsStrict() {
        String good = TelemetryJson.write(new TelemetryEvent(EventId.random(), DeviceId.random(), 1, measurement(1)));
        TelemetryJson.parse(good);
        assertThatThrownBy(() -> TelemetryJson.parse(good.replace("}", ",\"note\":\"hello\"}"))).hasMessageContaining("fields");
        assertThatThrownBy(() -> TelemetryJson.parse(good.replace("\"CHAT\"", "\"free text\""))).hasMessageNotContaining("free text");
        assertThatThrownBy(() -> TelemetryJson.parse(good.replace("\"promptTokens\":1", "\"promptTokens\":\"1\"")));
        assertThatThrownBy(() -> TelemetryJson.parse("not json at all")).hasMessageNotContaining("not json");
    }

    @Test
    void exportRefusesPlainHttp() {
        assertThatThrownBy(() -> ExportSettings.to(URI.create("http://127.0.0.1:9/x"), new TrustSource.SystemTrust()))
                .hasMessageContaining("https://");
    }

    @Test
    void spoolIsBoundedAndCountsWhatItDrops() throws Exception {
        TelemetrySettings s = TelemetrySettings.local(dir).withMaxSpoolBytes(64 * 1024);
        try (ActiveTelemetry t = ActiveTelemetry.start(s, null)) {
            for (int i = 0; i < 2000; i++) {
                t.record(measurement(i));
            }
            long bytes = 0;
            try (var files = Files.list(dir)) {
                for (Path p : files.filter(p -> p.getFileName().toString().startsWith("events-")).toList()) {
                    bytes += Files.size(p);
                }
            }
            assertThat(bytes).isLessThanOrEqualTo(64 * 1024);
            assertThat(t.dropped()).isPositive();
            assertThat(t.failures()).isZero();
        }
    }
}
