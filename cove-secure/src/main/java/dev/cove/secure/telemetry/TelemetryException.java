package dev.cove.secure.telemetry;

import dev.cove.secure.SecureException;

/** Telemetry could not be set up. Failures while running are logged and counted, never thrown at inference. */
public final class TelemetryException extends SecureException {
    public TelemetryException(String message) {
        super(message);
    }

    public TelemetryException(String message, Throwable cause) {
        super(message, cause);
    }
}
