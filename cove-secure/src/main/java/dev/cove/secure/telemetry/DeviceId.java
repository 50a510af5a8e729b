package dev.cove.secure.telemetry;

import java.util.Objects;
import java.util.UUID;

/**
 * Which installation sent an event: a random UUID made once per telemetry directory. Random on
 * purpose, not derived from hardware or user names, so it identifies nothing but itself. A UUID
 * rather than a String so that no text can be passed off as a device id.
 */
public record DeviceId(UUID value) {
    public DeviceId {
        Objects.requireNonNull(value, "value");
    }

    public static DeviceId random() {
        return new DeviceId(UUID.randomUUID());
    }
}
