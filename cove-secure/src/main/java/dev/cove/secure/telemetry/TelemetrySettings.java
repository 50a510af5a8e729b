package dev.cove.secure.telemetry;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Telemetry configuration. {@link #off()} is the default everywhere.
 *
 * @param enabled       the switch: false means no file, no thread, no socket, nothing
 * @param directory     where the JSON-lines spool, the device id and the export cursor live
 * @param export        where to send batches, if anywhere; without it events stay local
 * @param maxSpoolBytes the local spool's bound; past it the oldest unsent events are dropped (and counted)
 */
public record TelemetrySettings(boolean enabled, Path directory, Optional<ExportSettings> export, long maxSpoolBytes) {
    public static final long DEFAULT_MAX_SPOOL_BYTES = 64L * 1024 * 1024;

    public TelemetrySettings {
        Objects.requireNonNull(export, "export");
        if (enabled) {
            Objects.requireNonNull(directory, "directory");
        }
        if (maxSpoolBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxSpoolBytes must be at least 64 KiB");
        }
    }

    public static TelemetrySettings off() {
        return new TelemetrySettings(false, null, Optional.empty(), DEFAULT_MAX_SPOOL_BYTES);
    }

    /** On, written locally to {@code directory}, not exported. */
    public static TelemetrySettings local(Path directory) {
        return new TelemetrySettings(true, directory, Optional.empty(), DEFAULT_MAX_SPOOL_BYTES);
    }

    public TelemetrySettings withExport(ExportSettings settings) {
        return new TelemetrySettings(enabled, directory, Optional.of(settings), maxSpoolBytes);
    }

    public TelemetrySettings withMaxSpoolBytes(long bytes) {
        return new TelemetrySettings(enabled, directory, export, bytes);
    }
}
