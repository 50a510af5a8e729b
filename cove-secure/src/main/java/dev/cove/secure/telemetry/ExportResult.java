package dev.cove.secure.telemetry;

/**
 * What one flush did.
 *
 * @param sent      events acknowledged by the endpoint
 * @param skipped   spool lines that were not valid events (never sent)
 * @param delivered false if a batch was still unacknowledged after every attempt (it stays spooled)
 */
public record ExportResult(long sent, long skipped, boolean delivered) {
    public static final ExportResult NOTHING = new ExportResult(0, 0, true);
}
