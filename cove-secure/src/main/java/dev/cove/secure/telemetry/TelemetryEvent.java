package dev.cove.secure.telemetry;

import java.util.Objects;

/** One telemetry event: a measurement stamped with its id, its device and the time. Closed schema. */
public record TelemetryEvent(EventId id, DeviceId device, long epochMillis, Measurement measurement) {
    public TelemetryEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(measurement, "measurement");
    }
}
