package dev.cove.secure.telemetry;

import java.util.Objects;
import java.util.UUID;

/** A random id per event, so a receiver can drop the rare redelivery (see {@link TelemetryExporter}). */
public record EventId(UUID value) {
    public EventId {
        Objects.requireNonNull(value, "value");
    }

    public static EventId random() {
        return new EventId(UUID.randomUUID());
    }
}
