package dev.cove.secure.telemetry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate process for {@link TelemetryExportTest}: records events with export configured and
 * exits (its closing flush may or may not reach the endpoint).
 *
 * <p>Arguments: dir endpoint truststore password count firstPromptTokens
 */
public final class TelemetryRecorderMain {
    private TelemetryRecorderMain() {
    }

    public static void main(String[] args) {
        ExportSettings export = ExportSettings.to(URI.create(args[1]),
                        new TrustSource.TrustStoreFile(Path.of(args[2]), args[3].toCharArray()))
                .withBatch(7).withRetry(2, Duration.ofMillis(20)).withInterval(Duration.ofHours(1))
                .withRequestTimeout(Duration.ofSeconds(10));
        int count = Integer.parseInt(args[4]);
        int first = Integer.parseInt(args[5]);
        try (Telemetry t = Telemetry.open(TelemetrySettings.local(Path.of(args[0])).withExport(export))) {
            for (int i = 0; i < count; i++) {
                t.record(TelemetryTest.measurement(first + i));
            }
        }
    }
}
