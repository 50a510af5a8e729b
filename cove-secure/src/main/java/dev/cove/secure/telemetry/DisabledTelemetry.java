package dev.cove.secure.telemetry;

/** Telemetry switched off: every method does nothing, and nothing was created to do it. */
final class DisabledTelemetry implements Telemetry {
    static final DisabledTelemetry INSTANCE = new DisabledTelemetry();

    private DisabledTelemetry() {
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public void record(Measurement measurement) {
    }

    @Override
    public ExportResult flushNow() {
        return ExportResult.NOTHING;
    }

    @Override
    public void close() {
    }
}
