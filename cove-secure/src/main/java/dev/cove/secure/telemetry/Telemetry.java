package dev.cove.secure.telemetry;

/**
 * Metrics-only telemetry. Events are built from a {@link Measurement}, which has no field that
 * can hold text, so a prompt or an output cannot reach telemetry by any path.
 *
 * <pre>{@code
 * try (Telemetry t = Telemetry.open(settings)) {     // settings default to TelemetrySettings.off()
 *     t.record(new Measurement(...));
 * }
 * }</pre>
 *
 * Thread-safe. {@link #record} never throws at the caller: telemetry must not break inference.
 */
public sealed interface Telemetry extends AutoCloseable permits DisabledTelemetry, ActiveTelemetry {

    /**
     * Telemetry as configured, or {@link #disabled()} if the settings are off or the
     * {@link KillSwitch} is engaged. Disabled means nothing at all: no file, thread or socket.
     */
    static Telemetry open(TelemetrySettings settings) {
        if (!settings.enabled() || KillSwitch.engaged()) {
            return DisabledTelemetry.INSTANCE;
        }
        return ActiveTelemetry.start(settings);
    }

    static Telemetry disabled() {
        return DisabledTelemetry.INSTANCE;
    }

    boolean enabled();

    void record(Measurement measurement);

    /** Exports now with the configured retries (no-op without export). For tests and shutdown hooks. */
    ExportResult flushNow();

    /** Stops the export thread after one last single-try flush; unsent events stay spooled for next time. */
    @Override
    void close();
}
