package dev.cove.secure.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cove.secure.Outcome;
import dev.cove.secure.RequestKind;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;

/**
 * One event per JSON line. Written by hand from the record's typed fields, so the output can
 * only ever contain numbers, enum constant names, UUIDs and hex: nothing needs escaping and no
 * serializer can pick up a field nobody meant to send. Parsing is strict: an unknown or missing
 * field rejects the line, so a spool file edited by hand cannot smuggle text into an export.
 */
public final class TelemetryJson {
    static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("v", "id", "device", "time", "model", "kind", "outcome",
            "promptTokens", "outputTokens", "latencyMicros", "peakMemoryBytes");

    private TelemetryJson() {
    }

    public static String write(TelemetryEvent e) {
        Measurement m = e.measurement();
        return new StringBuilder(256)
                .append("{\"v\":").append(SCHEMA_VERSION)
                .append(",\"id\":\"").append(e.id().value()).append('"')
                .append(",\"device\":\"").append(e.device().value()).append('"')
                .append(",\"time\":").append(e.epochMillis())
                .append(",\"model\":\"").append(m.model().hex()).append('"')
                .append(",\"kind\":\"").append(m.kind().name()).append('"')
                .append(",\"outcome\":\"").append(m.outcome().name()).append('"')
                .append(",\"promptTokens\":").append(m.promptTokens())
                .append(",\"outputTokens\":").append(m.outputTokens())
                .append(",\"latencyMicros\":").append(m.latencyMicros())
                .append(",\"peakMemoryBytes\":").append(m.peakMemoryBytes())
                .append('}')
                .toString();
    }

    /** The event on {@code line}; throws IllegalArgumentException (without quoting the line) if it is not one. */
    public static TelemetryEvent parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a telemetry event: malformed JSON");
        }
        if (n == null || !n.isObject() || n.size() != FIELDS.size()) {
            throw new IllegalArgumentException("not a telemetry event: wrong set of fields");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            if (!FIELDS.contains(it.next())) {
                throw new IllegalArgumentException("not a telemetry event: unknown field");
            }
        }
        if (integer(n, "v") != SCHEMA_VERSION) {
            throw new IllegalArgumentException("telemetry event schema version is not " + SCHEMA_VERSION);
        }
        try {
            Measurement m = new Measurement(
                    ModelFingerprint.parseHex(text(n, "model")),
                    RequestKind.valueOf(text(n, "kind")),
                    Outcome.valueOf(text(n, "outcome")),
                    Math.toIntExact(integer(n, "promptTokens")),
                    Math.toIntExact(integer(n, "outputTokens")),
                    integer(n, "latencyMicros"),
                    integer(n, "peakMemoryBytes"));
            return new TelemetryEvent(new EventId(UUID.fromString(text(n, "id"))),
                    new DeviceId(UUID.fromString(text(n, "device"))), integer(n, "time"), m);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("not a telemetry event: a field has an invalid value");
        }
    }

    private static long integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("not a telemetry event: '" + field + "' is not an integer");
        }
        return v.longValue();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("not a telemetry event: '" + field + "' is not a string");
        }
        return v.textValue();
    }
}
